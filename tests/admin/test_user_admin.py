"""Administration of users, roles' sign-in rules, passkeys and sessions; session limits and cookies."""

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, text, update

from app import create_app
from app.auth.models import Passkey, User, UserRole, UserSession
from app.auth.operations import AccountError, update_user
from app.config import TestConfig
from app.core.audit.models import AuditEvent
from app.core.models import now_utc
from app.core.roles import Role
from app.extensions import db
from tests.auth.soft_authenticator import SoftPasskey
from tests.auth.test_passkeys import passkey_sign_in, register
from tests.factories import PASSWORD, csrf_from_page, login


@pytest.fixture
def admin(app, make):
    make.user("admin@x.test", roles=(Role.ADMIN,))
    client = app.test_client()
    login(client, "admin@x.test")
    return client


def actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def copied_cookie_client(app, client):
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def test_admin_pages_are_for_admins_only(app, make, admin):
    make.user("lead@x.test", roles=(Role.QUALITY_LEAD,))
    lead = app.test_client()
    login(lead, "lead@x.test")
    for path in ("/admin/", "/admin/users", "/admin/users/new", "/admin/roles"):
        assert admin.get(path).status_code == 200, path
        assert lead.get(path).status_code == 403, path
    assert "Users" in admin.get("/admin/").get_data(as_text=True)


def test_admin_creates_and_edits_a_user(app, make, admin):
    north = make.region("North")
    token = csrf_from_page(admin, "/admin/users/new")
    response = admin.post(
        "/admin/users/new",
        data={
            "csrf_token": token,
            "name": "Dana Support",
            "email": "dana@x.test",
            "password": "a-long-first-password",
            "roles": ["dsp"],
            "regions": [str(north)],
        },
    )
    assert response.status_code == 302
    with app.app_context():
        dana = db.session.scalar(select(User).where(User.email == "dana@x.test"))
        dana_id = dana.id
        assert dana.roles == {Role.DSP} and dana.region_ids == {north}
    token = csrf_from_page(admin, f"/admin/users/{dana_id}")
    admin.post(
        f"/admin/users/{dana_id}",
        data={"csrf_token": token, "name": "Dana S.", "roles": ["dsp", "nurse"], "regions": [str(north)]},
    )
    with app.app_context():
        dana = db.session.get(User, dana_id)
        assert dana.name == "Dana S." and dana.roles == {Role.DSP, Role.NURSE}
    assert {"user.create", "user.update"} <= set(actions(app))
    listing = admin.get("/admin/users?q=dana&role=nurse").get_data(as_text=True)
    assert "Dana S." in listing


def test_bad_input_is_a_422_never_a_500(app, make, admin):
    token = csrf_from_page(admin, "/admin/users/new")
    for data in (
        {"name": "X", "email": "", "password": "a-long-first-password", "roles": ["dsp"]},
        {"name": "X", "email": "x@x.test", "password": "short", "roles": ["dsp"]},
        {"name": "X", "email": "y@x.test", "password": "a-long-first-password", "roles": ["emperor"]},
    ):
        assert admin.post("/admin/users/new", data={"csrf_token": token, **data}).status_code == 422
    assert admin.post("/admin/users/new", data={"name": "X"}).status_code == 400, "CSRF required"
    assert admin.get("/admin/users/99999").status_code == 404


def test_the_last_admin_cannot_lock_the_organisation_out(app, admin):
    with app.app_context():
        admin_id = db.session.scalar(select(User.id).where(User.email == "admin@x.test"))
    token = csrf_from_page(admin, f"/admin/users/{admin_id}")
    response = admin.post(
        f"/admin/users/{admin_id}", data={"csrf_token": token, "name": "A", "roles": ["dsp"]}
    )
    assert response.status_code == 422 and "last active administrator" in response.get_data(as_text=True)
    response = admin.post(f"/admin/users/{admin_id}/deactivate", data={"csrf_token": token})
    assert response.status_code == 422


def test_deactivation_ends_every_session_at_once(app, make, admin):
    dsp_id = make.user("dsp@x.test")
    phone = app.test_client()
    login(phone, "dsp@x.test")
    thief = copied_cookie_client(app, phone)
    assert thief.get("/my-reports").status_code == 200
    token = csrf_from_page(admin, f"/admin/users/{dsp_id}")
    admin.post(f"/admin/users/{dsp_id}/deactivate", data={"csrf_token": token})
    assert phone.get("/my-reports").status_code == 302
    assert thief.get("/my-reports").status_code == 302
    assert login(app.test_client(), "dsp@x.test").status_code == 401
    assert {"user.deactivate", "session.end_all"} <= set(actions(app))
    admin.post(f"/admin/users/{dsp_id}/reactivate", data={"csrf_token": token})
    assert login(app.test_client(), "dsp@x.test").status_code == 302


