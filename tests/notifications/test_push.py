"""Web Push delivered to a push service played by an HTTP server on 127.0.0.1 that the test starts.

The test is the browser: it makes the device's P-256 key pair and auth secret, and decrypts what the
server sent (aes128gcm, RFC 8291) with them through ``http_ece``, as a browser would; it checks the
VAPID signature (RFC 8292) with ``cryptography``, independently of the library that made it.
"""

import base64
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from sqlalchemy import select

from app.auth.models import User
from app.config import check_production_settings, vapid_public_key
from app.core.audit.models import AuditEvent
from app.core.roles import Role
from app.extensions import db
from app.notifications.models import Notification, PushSubscription
from app.notifications.operations import deliver_push, notify, subscribe_device
from app.notifications.push import PUSHED_KINDS, new_key_pair, vapid_keys
from tests.factories import csrf_from_page, login


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class PushService:
    """A push service on 127.0.0.1: records each request and answers with ``status``. It serves on
    its own thread and is shut down when the test ends."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status = 201
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                service.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": self.rfile.read(length)}
                )
                self.send_response(service.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.timeout = 5
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


class Device:
    """What a browser keeps for a subscription: its P-256 key pair and auth secret."""

    def __init__(self, endpoint: str):
        self.endpoint = endpoint
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = os.urandom(16)
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self.p256dh = b64url(point)
        self.auth = b64url(self.auth_secret)

    def decrypt(self, body: bytes) -> dict:
        plain = http_ece.decrypt(
            body, private_key=self.private_key, auth_secret=self.auth_secret, version="aes128gcm"
        )
        return json.loads(plain)


@pytest.fixture
def push_service():
    with PushService() as service:
        yield service


@pytest.fixture
def vapid(app, monkeypatch):
    private, public = new_key_pair()
    monkeypatch.setitem(app.config, "VAPID_PRIVATE_KEY", private)
    monkeypatch.setitem(app.config, "VAPID_SUBJECT", "mailto:safety@x.test")
    return public


def add_device(app, email: str, endpoint: str, name: str = "Work tablet") -> Device:
    device = Device(endpoint)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        subscribe_device(
            user,
            endpoint=endpoint,
            p256dh=device.p256dh,
            auth=device.auth,
            device_name=name,
            session_id=None,
        )
        db.session.commit()
    return device


def check_vapid_signature(authorization: str, public_key: str, audience: str) -> dict:
    """Verify ``vapid t=<jwt>,k=<key>`` as a push service does; returns the JWT's claims."""
    scheme, _, params = authorization.partition(" ")
    assert scheme == "vapid"
    fields = dict(part.split("=", 1) for part in params.split(","))
    assert fields["k"] == public_key
    header_b64, claims_b64, signature_b64 = fields["t"].split(".")
    signature = b64url_decode(signature_b64)
    assert len(signature) == 64
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(public_key))
    key.verify(der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))  # raises if forged
    assert json.loads(b64url_decode(header_b64)) == {"typ": "JWT", "alg": "ES256"}
    claims = json.loads(b64url_decode(claims_b64))
    assert claims["aud"] == audience
    return claims


