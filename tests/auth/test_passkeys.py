"""Passkeys: registration, discoverable sign-in, and every way a ceremony must be refused."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.auth.models import Passkey, UserSession, WebAuthnChallenge
from app.auth.passkeys import PasskeyError, authenticate_passkey, relying_party
from app.auth.policy import set_role_policy
from app.core.audit.models import AuditEvent
from app.core.models import now_utc
from app.core.roles import Role
from app.extensions import db
from tests.auth.soft_authenticator import SoftPasskey
from tests.factories import csrf_from_page, login


def register(client, passkey: SoftPasskey, name="My phone", **create_kwargs):
    token = csrf_from_page(client, "/account")
    options = client.post("/account/passkeys/options", headers={"X-CSRFToken": token}).get_json()
    credential = passkey.create(options, **create_kwargs)
    return client.post(
        "/account/passkeys", json={"credential": credential, "name": name}, headers={"X-CSRFToken": token}
    )


def sign_in_options(client) -> tuple[dict, str]:
    token = csrf_from_page(client, "/login")
    return client.post("/login/passkey/options", headers={"X-CSRFToken": token}).get_json(), token


def send_assertion(client, credential, token, **extra):
    return client.post(
        "/login/passkey", json={"credential": credential, **extra}, headers={"X-CSRFToken": token}
    )


def passkey_sign_in(client, passkey: SoftPasskey, **get_kwargs):
    options, token = sign_in_options(client)
    return send_assertion(client, passkey.get(options, **get_kwargs), token)


@pytest.fixture
def enrolled(app, make):
    """A DSP with one synced-style passkey (counter always 0)."""
    make.user("dsp@x.test")
    client = app.test_client()
    login(client, "dsp@x.test")
    passkey = SoftPasskey()
    assert register(client, passkey).status_code == 201
    return passkey


def test_register_then_sign_in_without_typing(app, make, enrolled):
    client = app.test_client()
    response = passkey_sign_in(client, enrolled)
    assert response.status_code == 200
    assert response.get_json()["redirect"] == "/report"
    assert client.get("/my-reports").status_code == 200
    with app.app_context():
        row = db.session.scalar(select(UserSession).order_by(UserSession.id.desc()))
        assert row.method == "passkey"
        actions = db.session.scalars(select(AuditEvent.action)).all()
        assert "passkey.register" in actions and actions.count("session.start") == 2
        stored = db.session.scalar(select(Passkey))
        assert stored.name == "My phone" and stored.last_used_at is not None


def test_registration_needs_a_csrf_token_and_a_session(app, make):
    make.user("dsp@x.test")
    client = app.test_client()
    assert client.post("/account/passkeys/options").status_code in (302, 400)
    login(client, "dsp@x.test")
    assert client.post("/account/passkeys/options").status_code == 400
    assert client.post("/login/passkey/options").status_code in (302, 400)


def test_a_replayed_answer_is_refused(app, enrolled):
    client = app.test_client()
    options, token = sign_in_options(client)
    credential = enrolled.get(options)
    assert send_assertion(client, credential, token).status_code == 200
    thief = app.test_client()
    replay = send_assertion(thief, credential, csrf_from_page(thief, "/login"))
    assert replay.status_code == 401
    assert "expired or was already used" in replay.get_json()["message"]
    assert thief.get("/my-reports").status_code == 302


def test_a_challenge_signs_in_once_even_with_a_fresh_signature(app, enrolled):
    client = app.test_client()
    options, token = sign_in_options(client)
    assert send_assertion(client, enrolled.get(options), token).status_code == 200
    other = app.test_client()
    assert send_assertion(other, enrolled.get(options), csrf_from_page(other, "/login")).status_code == 401


def test_an_expired_challenge_is_refused(app, enrolled):
    client = app.test_client()
    options, token = sign_in_options(client)
    with app.app_context():
        db.session.execute(update(WebAuthnChallenge).values(expires_at=now_utc() - timedelta(seconds=1)))
        db.session.commit()
    response = send_assertion(client, enrolled.get(options), token)
    assert response.status_code == 401
    assert client.get("/my-reports").status_code == 302


def test_a_wrong_origin_or_relying_party_is_refused(app, enrolled):
    client = app.test_client()
    assert passkey_sign_in(client, enrolled, origin="https://near-misses.example.evil").status_code == 401
    assert passkey_sign_in(client, enrolled, rp_id="evil.example").status_code == 401
    assert client.get("/my-reports").status_code == 302
    with app.app_context():
        refused = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "session.refused")).all()
        assert len(refused) == 2


def test_registration_from_a_wrong_origin_is_refused(app, make):
    make.user("dsp@x.test")
    client = app.test_client()
    login(client, "dsp@x.test")
    response = register(client, SoftPasskey(), origin="https://evil.example")
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(Passkey)) is None


def test_user_verification_is_required(app, make):
    make.user("dsp@x.test")
    client = app.test_client()
    login(client, "dsp@x.test")
    assert register(client, SoftPasskey(verifies_user=False)).status_code == 422


def test_a_registration_challenge_belongs_to_its_user(app, make):
    make.user("dsp@x.test")
    make.user("other@x.test")
    alice, mallory = app.test_client(), app.test_client()
    login(alice, "dsp@x.test")
    login(mallory, "other@x.test")
    token = csrf_from_page(alice, "/account")
    options = alice.post("/account/passkeys/options", headers={"X-CSRFToken": token}).get_json()
    credential = SoftPasskey().create(options)
    response = mallory.post(
        "/account/passkeys",
        json={"credential": credential},
        headers={"X-CSRFToken": csrf_from_page(mallory, "/account")},
    )
    assert response.status_code == 422


def test_sign_counters_follow_the_spec(app, make):
    make.user("dsp@x.test")
    client = app.test_client()
    login(client, "dsp@x.test")
    counting = SoftPasskey(counts=True)
    assert register(client, counting).status_code == 201
    for _ in range(2):
        assert passkey_sign_in(app.test_client(), counting).status_code == 200
    cloned = passkey_sign_in(app.test_client(), counting, sign_count=1)
    assert cloned.status_code == 401, "a counter that goes backwards may be a cloned authenticator"
    with app.app_context():
        assert db.session.scalar(select(Passkey.sign_count)) == 2
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "passkey.counter_regressed"))


def test_synced_passkeys_that_always_report_zero_keep_working(app, enrolled):
    for _ in range(3):
        assert passkey_sign_in(app.test_client(), enrolled).status_code == 200


def test_rename_and_revoke(app, make, enrolled):
    client = app.test_client()
    login(client, "dsp@x.test")
    with app.app_context():
        passkey_id = db.session.scalar(select(Passkey.id))
    token = csrf_from_page(client, "/account")
    client.post(f"/account/passkeys/{passkey_id}/rename", data={"name": "Work phone", "csrf_token": token})
    assert "Work phone" in client.get("/account").get_data(as_text=True)
    client.post(f"/account/passkeys/{passkey_id}/revoke", data={"csrf_token": token})
    assert "Work phone" not in client.get("/account").get_data(as_text=True)
    assert passkey_sign_in(app.test_client(), enrolled).status_code == 401
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action)).all()
        assert {"passkey.rename", "passkey.revoke"} <= set(actions)


def test_nobody_else_can_touch_my_passkeys(app, make, enrolled):
    make.user("other@x.test")
    other = app.test_client()
    login(other, "other@x.test")
    with app.app_context():
        passkey_id = db.session.scalar(select(Passkey.id))
    token = csrf_from_page(other, "/account")
    assert other.post(f"/account/passkeys/{passkey_id}/revoke", data={"csrf_token": token}).status_code == 404
    assert other.post(f"/account/passkeys/{passkey_id}/rename", data={"csrf_token": token}).status_code == 404


def test_deactivated_users_cannot_sign_in_with_a_passkey(app, enrolled):
    from app.auth.models import User

    with app.app_context():
        db.session.execute(update(User).values(active=False))
        db.session.commit()
    assert passkey_sign_in(app.test_client(), enrolled).status_code == 401


def test_malformed_answers_are_a_clear_4xx(app, enrolled):
    client = app.test_client()
    options, token = sign_in_options(client)
    assert send_assertion(client, "not-an-object", token).status_code == 400
    assert send_assertion(client, {"id": "x", "response": {}}, token).status_code == 401
    broken = enrolled.get(options)
    broken["response"]["signature"] = broken["response"]["signature"][::-1]
    assert send_assertion(client, broken, token).status_code == 401
    with app.app_context(), pytest.raises(PasskeyError):
        authenticate_passkey({"response": {"clientDataJSON": "%%%"}}, rp=relying_party(app.config))


def test_relying_party_comes_from_configuration(app):
    rp = relying_party({"BASE_URL": "https://nearmiss.example.org", "ORG_NAME": "Acme"})
    assert (rp.id, rp.origins) == ("nearmiss.example.org", ("https://nearmiss.example.org",))
    rp = relying_party(
        {"WEBAUTHN_RP_ID": "example.org", "WEBAUTHN_ORIGINS": "https://a.example.org, https://b.example.org"}
    )
    assert rp.id == "example.org" and rp.origins == ("https://a.example.org", "https://b.example.org")


def test_a_role_that_requires_passkeys_enrols_then_signs_in_only_with_one(app, make):
    make.user("nurse@x.test", roles=(Role.NURSE,))
    with app.app_context():
        set_role_policy(Role.NURSE, passkey_required=True, shared_device=False, actor=None)
        db.session.commit()
    client = app.test_client()
    response = login(client, "nurse@x.test")
    assert response.headers["Location"] == "/account"
    assert client.get("/reports").status_code == 302, "only enrolment until a passkey exists"
    assert client.get("/api/v1/taxonomy").status_code == 403
    passkey = SoftPasskey()
    assert register(client, passkey).status_code == 201
    assert client.get("/api/v1/taxonomy").status_code == 200

    again = app.test_client()
    refused = login(again, "nurse@x.test")
    assert refused.status_code == 401
    assert "passkey" in refused.get_data(as_text=True)
    assert passkey_sign_in(again, passkey).status_code == 200


def test_a_refused_attempt_spends_its_challenge(app, enrolled):
    client = app.test_client()
    options, token = sign_in_options(client)
    tampered = enrolled.get(options)
    tampered["response"]["signature"] = tampered["response"]["signature"][::-1]
    assert send_assertion(client, tampered, token).status_code == 401
    assert send_assertion(client, enrolled.get(options), token).status_code == 401
