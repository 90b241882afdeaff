"""Alerts on this device, in Chromium: the account page's flow, sign-out, and the worker's push handler.

Chromium's own push service is Google's, off this machine, where tests send nothing: the page's
``pushManager`` is therefore played by a stand-in that answers as Chromium does (a subscription with
an https endpoint and the device's keys, or the AbortError a browser gives when its push service cannot
be reached). The worker's ``push`` handler runs for real: DevTools delivers a push message to it
(``ServiceWorker.deliverPushMessage``) and the page reads the notification it showed.
"""

import base64
import json
import os

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import select

from app.auth.models import UserSession
from app.core.roles import Role
from app.extensions import db
from app.notifications.models import PushSubscription
from app.notifications.push import new_key_pair
from tests.e2e.conftest import sign_in
from tests.e2e.journeys import sign_out_button, wait_for_service_worker, wait_until
from tests.factories import PASSWORD

ENDPOINT = "https://push.example.test/send/device-1"

# A stand-in for the browser's push service: subscribe() answers with a subscription made of the keys
# given (kept in localStorage, as the browser keeps its own across page loads), or fails as Chromium
# does when its push service cannot be reached.
PUSH_MANAGER = """
(() => {
  const stand = JSON.parse('%s');
  const key = 'test-push-subscription';
  const make = (json) => json && {
    endpoint: json.endpoint,
    toJSON: () => json,
    unsubscribe: async () => {
      localStorage.removeItem(key);
      localStorage.setItem('test-push-unsubscribed', 'yes');
      return true;
    },
  };
  PushManager.prototype.getSubscription = async function () {
    return make(JSON.parse(localStorage.getItem(key)));
  };
  PushManager.prototype.subscribe = async function (options) {
    if (stand.fail) throw new DOMException('Registration failed - push service error', 'AbortError');
    if (!(options.applicationServerKey instanceof Uint8Array) || options.applicationServerKey.length !== 65) {
      throw new DOMException('bad applicationServerKey', 'InvalidAccessError');
    }
    localStorage.setItem(key, JSON.stringify(stand.subscription));
    return make(stand.subscription);
  };
  if (stand.permission) Notification.requestPermission = async () => stand.permission;
})();
"""


def device_keys() -> dict:
    point = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    encode = lambda raw: base64.urlsafe_b64encode(raw).rstrip(b"=").decode()  # noqa: E731
    return {"p256dh": encode(point), "auth": encode(os.urandom(16))}


@pytest.fixture
def vapid(app, monkeypatch):
    private, public = new_key_pair()
    monkeypatch.setitem(app.config, "VAPID_PRIVATE_KEY", private)
    monkeypatch.setitem(app.config, "VAPID_SUBJECT", "mailto:safety@x.test")
    return public


@pytest.fixture
def tablet(browser, live_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    context.grant_permissions(["notifications"], origin=live_server)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def stand_in(page, **stand):
    page.context.add_init_script(PUSH_MANAGER % json.dumps(stand).replace("'", "\\'"))


def stored_devices(app) -> list[PushSubscription]:
    with app.app_context():
        rows = db.session.scalars(select(PushSubscription)).all()
        db.session.expunge_all()
        return rows


def test_turn_on_alerts_then_sign_out_turns_them_off(app, make, live_server, tablet, vapid, artifacts):
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    stand_in(tablet, subscription={"endpoint": ENDPOINT, "expirationTime": None, "keys": device_keys()})
    sign_in(tablet, live_server, "sup@x.test", PASSWORD)
    tablet.goto(f"{live_server}/account")
    wait_for_service_worker(tablet)
    assert tablet.get_attribute("#push-controls", "data-public-key") == vapid
    tablet.fill("#push-device-name", "Work tablet")
    tablet.locator("#push-alerts").screenshot(path=str(artifacts / "account-push-off-phone.png"))
    tablet.click("#push-turn-on")
    tablet.wait_for_selector(".push-this-device")
    assert "Alerts are on for this device (“Work tablet”)" in tablet.inner_text("#push-status")
    assert tablet.is_visible("#push-turn-off") and not tablet.is_visible("#push-turn-on")
    assert not tablet.is_visible("#push-device-name")
    assert tablet.inner_text("[data-push-device] .push-device-name") == "Work tablet (this device)"
    tablet.evaluate("window.scrollTo(0, 0)")
    tablet.screenshot(path=str(artifacts / "account-push-phone.png"), full_page=True)

    (device,) = stored_devices(app)
    assert (device.endpoint, device.device_name) == (ENDPOINT, "Work tablet")
    with app.app_context():
        open_session = db.session.scalar(select(UserSession).where(UserSession.ended_at.is_(None)))
        assert device.session_id == open_session.id

    sign_out_button(tablet).click()
    tablet.wait_for_url("**/login")
    assert stored_devices(app) == []
    assert tablet.evaluate("localStorage.getItem('test-push-unsubscribed')") == "yes"


def test_a_browser_without_a_reachable_push_service_is_told_so(app, make, live_server, tablet, vapid):
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    stand_in(tablet, fail=True)
    sign_in(tablet, live_server, "sup@x.test", PASSWORD)
    tablet.goto(f"{live_server}/account")
    wait_for_service_worker(tablet)
    tablet.click("#push-turn-on")
    wait_until(tablet, "document.getElementById('push-status').textContent.includes('push service')")
    status = tablet.inner_text("#push-status")
    assert "could not reach its push service" in status and "AbortError" in status
    assert "in the app and by e-mail" in status
    assert stored_devices(app) == []


def test_blocked_notifications_are_explained(app, make, live_server, tablet, vapid):
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    stand_in(tablet, permission="denied")
    sign_in(tablet, live_server, "sup@x.test", PASSWORD)
    tablet.goto(f"{live_server}/account")
    tablet.click("#push-turn-on")
    wait_until(tablet, "document.getElementById('push-status').textContent.includes('blocked')")
    assert "site settings" in tablet.inner_text("#push-status")
    assert stored_devices(app) == []


def test_the_worker_shows_a_pushed_alert_with_its_link(make, live_server, tablet):
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    sign_in(tablet, live_server, "sup@x.test", PASSWORD)
    wait_for_service_worker(tablet)
    scope = tablet.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
    devtools = tablet.context.new_cdp_session(tablet)
    registrations = []
    devtools.on(
        "ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"])
    )
    devtools.send("ServiceWorker.enable")
    for _ in range(50):  # the events arrive while Playwright talks to the browser
        if any(r["scopeURL"] == scope for r in registrations):
            break
        tablet.evaluate("new Promise((resolve) => setTimeout(resolve, 100))")
    (registration,) = {r["registrationId"]: r for r in registrations if r["scopeURL"] == scope}.values()
    payload = {
        "title": "Stop the line: report NM-7 in North",
        "body": "Needs acknowledging",
        "url": "/alerts/7",
        "tag": "notification-1",
        "urgent": True,
    }
    devtools.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": live_server,
            "registrationId": registration["registrationId"],
            "data": json.dumps(payload),
        },
    )
    shown = (
        "navigator.serviceWorker.ready.then((r) => r.getNotifications()).then((list) => list.map((n) => ({"
        " title: n.title, body: n.body, tag: n.tag, data: n.data,"
        " requireInteraction: n.requireInteraction })))"
    )
    wait_until(tablet, f"{shown}.then((list) => list.length === 1)")
    (notification,) = tablet.evaluate(shown)
    assert notification == {
        "title": "Stop the line: report NM-7 in North",
        "body": "Needs acknowledging",
        "tag": "notification-1",
        "data": {"url": "/alerts/7"},
        "requireInteraction": True,
    }