def test_a_stop_the_line_alert_is_pushed_encrypted_and_signed(app, make, push_service, vapid):
    make.user("dsp@x.test", regions=["North"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    device = add_device(app, "sup@x.test", f"{push_service.origin}/push/sup-tablet")
    report_id = make.report(
        "dsp@x.test", still_at_risk=True, person_ref="JD-102", what_happened="Heel redness not handed over"
    )

    assert len(push_service.requests) == 1
    sent = push_service.requests[0]
    assert sent["path"] == "/push/sup-tablet"
    headers = {k.lower(): v for k, v in sent["headers"].items()}
    assert headers["content-encoding"] == "aes128gcm"
    assert headers["urgency"] == "high"
    assert headers["ttl"] == "86400"
    claims = check_vapid_signature(headers["authorization"], vapid, push_service.origin)
    assert claims["sub"] == "mailto:safety@x.test"
    for secret in (b"Heel", b"JD-102"):
        assert secret not in sent["body"]  # encrypted on the wire

    message = device.decrypt(sent["body"])
    assert message["title"] == f"Stop the line: report NM-{report_id} in North"
    assert message["body"] == "Needs acknowledging"
    assert message["url"].startswith("/alerts/")
    assert message["urgent"] is True
    assert "Heel" not in json.dumps(message) and "JD-102" not in json.dumps(message)
    with app.app_context():
        notification = db.session.scalars(select(Notification)).one()
        assert message["url"] == notification.link
        assert message["tag"] == f"notification-{notification.id}"
        assert notification.pushed_at is not None
        assert db.session.scalars(select(PushSubscription)).one().last_used_at is not None


def test_a_stop_the_line_push_reads_in_the_recipients_language(app, make, push_service, vapid):
    """Issue 19, point 1: a supervisor whose account says Spanish gets the alert's push in Spanish."""
    make.user("dsp@x.test", regions=["North"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    with app.app_context():
        db.session.scalar(select(User).where(User.email == "sup@x.test")).language = "es"
        db.session.commit()
    device = add_device(app, "sup@x.test", f"{push_service.origin}/push/sup-phone")
    report_id = make.report("dsp@x.test", still_at_risk=True)
    message = device.decrypt(push_service.requests[0]["body"])
    assert message["title"] == f"Parar y actuar: reporte NM-{report_id} en North"
    assert message["body"] and message["body"] != "Needs acknowledging"
    with app.app_context():
        spanish_body = message["body"]
        from flask_babel import force_locale, gettext

        with force_locale("es"):
            assert spanish_body == gettext("needs acknowledging").capitalize()


def test_a_push_is_sent_once_and_never_for_settled_or_informing_notifications(app, make, push_service, vapid):
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    device = add_device(app, "sup@x.test", f"{push_service.origin}/push/1")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "sup@x.test"))
        notify([user], kind="feedback", title="What changed", link="/feedback")
        (due,) = notify([user], kind="action_due_soon", title="Action A-1 due soon", link="/actions/1")
        (settled,) = notify([user], kind="deadline_warning", title="Duty due soon", link="/duties/1")
        settled.settled_at = settled.created_at
        db.session.commit()
        due_id, settled_id = due.id, settled.id
    assert [device.decrypt(r["body"])["title"] for r in push_service.requests] == ["Action A-1 due soon"]
    assert {k.lower(): v for k, v in push_service.requests[0]["headers"].items()}["urgency"] == "normal"
    with app.app_context():
        assert deliver_push(due_id) == 0  # already pushed
        assert deliver_push(settled_id) == 0
    assert len(push_service.requests) == 1


def test_a_device_the_push_service_no_longer_knows_is_forgotten(app, make, push_service, vapid):
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    add_device(app, "sup@x.test", f"{push_service.origin}/push/gone")
    push_service.status = 410
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "sup@x.test"))
        notify([user], kind="stop_the_line", title="Stop the line", link="/alerts/1")
        db.session.commit()
    assert len(push_service.requests) == 1
    with app.app_context():
        assert db.session.scalars(select(PushSubscription)).all() == []
        assert db.session.scalars(select(Notification)).one().pushed_at is not None
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "push.unsubscribe")).one()
        assert json.loads(event.after)["reason"] == "gone from its push service"


def test_a_busy_push_service_keeps_the_device_and_the_job_fails_to_be_retried(app, make, push_service, vapid):
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    add_device(app, "sup@x.test", f"{push_service.origin}/push/busy")
    push_service.status = 503
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "sup@x.test"))
        notify([user], kind="stop_the_line", title="Stop the line", link="/alerts/1")
        db.session.commit()
    with app.app_context():
        assert len(db.session.scalars(select(PushSubscription)).all()) == 1
        assert db.session.scalars(select(Notification)).one().pushed_at is None
        failed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "job.failed")).one()
        assert json.loads(failed.after)["error"] == "PushNotDelivered"
        push_service.status = 201
        assert deliver_push(db.session.scalars(select(Notification)).one().id) == 1  # the retry


def test_tasks_routed_to_a_person_are_pushed():
    assert {
        "nurse_review",
        "interface_task",
        "action_verify",
        "deadline_warning",
        "reporter_acknowledged",
    } <= (PUSHED_KINDS)
    assert not {"feedback", "emergency_access"} & PUSHED_KINDS


def test_no_keys_means_no_push(app, make, push_service):
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    add_device(app, "sup@x.test", f"{push_service.origin}/push/1")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "sup@x.test"))
        notify([user], kind="stop_the_line", title="Stop the line", link="/alerts/1")
        db.session.commit()
    assert push_service.requests == []


# --- the account page and its routes -------------------------------------------------------------


def fake_subscription(endpoint="https://push.example.test/send/abc", name=None) -> dict:
    body = {"endpoint": endpoint, "keys": {"p256dh": Device(endpoint).p256dh, "auth": b64url(os.urandom(16))}}
    if name is not None:
        body["device_name"] = name
    return body