def test_admin_signs_a_user_out_everywhere_and_ends_one_session(app, make, admin):
    dsp_id = make.user("dsp@x.test")
    phone, tablet = app.test_client(), app.test_client()
    login(phone, "dsp@x.test")
    login(tablet, "dsp@x.test")
    with app.app_context():
        tablet_session = db.session.scalars(
            select(UserSession.id).where(UserSession.user_id == dsp_id).order_by(UserSession.id)
        ).all()[-1]
    token = csrf_from_page(admin, f"/admin/users/{dsp_id}")
    admin.post(f"/admin/users/{dsp_id}/sessions/{tablet_session}/end", data={"csrf_token": token})
    assert tablet.get("/my-reports").status_code == 302
    assert phone.get("/my-reports").status_code == 200
    admin.post(f"/admin/users/{dsp_id}/sign-out-everywhere", data={"csrf_token": token})
    assert phone.get("/my-reports").status_code == 302
    assert (
        admin.post(
            f"/admin/users/{dsp_id}/sessions/{tablet_session}/end", data={"csrf_token": token}
        ).status_code
        == 404
    )


def test_admin_sees_and_revokes_a_users_passkey(app, make, admin):
    dsp_id = make.user("dsp@x.test")
    phone = app.test_client()
    login(phone, "dsp@x.test")
    passkey = SoftPasskey()
    register(phone, passkey, name="Dana's phone")
    page = admin.get(f"/admin/users/{dsp_id}").get_data(as_text=True)
    assert "Dana&#39;s phone" in page or "Dana's phone" in page
    with app.app_context():
        passkey_id = db.session.scalar(select(Passkey.id))
    token = csrf_from_page(admin, f"/admin/users/{dsp_id}")
    admin.post(f"/admin/users/{dsp_id}/passkeys/{passkey_id}/revoke", data={"csrf_token": token})
    assert passkey_sign_in(app.test_client(), passkey).status_code == 401
    assert "passkey.revoke" in actions(app)


def test_admin_sets_sign_in_rules_per_role(app, make, admin):
    token = csrf_from_page(admin, "/admin/roles")
    admin.post(
        "/admin/roles",
        data={"csrf_token": token, "passkey_required": ["nurse"], "shared_device": ["supervisor"]},
    )
    page = admin.get("/admin/roles").get_data(as_text=True)
    assert 'name="passkey_required" value="nurse" checked' in page
    assert 'name="shared_device" value="scheduler" checked' not in page
    with app.app_context():
        changes = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "role_policy.change")
        ).all()
        assert sorted(e.object_id for e in changes) == ["nurse", "scheduler"]


def _idle(app, email: str, minutes: int) -> None:
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == email))
        db.session.execute(
            update(UserSession)
            .where(UserSession.user_id == user_id)
            .values(last_seen_at=now_utc() - timedelta(minutes=minutes))
        )
        db.session.commit()


def test_shared_devices_time_out_sooner(app, make):
    make.user("dsp@x.test")
    make.user("sup@x.test", roles=(Role.SUPERVISOR,))
    make.user("dsp2@x.test")
    personal_phone, office_tablet, ticked = app.test_client(), app.test_client(), app.test_client()
    login(personal_phone, "dsp@x.test")
    login(office_tablet, "sup@x.test")
    token = csrf_from_page(ticked, "/login")
    ticked.post(
        "/login",
        data={"email": "dsp2@x.test", "password": PASSWORD, "csrf_token": token, "shared_device": "y"},
    )
    assert ticked.get("/my-reports").status_code == 200
    for email in ("dsp@x.test", "sup@x.test", "dsp2@x.test"):
        _idle(app, email, 20)
    assert personal_phone.get("/my-reports").status_code == 200, "20 minutes idle is fine on one's own phone"
    assert office_tablet.get("/my-reports").status_code == 302, "a supervisor's role works on shared tablets"
    assert ticked.get("/my-reports").status_code == 302, "ticked 'shared device' at sign-in"
    _idle(app, "dsp@x.test", 121)
    assert personal_phone.get("/my-reports").status_code == 302
    assert "session.expire" in actions(app)


def test_secure_cookies_carry_the_host_prefix(app, make):
    make.user("dsp@x.test")
    secure_app = create_app(
        {**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}, "SESSION_COOKIE_SECURE": True}
    )
    client = secure_app.test_client()
    response = login(client, "dsp@x.test")
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("__Host-session="))
    for attribute in ("Secure", "HttpOnly", "Path=/", "SameSite=Lax"):
        assert attribute in cookie
    assert "Domain=" not in cookie


def test_requiring_passkeys_reaches_sessions_already_open(app, make, admin):
    make.user("nurse@x.test", roles=(Role.NURSE,))
    make.user("nurse2@x.test", roles=(Role.NURSE,))
    with_passkey, without = app.test_client(), app.test_client()
    login(with_passkey, "nurse@x.test")
    register(with_passkey, SoftPasskey())
    login(without, "nurse2@x.test")
    token = csrf_from_page(admin, "/admin/roles")
    admin.post("/admin/roles", data={"csrf_token": token, "passkey_required": ["nurse"]})
    assert with_passkey.get("/reports").status_code == 302, "password sessions of passkey holders end"
    assert with_passkey.get("/account").status_code == 302
    assert without.get("/reports").headers["Location"] == "/account", "the others may only add one"


