"""Issue 19: a person who never chose a language reads the pages in their browser's language, and what
is written to them outside their own request (the notification, its push and e-mail) follows it."""

from contextlib import contextmanager

from flask_babel import lazy_gettext as _l
from sqlalchemy import event, select

from app.auth.models import User
from app.core.i18n import language_of
from app.core.roles import Role
from app.extensions import db
from app.notifications.models import Notification
from app.notifications.operations import notify
from tests.factories import csrf_from_page, login
from tests.notifications.test_email import smtp, wait_for  # noqa: F401  (the fixture)
from tests.notifications.test_push import add_device, push_service, vapid  # noqa: F401  (fixtures)

SPANISH_BROWSER = "es-US,es;q=0.9,en;q=0.5"


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _stored(app, email: str) -> tuple[str | None, str | None]:
    with app.app_context():
        user = _user(email)
        return user.language, user.browser_language


def _titles(app, email: str) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(Notification.title)
                .join(User, User.id == Notification.user_id)
                .where(User.email == email)
            )
        )


@contextmanager
def updates_of_users(app):
    """The UPDATE statements on ``users`` the database is sent while the block runs."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("UPDATE USERS"):
            seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_a_spanish_browser_gets_alert_push_and_mail_in_spanish(app, make, client, push_service, vapid, smtp):  # noqa: F811
    make.user("dsp@x.test", regions=["North"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = SPANISH_BROWSER
    assert login(client, "sup@x.test").status_code == 302
    assert _stored(app, "sup@x.test") == (None, "es")  # remembered at sign-in, no choice made
    device = add_device(app, "sup@x.test", f"{push_service.origin}/push/sup-phone")

    report_id = make.report("dsp@x.test", still_at_risk=True)  # stop the line: notified in a job context

    spanish = f"Parar y actuar: reporte NM-{report_id} en North"
    assert _titles(app, "sup@x.test") == [spanish]
    assert device.decrypt(push_service.requests[0]["body"])["title"] == spanish
    (mail,) = wait_for(smtp, 1)
    assert mail["Subject"].startswith(f"[Casi incidentes] {spanish}")
    page = client.get("/notifications").get_data(as_text=True)
    assert spanish in page and 'lang="es"' in page


def test_the_chosen_language_wins_over_the_browser(app, make, client):
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    with app.app_context():
        _user("sup@x.test").language = "en"
        db.session.commit()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = SPANISH_BROWSER
    login(client, "sup@x.test")
    client.get("/notifications")
    assert _stored(app, "sup@x.test") == ("en", None)  # a chosen language: the browser is not kept
    with app.app_context():
        user = _user("sup@x.test")
        (notification,) = notify([user], kind="emergency_access", title=_access_ended(), link="/emergency")
        db.session.commit()
        assert notification.title == "Your emergency access was ended by Ana"
        user.browser_language = "es"  # kept before they chose: their choice still wins
        assert language_of(user) == "en"


def _access_ended():
    return _l("Your emergency access was ended by %(name)s", name="Ana")


def test_notify_writes_in_the_language_the_browser_asked_for_on_a_page(app, make, client):
    """Signed in with no Accept-Language (kept: nothing), then a page opened by a Spanish browser."""
    make.user("lead@x.test", roles=[Role.QUALITY_LEAD], regions=["North"])
    login(client, "lead@x.test")
    assert _stored(app, "lead@x.test") == (None, None)
    client.get("/notifications", headers={"Accept-Language": SPANISH_BROWSER})
    assert _stored(app, "lead@x.test") == (None, "es")
    with app.app_context():
        notify([_user("lead@x.test")], kind="emergency_access", title=_access_ended(), link="/emergency")
        db.session.commit()
    assert _titles(app, "lead@x.test") == ["Ana terminó su acceso de emergencia"]


def test_the_browser_language_is_written_only_when_it_changes(app, make, client):
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = SPANISH_BROWSER
    login(client, "sup@x.test")
    client.get("/notifications")

    with updates_of_users(app) as updates:
        for _ in range(3):
            assert client.get("/notifications").status_code == 200
    assert updates == []  # the same language asked again: no write

    with updates_of_users(app) as updates:
        client.get("/notifications", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert len(updates) == 1
    assert _stored(app, "sup@x.test") == (None, "en")

    with updates_of_users(app) as updates:
        client.get("/notifications", headers={"Accept-Language": "en-GB"})  # still English
        client.get("/notifications", headers={"Accept-Language": ""})  # says nothing: kept as it is
    assert updates == []
    assert _stored(app, "sup@x.test") == (None, "en")


def test_clearing_a_choice_follows_the_browser_from_the_next_page(app, make, client):
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    with app.app_context():
        _user("sup@x.test").language = "en"
        db.session.commit()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = SPANISH_BROWSER
    login(client, "sup@x.test")
    token = csrf_from_page(client, "/account")
    client.post("/account/language", data={"language": "", "csrf_token": token}, follow_redirects=True)
    assert _stored(app, "sup@x.test") == (None, "es")


def test_nobody_asking_gets_the_organisation_default(app, monkeypatch):
    with app.app_context():
        nobody = User(email="n@x.test", name="N")
        assert language_of(nobody) == "en"
        monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "es")
        assert language_of(nobody) == "es"
        nobody.browser_language = "en"
        assert language_of(nobody) == "en"
    assert language_of(User(language="es")) == "es"  # outside an app: the choice, else English
    assert language_of(User()) == "en"
