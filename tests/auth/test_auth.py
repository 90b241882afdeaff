"""Sign-in, sign-out that really ends the session, and deactivation."""

from datetime import timedelta

import pytest
from sqlalchemy import event, select, update

from app.auth.models import User, UserSession
from app.auth.operations import SessionLimits, authenticate, load_session_user, start_session, update_user
from app.auth.passwords import hash_password, verify_password
from app.core.audit.models import AuditEvent
from app.core.models import now_utc
from app.core.roles import Role
from app.extensions import db
from app.taxonomy.models import Region
from tests.factories import PASSWORD, csrf_from_page, login


def test_password_hash_is_argon2_and_verifies():
    stored = hash_password("long enough password")
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, "long enough password")
    assert not verify_password(stored, "wrong password")
    assert not verify_password(None, "anything")
    assert not verify_password("garbage", "anything")


def test_login_page_has_the_contract_fields(client):
    html = client.get("/login").get_data(as_text=True)
    for name in ('name="email"', 'name="password"', 'name="csrf_token"'):
        assert name in html


def test_login_success_and_failure(client, make):
    make.user("dsp@x.test")
    bad = login(client, "dsp@x.test", "wrong-password")
    assert bad.status_code == 401
    assert "do not match" in bad.get_data(as_text=True)
    assert 'value="dsp@x.test"' in bad.get_data(as_text=True)
    good = login(client, "DSP@x.test ", PASSWORD)
    assert good.status_code == 302
    assert client.get("/my-reports").status_code == 200


