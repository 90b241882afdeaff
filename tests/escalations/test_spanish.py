"""The escalation pages in Spanish (issue 19, point 1): ?lang=es; English unchanged."""

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.core.roles import Role
from app.extensions import db
from tests.factories import csrf_from_page, login


@pytest.fixture
def org(make):
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("safeguarding@x.test", roles=[Role.SAFEGUARDING_LEAD], regions=[])
    return make


def as_user(app, email):
    client = app.test_client()
    login(client, email)
    return client


def test_the_safeguarding_queue_in_spanish_and_in_english(app, org):
    client = as_user(app, "safeguarding@x.test")
    spanish = client.get("/safeguarding?lang=es").get_data(as_text=True)
    assert '<html lang="es">' in spanish
    assert "<h1>Protección y derechos</h1>" in spanish and "No hay casos de protección abiertos." in spanish
    english = client.get("/safeguarding").get_data(as_text=True)
    assert '<html lang="en">' in english
    assert "<h1>Safeguarding and rights</h1>" in english and "No open safeguarding cases." in english


def test_the_on_call_rota_refuses_a_shift_in_spanish(app, org):
    client = as_user(app, "sup@x.test")
    page = client.get("/on-call?lang=es").get_data(as_text=True)
    assert "<h1>Turnos de guardia</h1>" in page and "Añadir un turno" in page
    with app.app_context():
        sup = db.session.scalar(select(User).where(User.email == "sup@x.test"))
        north, sup_id = sorted(sup.region_ids)[0], sup.id
    answers = {
        "csrf_token": csrf_from_page(client, "/on-call"),
        "region_id": north,
        "user_id": sup_id,
        "phone": "555 0101",
        "starts_at": "2026-12-01T19:00",
        "ends_at": "2026-12-01T18:00",
    }
    refused = client.post("/on-call?lang=es", data=answers)
    assert refused.status_code == 422
    assert "El turno debe terminar después de empezar." in refused.get_data(as_text=True)
    assert "<h1>On-call schedule</h1>" in client.get("/on-call").get_data(as_text=True)
