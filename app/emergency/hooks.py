"""Attach a live emergency-access grant to the signed-in user, once per request.

The permission layer reads ``user.emergency_access_until`` (and compares it with the clock). It is set
only on reading requests, so a grant can widen what a user sees but never what a user may change; the
banner reads ``g.emergency_grant`` and shows on every page either way.
"""

from flask import g, has_request_context, request
from flask_login import current_user

from app.core.models import now_utc
from app.emergency import bp
from app.emergency.operations import grant_for_request
from app.extensions import db

READING_METHODS = frozenset({"GET", "HEAD"})


@bp.before_app_request
def _attach_grant():
    g.emergency_grant = None
    if request.endpoint in (None, "static") or not current_user.is_authenticated:
        return
    user = current_user._get_current_object()
    user.emergency_access_until = None
    if not user.has_open_emergency_grant:
        return
    grant, lapsed = grant_for_request(user, now=now_utc())
    if lapsed:
        db.session.commit()  # the lapse is now in the audit trail
    g.emergency_grant = grant
    if grant is not None and request.method in READING_METHODS:
        user.emergency_access_until = grant.expires_at


@bp.app_context_processor
def _banner():
    if not has_request_context():
        return {}
    return {"emergency_grant": g.get("emergency_grant")}