def test_overlong_names_are_refused_not_a_500(app, admin):
    token = csrf_from_page(admin, "/admin/users/new")
    response = admin.post(
        "/admin/users/new",
        data={
            "csrf_token": token,
            "name": "N" * 121,
            "email": "n@x.test",
            "password": "a-long-first-password",
            "roles": ["dsp"],
        },
    )
    assert response.status_code == 422
    response = admin.post(
        "/admin/users/new",
        data={
            "csrf_token": token,
            "name": "N",
            "email": "n" * 250 + "@x.test",
            "password": "a-long-first-password",
            "roles": ["dsp"],
        },
    )
    assert response.status_code == 422


def test_a_new_passkey_only_role_reaches_the_users_open_session(app, make, admin):
    dsp_id = make.user("dsp@x.test")
    with app.app_context():
        from app.auth.policy import set_role_policy

        set_role_policy(Role.NURSE, passkey_required=True, shared_device=False, actor=None)
        db.session.commit()
    phone = app.test_client()
    login(phone, "dsp@x.test")
    assert phone.get("/reports").status_code == 200
    token = csrf_from_page(admin, f"/admin/users/{dsp_id}")
    admin.post(f"/admin/users/{dsp_id}", data={"csrf_token": token, "name": "D", "roles": ["dsp", "nurse"]})
    assert phone.get("/reports").headers["Location"] == "/account"


def test_two_admins_removing_each_other_at_once_leave_one(app, make):
    """Each transaction alone passes the last-admin check; the roster lock makes the second one read
    the first one's change and refuse (PostgreSQL: SQLite has one writer at a time anyway).

    The first demotion holds its transaction open until the second is proven to be in flight: either
    waiting on a lock inside the database, or past its check. Without the roster lock the second
    passes its check on the old roster, and both are demoted - whatever the machine's load."""
    make.user("a@x.test", roles=(Role.ADMIN,))
    make.user("b@x.test", roles=(Role.ADMIN,))
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("needs two concurrent write transactions")
    first_flushed = threading.Event()
    second = {"started": threading.Event(), "checked": threading.Event()}
    outcomes = {}

    def demote(email: str, other: str, *, first: bool) -> None:
        with app.app_context():
            user = db.session.scalar(select(User).where(User.email == email))
            actor = db.session.scalar(select(User).where(User.email == other))
            if not first:
                second["pid"] = db.session.scalar(text("SELECT pg_backend_pid()"))
                second["started"].set()
            try:
                try:
                    update_user(user, name=user.name, roles=[Role.DSP], regions=user.regions, actor=actor)
                finally:
                    if not first:
                        second["checked"].set()
                if first:
                    first_flushed.set()
                    _until(lambda: _in_flight(second), "the second demotion is in flight")
                db.session.commit()
                outcomes[email] = "demoted"
            except AccountError:
                db.session.rollback()
                outcomes[email] = "refused"
            except AssertionError as exc:
                db.session.rollback()
                outcomes[email] = str(exc)

    first_thread = threading.Thread(target=demote, args=("a@x.test", "b@x.test"), kwargs={"first": True})
    first_thread.start()
    assert first_flushed.wait(LONG_WAIT), "the first demotion never reached its commit"
    second_thread = threading.Thread(target=demote, args=("b@x.test", "a@x.test"), kwargs={"first": False})
    second_thread.start()
    first_thread.join(LONG_WAIT)
    second_thread.join(LONG_WAIT)
    assert not first_thread.is_alive() and not second_thread.is_alive()
    assert outcomes == {"a@x.test": "demoted", "b@x.test": "refused"}
    with app.app_context():
        admins = db.session.scalars(
            select(User.email).join(UserRole).where(UserRole.role == Role.ADMIN.value)
        ).all()
    assert admins == ["b@x.test"]


# Only ever reached when something is broken (a hung database): the race test waits for conditions,
# and this bound turns a hang into a failure instead of a pass.
LONG_WAIT = 120.0


def _until(condition, what: str) -> None:
    deadline = time.monotonic() + LONG_WAIT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.01)


def _in_flight(second: dict) -> bool:
    """Whether the second transaction has started and is either past its last-admin check or waiting
    on a lock in the database (the roster lock, or the audit chain's behind the first transaction)."""
    if not second["started"].is_set():
        return False
    if second["checked"].is_set():
        return True
    with db.engine.connect() as connection:
        waiting = connection.scalar(
            text("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = :pid"),
            {"pid": second["pid"]},
        )
    return bool(waiting)