def subscribe(client, body, token=None):
    token = token if token is not None else csrf_from_page(client, "/account")
    return client.post("/account/push-subscriptions", json=body, headers={"X-CSRFToken": token})


def devices(app) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session.execute(
            select(User.email, PushSubscription.device_name).join(User).order_by(PushSubscription.id)
        )
        return [tuple(row) for row in rows]


def test_the_account_page_offers_alerts_with_the_public_key(app, make, client, vapid):
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    login(client, "sup@x.test")
    html = client.get("/account").get_data(as_text=True)
    assert "Turn on alerts on this device" in html
    assert f'data-public-key="{vapid}"' in html
    assert "No device takes alerts yet." in html


def test_without_keys_the_account_page_says_alerts_are_not_set_up(app, make, client):
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    login(client, "sup@x.test")
    html = client.get("/account").get_data(as_text=True)
    assert "not set up on this server" in html and "Turn on alerts" not in html


def test_subscribe_then_list_rename_by_resubscribing_and_remove(app, make, client, vapid):
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    login(client, "sup@x.test")
    body = fake_subscription(name="  Work   tablet ")
    first = subscribe(client, body)
    assert first.status_code == 201
    assert first.get_json()["device_name"] == "Work tablet"
    again = subscribe(client, {**body, "device_name": None})
    assert again.status_code == 200 and again.get_json()["id"] == first.get_json()["id"]
    assert devices(app) == [("sup@x.test", "Work tablet")]
    unnamed = subscribe(client, fake_subscription("https://push.example.test/send/other"))
    assert unnamed.get_json()["device_name"] == "Device 2"
    html = client.get("/account").get_data(as_text=True)
    assert "Work tablet" in html and "Device 2" in html
    token = csrf_from_page(client, "/account")
    removed = client.post(
        f"/account/push-subscriptions/{first.get_json()['id']}/remove", data={"csrf_token": token}
    )
    assert removed.status_code == 302
    assert devices(app) == [("sup@x.test", "Device 2")]


def test_subscribing_needs_a_session_and_a_csrf_token(app, make, client, vapid):
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    signed_out = subscribe(client, fake_subscription(), token=csrf_from_page(client, "/login"))
    assert signed_out.status_code == 302 and "/login" in signed_out.headers["Location"]
    login(client, "sup@x.test")
    no_token = client.post("/account/push-subscriptions", json=fake_subscription())
    assert no_token.status_code == 400
    stale = subscribe(client, fake_subscription(), token="not-a-token")
    assert stale.status_code == 400
    assert devices(app) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("not json", "subscription"),
        ({"endpoint": "http://push.example.test/x", "keys": {}}, "endpoint"),
        ({"endpoint": "https://push.example.test/" + "x" * 1000}, "endpoint"),
        (
            {"endpoint": "https://push.example.test/x", "keys": {"p256dh": "AAAA", "auth": "AAAA"}},
            "keys.p256dh",
        ),
        ({"endpoint": "https://push.example.test/x", "keys": {"p256dh": "!!", "auth": "*"}}, "keys.auth"),
        ({**fake_subscription(), "device_name": 12}, "device_name"),
        ({**fake_subscription(), "device_name": "x" * 81}, "device_name"),
    ],
)
def test_a_bad_subscription_is_a_422_naming_the_field(app, make, client, vapid, body, field):
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    login(client, "sup@x.test")
    token = csrf_from_page(client, "/account")
    if isinstance(body, str):
        response = client.post(
            "/account/push-subscriptions",
            data=body,
            headers={"X-CSRFToken": token, "Content-Type": "application/json"},
        )
    else:
        response = subscribe(client, body, token)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    assert devices(app) == []


def test_nobody_removes_or_forgets_someone_elses_device(app, make, client, vapid):
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("nurse@x.test", roles=[Role.NURSE], regions=["North"])
    owner = app.test_client()
    login(owner, "sup@x.test")
    body = fake_subscription()
    device_id = subscribe(owner, body).get_json()["id"]
    login(client, "nurse@x.test")
    token = csrf_from_page(client, "/account")
    assert (
        client.post(f"/account/push-subscriptions/{device_id}/remove", data={"csrf_token": token}).status_code
        == 404
    )
    assert (
        client.post(
            f"/account/push-subscriptions/{device_id + 1}/remove", data={"csrf_token": token}
        ).status_code
        == 404
    )
    forgot = client.post(
        "/account/push-subscriptions/forget",
        json={"endpoint": body["endpoint"]},
        headers={"X-CSRFToken": token},
    )
    assert forgot.status_code == 204
    assert devices(app) == [("sup@x.test", "Device 1")]
    assert "Device 1" not in client.get("/account").get_data(as_text=True)