def test_login_without_csrf_is_refused(client, make):
    make.user("dsp@x.test")
    response = client.post("/login", data={"email": "dsp@x.test", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/my-reports").status_code == 302


def test_next_only_redirects_within_the_site(client, make):
    make.user("dsp@x.test")
    token = csrf_from_page(client, "/login")
    data = {"email": "dsp@x.test", "password": PASSWORD, "csrf_token": token}
    response = client.post("/login?next=//evil.example/", data=data)
    assert response.headers["Location"] == "/report", "a DSP lands on the form, never another site"


def test_protected_pages_redirect_to_login(client):
    response = client.get("/report")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_sign_out_invalidates_a_copied_cookie(app, client, make):
    make.user("dsp@x.test")
    login(client, "dsp@x.test")
    stolen = client.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/my-reports").status_code == 200

    token = csrf_from_page(client, "/my-reports")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/my-reports").status_code == 302
    assert thief.get("/my-reports").status_code == 302
    assert thief.get("/api/v1/taxonomy").status_code == 401


def test_deactivated_user_is_signed_out_everywhere(app, client, make):
    user_id = make.user("dsp@x.test")
    login(client, "dsp@x.test")
    with app.app_context():
        db.session.execute(update(User).where(User.id == user_id).values(active=False))
        db.session.commit()
        assert authenticate("dsp@x.test", PASSWORD) is None
    assert client.get("/my-reports").status_code == 302


def test_expired_and_idle_sessions_end(app, make):
    make.user("dsp@x.test")
    client = app.test_client()
    login(client, "dsp@x.test")
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    with app.app_context():
        row = db.session.scalar(select(UserSession))
        token_hash = row.token_hash
        row.last_seen_at = now_utc() - timedelta(hours=5)
        db.session.commit()
    assert client.get("/my-reports").status_code == 302
    assert copy.get("/my-reports").status_code == 302, "a copied cookie dies with the session"
    with app.app_context():
        assert (
            db.session.scalar(select(UserSession.ended_at).where(UserSession.token_hash == token_hash))
            is not None
        )
        limits = SessionLimits(timedelta(hours=1), timedelta(hours=1), timedelta(hours=1))
        assert load_session_user("unknown", limits) == (None, False)


def test_session_check_reads_roles_and_regions_in_one_row(app, make):
    """Several roles and regions come back aggregated in the one session query (the row does not
    multiply), and a change made to the collections later in the request wins over the loaded copy."""
    make.user("lead@x.test", roles=(Role.SUPERVISOR, Role.QUALITY_LEAD), regions=("North", "South", "East"))
    make.user("other@x.test")
    limits = SessionLimits(timedelta(hours=1), timedelta(hours=1), timedelta(hours=1))
    with app.app_context():
        lead = db.session.scalar(select(User).where(User.email == "lead@x.test"))
        token = start_session(lead)
        other_token = start_session(db.session.scalar(select(User).where(User.email == "other@x.test")))
        region_ids = {region.id for region in lead.regions}
        db.session.commit()
        db.session.expunge_all()

        statements = []

        def seen(_connection, _cursor, statement, *_args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", seen)
        try:
            user, _ = load_session_user(token, limits)
            assert user.roles == {Role.SUPERVISOR, Role.QUALITY_LEAD}
            assert user.region_ids == region_ids
        finally:
            event.remove(db.engine, "before_cursor_execute", seen)
        assert len(statements) == 1, "roles and regions come with the session, not in queries of their own"
        assert load_session_user(other_token, limits)[0].roles == {Role.DSP}

        north = db.session.scalar(select(Region).where(Region.name == "North"))
        update_user(user, name=user.name, roles=[Role.SUPERVISOR], regions=[north], actor=user)
        assert user.roles == {Role.SUPERVISOR}
        assert user.region_ids == {north.id}
        db.session.commit()
        assert user.roles == {Role.SUPERVISOR}, "after the commit too, not the values read at the start"
        assert user.region_ids == {north.id}


def test_sign_in_and_out_are_audited(app, client, make):
    make.user("dsp@x.test")
    login(client, "dsp@x.test")
    client.post("/logout", data={"csrf_token": csrf_from_page(client, "/my-reports")})
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))
    assert actions[-2:] == ["session.start", "session.end"]


def test_session_cookie_flags(client, make):
    make.user("dsp@x.test")
    response = login(client, "dsp@x.test")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.fixture
def limited_client(app):
    """A second app with the sign-in limit on (the suite runs with it off: it signs in hundreds of
    times a minute). The limiter is one extension object, so it is switched off again afterwards."""
    from app import create_app
    from app.config import TestConfig
    from app.extensions import limiter

    class Limited(TestConfig):
        RATELIMIT_ENABLED = True

    limited = create_app(Limited)
    yield limited.test_client()
    limiter.reset()
    limiter.enabled = False


def test_password_sign_in_is_rate_limited(make, limited_client):
    client = limited_client
    make.user("dsp@x.test")
    token = csrf_from_page(client, "/login")
    codes = [
        client.post(
            "/login", data={"email": "dsp@x.test", "password": "wrong-guess", "csrf_token": token}
        ).status_code
        for _ in range(9)
    ]
    assert codes[:8] == [401] * 8 and codes[8] == 429
    assert "Too many sign-in attempts" in client.post(
        "/login", data={"email": "dsp@x.test", "password": "x", "csrf_token": token}
    ).get_data(as_text=True)
    other = client.post("/login", data={"email": "someone@x.test", "password": "x", "csrf_token": token})
    assert other.status_code == 401, "another account from the same address is not yet blocked"


def test_refused_sign_ins_are_audited(app, client, make):
    user_id = make.user("dsp@x.test")
    login(client, "dsp@x.test", "wrong-password")
    login(client, "nobody@x.test", "wrong-password")
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "session.refused")).all()
        assert [e.object_id for e in events] == [str(user_id), None]
        assert all("password" not in (e.after or "") for e in events)


def test_sign_out_everywhere_ends_every_copy(app, make):
    make.user("dsp@x.test")
    phone, tablet = app.test_client(), app.test_client()
    login(phone, "dsp@x.test")
    login(tablet, "dsp@x.test")
    stolen = app.test_client()
    stolen.set_cookie("session", phone.get_cookie("session").value)
    assert stolen.get("/my-reports").status_code == 200
    assert "Sign out everywhere" in tablet.get("/account").get_data(as_text=True)
    token = csrf_from_page(tablet, "/account")
    assert tablet.post("/account/sign-out-everywhere", data={"csrf_token": token}).status_code == 302
    for client in (phone, tablet, stolen):
        assert client.get("/my-reports").status_code == 302


@pytest.mark.parametrize(
    "candidate",
    [
        "//evil.example",
        "/\\evil.example",
        "/\t/evil.example",
        "/\n/x",
        "/\x7f",
        "https://evil.example",
        1,
        None,
    ],
)
def test_next_never_leaves_the_site(candidate):
    from app.auth.sessions import safe_next_url

    assert safe_next_url(candidate) is None


def test_a_next_with_control_characters_lands_safely_not_on_a_500(client, make):
    make.user("dsp@x.test")
    page = client.get("/login?next=/%0A/x")
    token = (
        page.get_data(as_text=True).split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    )
    response = client.post(
        "/login?next=/%09/evil.example",
        data={"email": "dsp@x.test", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/report"
