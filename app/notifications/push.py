"""Web Push: the VAPID keys that sign every push, what a push carries, and sending one (pywebpush).

A push carries a notification's title, the "waiting for" words of its kind and its link - nothing
else, so no health information reaches a push service or a lock screen. pywebpush encrypts it to the
device's keys (aes128gcm, RFC 8291) and signs the request with the VAPID key (RFC 8292).
"""

import base64
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import requests
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from app.config import vapid_public_key

logger = logging.getLogger(__name__)

# Kinds pushed to the person's devices: stop-the-line alerts, work given to them as its owner or
# decider, deadlines about to pass or passed, and a reporter's "your supervisor acknowledged it".
# Everything else (feedback published, emergency access opened) stays in the app and e-mail.
PUSHED_KINDS = frozenset(
    {
        "stop_the_line",
        "stop_the_line_escalated",
        "safeguarding",
        "action_overdue",
        "action_due_soon",
        "action_verify",
        "spot_check_due",
        "nurse_review",
        "interface_task",
        "review_assigned",
        "deadline_warning",
        "deadline_breached",
        "reporter_acknowledged",
    }
)
# Someone may still be at risk: the push service wakes the device at once, even on a low battery.
URGENT_KINDS = frozenset({"stop_the_line", "stop_the_line_escalated"})
# A device off for longer than a working day gets the alert in the app when it is back, not as a push.
PUSH_TTL_SECONDS = 24 * 3600
SEND_TIMEOUT_SECONDS = 10
DEVELOPMENT_KEY_FILE = "vapid.json"


@dataclass(frozen=True)
class VapidKeys:
    private_key: str  # base64url, raw 32 bytes or DER
    public_key: str  # base64url uncompressed point: the browser's applicationServerKey
    subject: str  # mailto: or https:


def new_key_pair() -> tuple[str, str]:
    """A fresh VAPID pair as (private, public), both base64url."""
    key = ec.generate_private_key(ec.SECP256R1())
    raw = key.private_numbers().private_value.to_bytes(32, "big")
    private = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    return private, vapid_public_key(private)


def vapid_keys(config, instance_path: str) -> VapidKeys | None:
    """The keys pushes are signed with: from the settings; in development, when they are unset, a pair
    made once and kept in ``instance/vapid.json`` (never committed); otherwise None (push is off)."""
    private = config.get("VAPID_PRIVATE_KEY") or ""
    subject = config.get("VAPID_SUBJECT") or f"mailto:{config.get('MAIL_FROM') or 'near-misses@localhost'}"
    if private:
        return VapidKeys(private, vapid_public_key(private), subject)
    if config.get("ENV_NAME") != "development":
        return None
    stored = _development_keys(Path(instance_path) / DEVELOPMENT_KEY_FILE)
    return VapidKeys(stored["private_key"], vapid_public_key(stored["private_key"]), subject)


def _development_keys(path: Path) -> dict:
    """Read the development pair, making it first if it is not there (one process wins the race)."""
    if not path.exists():
        private, public = new_key_pair()
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "w") as file:
                json.dump({"private_key": private, "public_key": public}, file)
    return json.loads(path.read_text())


def push_payload(notification, waiting_for: str | None) -> dict:
    """What the service worker shows: the notification's title, its kind's "waiting for" words and
    its link. The tag makes a resent push replace the first on the device instead of adding one."""
    return {
        "title": notification.title,
        "body": (waiting_for or "").capitalize(),
        "url": notification.link,
        "tag": f"notification-{notification.id}",
        "urgent": notification.kind in URGENT_KINDS,
    }


# What became of one push: the service took it; the device is gone (404/410: forget it); try again
# later (network, 429, 5xx); or refused for good (another 4xx: a retry would be refused the same).
SENT, GONE, RETRY, REFUSED = "sent", "gone", "retry", "refused"


def send_push(subscription, payload: dict, keys: VapidKeys, *, urgent: bool) -> str:
    """Encrypt ``payload`` to one subscription and post it to its push service; returns the outcome.
    Logs the status only: an endpoint is a capability and stays out of the logs."""
    try:
        webpush(
            subscription_info={
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            data=json.dumps(payload),
            vapid_private_key=Vapid.from_string(keys.private_key),
            vapid_claims={"sub": keys.subject},
            ttl=PUSH_TTL_SECONDS,
            headers={"Urgency": "high" if urgent else "normal"},
            timeout=SEND_TIMEOUT_SECONDS,
        )
    except WebPushException as exc:
        status = exc.status_code
        logger.warning("push to device %s not taken: HTTP %s", subscription.id, status)
        if status in (404, 410):
            return GONE
        if status is None or status == 429 or status >= 500:
            return RETRY
        return REFUSED
    except requests.RequestException as exc:
        logger.warning("push to device %s not sent: %s", subscription.id, type(exc).__name__)
        return RETRY
    return SENT
