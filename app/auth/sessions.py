"""Wiring Flask-Login to server-side sessions: the cookie's token must match a live session row."""

from datetime import timedelta
from urllib.parse import urlsplit

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.operations import SessionLimits, load_session_user
from app.core.i18n import browser_language
from app.core.json_errors import json_error
from app.core.settings import all_settings
from app.extensions import db, login_manager


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def session_limits() -> SessionLimits:
    settings = all_settings()
    return SessionLimits(
        absolute=timedelta(hours=settings["session_absolute_hours"]),
        idle=timedelta(minutes=settings["session_idle_minutes"]),
        shared_device_idle=timedelta(minutes=settings["shared_device_idle_minutes"]),
    )


@login_manager.user_loader
def _load_user(token: str):
    user, wrote = load_session_user(token, session_limits(), browser_language=browser_language())
    if wrote:
        db.session.commit()
    return user


# While a password session of a passkey-only role has no passkey yet, it may only enrol one.
_ENROLMENT_ENDPOINTS = frozenset(
    {
        "auth.account",
        "auth.passkey_registration_options",
        "auth.register_passkey",
        "auth.logout",
        "auth.sign_out_everywhere",
        "static",
        "pwa.manifest",
        "pwa.service_worker",
        "pwa.service_worker_module",
        "pwa.offline",
        "system.healthz",
    }
)


def require_passkey_enrolment():
    """Registered on the app: send a session that must enrol a passkey to the account page."""
    if request.endpoint in _ENROLMENT_ENDPOINTS or not current_user.is_authenticated:
        return None
    row = current_user.current_session
    if row is None or not row.must_enrol_passkey:
        return None
    message = _("Your role signs in with a passkey. Add one on your account page to continue.")
    if is_api_request():
        return json_error(403, "passkey_required", message)
    flash(message)
    return redirect(url_for("auth.account"))


@login_manager.unauthorized_handler
def _unauthorized():
    if is_api_request():
        return json_error(401, "unauthenticated", _("Sign in to continue."))
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def safe_next_url(candidate) -> str | None:
    """Only same-site relative paths: never let ``next`` send a user to another host.

    Browsers drop tabs and newlines inside URLs, so ``/\\t/evil.example`` would become
    ``//evil.example``: any control character (and a backslash, which some treat as a slash) refuses
    the whole value."""
    if not isinstance(candidate, str) or not candidate.startswith("/") or candidate.startswith("//"):
        return None
    if "\\" in candidate or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in candidate):
        return None
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc:
        return None
    return candidate
