"""Rate limits of the public pages, counted per sender address and link.

The address is used only to count: the limiter's key is an HMAC of it under the app's secret key (a
plain hash of an IPv4 address could be reversed by trying all four billion), so neither the limiter's
store (memory or Redis) nor a log line of a refusal holds the address. Nothing here reaches the
database. The limits are read from the config when a request comes:

- ``ANONYMOUS_REPORT_LIMITS``, per address and link (default 5 in 10 minutes, 20 a day);
- ``ANONYMOUS_LINK_LIMITS``, per link from every address together (default 120 an hour);
- ``RECEIPT_LOOKUP_LIMITS``, receipt codes tried per address (default 10 a minute, 100 a day).
"""

import hashlib
import hmac

from flask import current_app, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from app.core.i18n import N_
from app.core.jurisdiction import jurisdiction
from app.extensions import limiter


def _address_key() -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    address = (get_remote_address() or "").encode()
    return hmac.new(secret, b"anonymous-sender|" + address, hashlib.sha256).hexdigest()[:32]


def _link_token() -> str:
    return hashlib.sha256((request.view_args or {}).get("token", "").encode()).hexdigest()[:16]


def _address_and_link() -> str:
    return f"anon:{_address_key()}:{_link_token()}"


def _link() -> str:
    return f"anon-link:{_link_token()}"


def _address() -> str:
    return f"anon-receipt:{_address_key()}"


TOO_MANY_REPORTS = N_(
    "Too many reports from here in a short time. Your answers are still below: "
    "try again in a few minutes. If someone is in danger now, call %(number)s."
)
TOO_MANY_LOOKUPS = N_("Too many codes tried from here in a short time. Try again in a few minutes.")


def _too_many_reports() -> str:
    return _(TOO_MANY_REPORTS, number=jurisdiction().emergency_number)


def _too_many_lookups() -> str:
    return _(TOO_MANY_LOOKUPS)


report_limit_per_sender = limiter.limit(
    lambda: current_app.config["ANONYMOUS_REPORT_LIMITS"],
    key_func=_address_and_link,
    methods=["POST"],
    error_message=_too_many_reports,
)
report_limit_per_link = limiter.limit(
    lambda: current_app.config["ANONYMOUS_LINK_LIMITS"],
    key_func=_link,
    methods=["POST"],
    error_message=_too_many_reports,
)
lookup_limit = limiter.limit(
    lambda: current_app.config["RECEIPT_LOOKUP_LIMITS"],
    key_func=_address,
    methods=["POST"],
    error_message=_too_many_lookups,
)