def test_the_next_person_to_subscribe_on_a_shared_tablet_takes_its_alerts(app, make, vapid):
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("sup2@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    body = fake_subscription(name="Office tablet")
    first, second = app.test_client(), app.test_client()
    login(first, "sup@x.test")
    subscribe(first, body)
    login(second, "sup2@x.test")
    assert subscribe(second, {**body, "device_name": None}).status_code == 200
    assert devices(app) == [("sup2@x.test", "Office tablet")]


# --- sign-out ----------------------------------------------------------------------------------


def sign_out(client, path="/logout"):
    token = csrf_from_page(client, "/account")
    return client.post(path, data={"csrf_token": token})


def test_signing_out_turns_off_alerts_on_that_device_only(app, make, vapid):
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    tablet, phone = app.test_client(), app.test_client()
    login(tablet, "sup@x.test")
    subscribe(tablet, fake_subscription("https://push.example.test/tablet", name="Tablet"))
    login(phone, "sup@x.test")
    subscribe(phone, fake_subscription("https://push.example.test/phone", name="Phone"))
    assert sign_out(tablet).status_code == 302
    assert devices(app) == [("sup@x.test", "Phone")]
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "push.unsubscribe")).one()
        assert json.loads(event.after) == {"devices": 1, "reason": "signed out"}


def test_the_page_forgets_this_device_at_sign_out_even_from_an_older_sign_in(app, make, client, vapid):
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    body = fake_subscription(name="Tablet")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "sup@x.test"))
        subscribe_device(
            user, **{**body["keys"], "endpoint": body["endpoint"]}, device_name="Tablet", session_id=None
        )
        db.session.commit()
    login(client, "sup@x.test")
    token = csrf_from_page(client, "/account")
    response = client.post(
        "/account/push-subscriptions/forget",
        json={"endpoint": body["endpoint"]},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 204
    assert devices(app) == []
    bad = client.post(
        "/account/push-subscriptions/forget", json={"endpoint": 5}, headers={"X-CSRFToken": token}
    )
    assert bad.status_code == 422


def test_sign_out_everywhere_turns_off_alerts_on_every_device(app, make, vapid):
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    tablet, phone = app.test_client(), app.test_client()
    login(tablet, "sup@x.test")
    subscribe(tablet, fake_subscription("https://push.example.test/tablet", name="Tablet"))
    login(phone, "sup@x.test")
    subscribe(phone, fake_subscription("https://push.example.test/phone", name="Phone"))
    assert sign_out(phone, "/account/sign-out-everywhere").status_code == 302
    assert devices(app) == []


# --- keys -----------------------------------------------------------------------------------------


def test_development_makes_one_key_pair_and_keeps_it(tmp_path):
    config = {"ENV_NAME": "development", "MAIL_FROM": "nm@localhost"}
    first = vapid_keys(config, str(tmp_path))
    second = vapid_keys(config, str(tmp_path))
    assert first == second
    assert first.subject == "mailto:nm@localhost"
    stored = json.loads((tmp_path / "vapid.json").read_text())
    assert vapid_public_key(stored["private_key"]) == first.public_key == stored["public_key"]
    assert (tmp_path / "vapid.json").stat().st_mode & 0o077 == 0
    assert vapid_keys({"ENV_NAME": "production"}, str(tmp_path)) is None


def test_the_production_check_names_what_push_needs():
    private, public = new_key_pair()
    _, other_public = new_key_pair()
    base = {"VAPID_PRIVATE_KEY": private, "VAPID_PUBLIC_KEY": public, "VAPID_SUBJECT": "mailto:a@b.org"}

    def vapid_problems(**changes):
        return [p for p in check_production_settings({**base, **changes}) if "VAPID" in p]

    assert vapid_problems() == []
    assert vapid_problems(VAPID_PRIVATE_KEY="", VAPID_PUBLIC_KEY="", VAPID_SUBJECT="") == []
    assert vapid_problems(VAPID_SUBJECT="") == [
        "VAPID_SUBJECT must be a mailto: or https:// address push services can contact."
    ]
    assert vapid_problems(VAPID_PUBLIC_KEY=other_public) == [
        "VAPID_PUBLIC_KEY is not the pair of VAPID_PRIVATE_KEY."
    ]
    assert "does not read" in vapid_problems(VAPID_PRIVATE_KEY="bm90LWEta2V5")[0]
    assert "without VAPID_PRIVATE_KEY" in vapid_problems(VAPID_PRIVATE_KEY="")[0]
