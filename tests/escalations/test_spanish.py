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


def _titles(email):
    from app.notifications.models import Notification

    recipient = db.session.scalar(select(User).where(User.email == email))
    return [
        n.title
        for n in db.session.scalars(
            select(Notification).where(Notification.user_id == recipient.id).order_by(Notification.id)
        )
    ]


def test_stop_the_line_alerts_and_their_escalation_reach_each_reader_in_their_language(app, org):
    """Two supervisors of one region: one reads Spanish, one English (issue 19, point 1)."""
    from datetime import timedelta

    from app.escalations.models import StopTheLineAlert
    from app.escalations.operations import acknowledge_alert, escalate_overdue_alerts

    org.user("sup-es@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    org.user("ops-es@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    org.user("dsp-es@x.test", regions=["North"])
    with app.app_context():
        for email in ("sup-es@x.test", "ops-es@x.test", "dsp-es@x.test"):
            db.session.scalar(select(User).where(User.email == email)).language = "es"
        db.session.commit()
    report_id = org.report("dsp-es@x.test", still_at_risk=True)
    with app.app_context():
        assert _titles("sup-es@x.test") == [f"Parar y actuar: reporte NM-{report_id} en North"]
        assert _titles("sup@x.test") == [f"Stop the line: report NM-{report_id} in North"]
        alert = db.session.scalar(select(StopTheLineAlert))
        escalate_overdue_alerts(now=alert.raised_at + timedelta(minutes=15))
        assert _titles("ops-es@x.test") == [f"Escalada: Parar y actuar: reporte NM-{report_id} en North"]
        acknowledge_alert(alert, db.session.scalar(select(User).where(User.email == "sup@x.test")))
        db.session.commit()
        assert _titles("dsp-es@x.test") == [f"Su reporte NM-{report_id}: un supervisor lo atendió"]


def test_deadline_warnings_name_the_due_time_in_the_readers_language(app, org):
    from datetime import UTC, datetime, timedelta

    from app.escalations.deadlines import warn_of_deadlines
    from app.escalations.models import SafeguardingCase

    with app.app_context():
        db.session.scalar(select(User).where(User.email == "safeguarding@x.test")).language = "es"
        db.session.commit()
    org.user("dsp@x.test", regions=["North"])
    report_id = org.report("dsp@x.test", category="safeguarding_rights")
    with app.app_context():
        case = db.session.scalar(select(SafeguardingCase))
        case.routed_at = datetime(2026, 3, 6, 15, 0, tzinfo=UTC)
        db.session.commit()
        assert warn_of_deadlines(now=case.routed_at + timedelta(hours=12)) == 1
        db.session.commit()
        assert _titles("safeguarding@x.test") == [
            f"Señal de protección: reporte NM-{report_id} en North",
            f"Vence el 07 mar 2026 10:00: la decisión de protección del reporte NM-{report_id}",
        ]
