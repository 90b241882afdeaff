"""Attach a live emergency-access grant to the signed-in user, once per request.

The permission layer reads ``user.emergency_access_until`` (and compares it with the clock). It is set
only on reading requests, so a grant can widen what a user sees but never what a user may change; the
banner reads ``g.emergency_grant`` and shows on every page either way. A grant held by someone whose
role may not use emergency access (never allowed, or no longer) is not attached: it reads nothing.
"""

from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy import select

from app.auth.models import UserSession
from app.auth.operations import add_session_flag
from app.core.models import now_utc
from app.emergency import bp
from app.emergency.models import EmergencyAccess
from app.emergency.operations import grant_for_request
from app.emergency.policy import may_use_emergency_access
from app.extensions import db

READING_METHODS = frozenset({"GET", "HEAD"})

# Read with the session on every request, so a user without a grant costs no query of its own.
add_session_flag(
    "has_open_emergency_grant",
    select(EmergencyAccess.id)
    .where(
        EmergencyAccess.user_id == UserSession.user_id,
        EmergencyAccess.ended_at.is_(None),
        EmergencyAccess.expiry_recorded_at.is_(None),
    )
    .exists(),
)


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
    if grant is None or not may_use_emergency_access(user):
        return
    g.emergency_grant = grant
    if request.method in READING_METHODS:
        user.emergency_access_until = grant.expires_at


@bp.app_context_processor
def _banner():
    grant = g.get("emergency_grant") if has_request_context() else None
    return {"emergency_grant": grant, "may_use_emergency_access": may_use_emergency_access}
