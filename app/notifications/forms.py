"""Reading what the account page sends about a device: the browser's push subscription, as JSON."""

import base64
import binascii
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask_babel import gettext as _

MAX_ENDPOINT = 1000
MAX_DEVICE_NAME = 80


@dataclass(frozen=True)
class DeviceSubscription:
    endpoint: str
    p256dh: str
    auth: str
    device_name: str | None


def _b64url_bytes(value) -> bytes | None:
    if not isinstance(value, str) or not value or len(value) > 200:
        return None
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return None


def push_endpoint(value) -> tuple[str | None, str | None]:
    """(the endpoint, None) or (None, why not): an https:// URL of a push service."""
    if not isinstance(value, str) or not value or len(value) > MAX_ENDPOINT:
        return None, _(
            "Give the push service's address (https://, at most %(count)s characters).", count=MAX_ENDPOINT
        )
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname or any(ord(ch) <= 0x20 for ch in value):
        return None, _("A push service's address starts with https://.")
    return value, None


def device_subscription(body) -> tuple[DeviceSubscription | None, dict[str, list[str]]]:
    """The subscription in ``PushSubscription.toJSON()`` form plus an optional ``device_name``, or
    the errors per field (for a 422)."""
    if not isinstance(body, dict):
        return None, {"subscription": [_("Send the browser's push subscription as JSON.")]}
    errors: dict[str, list[str]] = {}
    endpoint, problem = push_endpoint(body.get("endpoint"))
    if problem:
        errors["endpoint"] = [problem]
    keys = body.get("keys") if isinstance(body.get("keys"), dict) else {}
    p256dh = _b64url_bytes(keys.get("p256dh"))
    if p256dh is None or len(p256dh) != 65 or p256dh[0] != 4:
        errors["keys.p256dh"] = [
            _("The device's public key must be an uncompressed P-256 point (base64url).")
        ]
    auth = _b64url_bytes(keys.get("auth"))
    if auth is None or len(auth) != 16:
        errors["keys.auth"] = [_("The device's auth secret must be 16 bytes (base64url).")]
    name = body.get("device_name")
    if name is not None and not isinstance(name, str):
        errors["device_name"] = [_("A device name is text.")]
        name = None
    name = " ".join((name or "").split())
    if len(name) > MAX_DEVICE_NAME:
        errors["device_name"] = [_("A device name has at most %(count)s characters.", count=MAX_DEVICE_NAME)]
    if errors:
        return None, errors
    return DeviceSubscription(endpoint, keys["p256dh"], keys["auth"], name or None), {}
