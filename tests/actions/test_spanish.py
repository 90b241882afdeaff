"""The action register in Spanish (issue 19, point 1): ?lang=es; English unchanged."""

import pytest

from app.core.roles import Role
from tests.factories import csrf_from_page, login


@pytest.fixture
def client(app, make):
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    client = app.test_client()
    login(client, "quality@x.test")
    return client


def test_the_action_register_in_spanish_and_in_english(client):
    spanish = client.get("/actions?lang=es").get_data(as_text=True)
    assert '<html lang="es">' in spanish
    assert "<h1>Registro de acciones</h1>" in spanish and "Nueva acción" in spanish
    assert "En implementación" in spanish  # the status filter's labels are translated too
    english = client.get("/actions").get_data(as_text=True)
    assert '<html lang="en">' in english
    assert "<h1>Action register</h1>" in english and "Being put in place" in english


def test_a_refused_action_says_why_in_spanish(client):
    token = csrf_from_page(client, "/actions/new")
    refused = client.post("/actions/new?lang=es", data={"csrf_token": token, "title": ""})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "<h1>Nueva acción</h1>" in html and "Dé a la acción un título corto." in html
    assert "Sólida — elimina el peligro o cambia el sistema" in html
