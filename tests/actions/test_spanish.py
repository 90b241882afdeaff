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


def test_action_reminders_are_written_in_each_recipients_language(app, make):
    """The owner reads Spanish (their account says so), the quality lead English: each title, its
    month included, in the reader's language (issue 19, point 1)."""
    from datetime import date, timedelta

    from sqlalchemy import select

    from app.actions.operations import notify_due, save_action
    from app.extensions import db
    from app.notifications.models import Notification
    from tests.actions.test_operations import TZ, action_input, user

    make.user("owner@x.test", roles=[Role.SCHEDULER], regions=["North"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    today = date(2026, 6, 1)
    with app.app_context():
        user("owner@x.test").language = "es"
        action = save_action(
            user("quality@x.test"),
            action_input(
                due_date=today + timedelta(days=7),
                window_start=today + timedelta(days=7),
                window_end=today + timedelta(days=34),
            ),
            tz=TZ,
            today=today,
        )
        assert notify_due(date(2026, 6, 9)) == 1
        db.session.commit()

        def titles(email):
            return list(
                db.session.scalars(select(Notification.title).where(Notification.user_id == user(email).id))
            )

        assert titles("owner@x.test") == [f"La acción A-{action.id} está vencida (vencía el 08 jun)"]
        assert titles("quality@x.test") == [f"Action A-{action.id} is overdue (due 08 Jun)"]


def test_the_before_and_after_chart_reads_spanish(app, make):
    """The chart's fixed words (marker, axis, levels, title) and its week labels in Spanish."""
    from datetime import date, timedelta

    from flask_babel import force_locale

    from app.actions.charts import measure_chart
    from app.actions.operations import save_action
    from tests.actions.test_operations import TZ, action_input, user

    make.user("owner@x.test", roles=[Role.SCHEDULER], regions=["North"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    start = date(2026, 6, 1)
    with app.app_context():
        action = save_action(
            user("quality@x.test"),
            action_input(due_date=start, window_start=start, window_end=start + timedelta(days=27)),
            tz=TZ,
            today=start - timedelta(days=1),
        )
        with force_locale("es"):
            spanish = str(measure_chart(action, TZ, date(2026, 6, 10)))
        english = str(measure_chart(action, TZ, date(2026, 6, 10)))
    assert "empieza el cambio" in spanish and "reportes/semana" in spanish
    assert "reportes por semana antes y después del cambio" in spanish and "línea de base: " in spanish
    assert "01 jun 26" in spanish and "Jun" not in spanish and "change starts" not in spanish
    assert "change starts" in english and "01 Jun 26" in english and "baseline: " in english
