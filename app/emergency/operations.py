"""Emergency (break-glass) access: take it with a reason, end it early, record its lapse. Callers commit.

A grant gives organisation-wide *read* access to reports for a few hours. Starting one alerts every
active safeguarding lead and administrator; starting, ending and expiring are audit events. The reason
is kept on the grant (for those who review grants), never in the audit trail or a notification, since
staff may well name a person in it.
"""

from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select

from app.auth.queries import users_with_role
from app.core.audit.operations import record_event
from app.core.i18n import N_
from app.core.models import now_utc
from app.core.roles import Role
from app.core.settings import get_setting
from app.core.validation import InvalidInput, Problems
from app.emergency.models import EmergencyAccess
from app.emergency.policy import may_use_emergency_access
from app.extensions import db
from app.notifications.operations import notify

REASON_MIN_CHARS = 10
REASON_MAX_CHARS = 1000
PRESET_HOURS = (1, 2, 4, 8, 12, 24)
REVIEWER_ROLES = frozenset({Role.SAFEGUARDING_LEAD, Role.ADMIN})
"""Who is alerted when a grant starts, sees every grant, and may end anyone's grant."""
NOT_ALLOWED = N_("Your role may not use emergency access; an administrator decides which roles may.")


class EmergencyAccessError(InvalidInput):
    """A start or end was refused; ``errors`` says why."""


def max_hours() -> int:
    """The longest grant the organisation allows (the ``emergency_access_hours`` setting)."""
    return max(1, int(get_setting("emergency_access_hours")))


def duration_choices() -> list[int]:
    """Hours offered on the form: the usual steps up to the organisation's maximum, and the maximum."""
    limit = max_hours()
    return sorted({h for h in PRESET_HOURS if h <= limit} | {limit})


def active_grant(user, *, now: datetime | None = None) -> EmergencyAccess | None:
    """The user's live grant, if any: not ended early and not yet expired."""
    now = now or now_utc()
    return db.session.scalar(
        select(EmergencyAccess)
        .where(
            EmergencyAccess.user_id == user.id,
            EmergencyAccess.ended_at.is_(None),
            EmergencyAccess.started_at <= now,
            EmergencyAccess.expires_at > now,
        )
        .order_by(EmergencyAccess.expires_at.desc())
        .limit(1)
    )


def start_grant(user, *, reason: str, hours, now: datetime | None = None) -> EmergencyAccess:
    """Give ``user`` organisation-wide read access for ``hours`` (1 to the setting's maximum).

    Refuses a user whose role may not use emergency access, a reason shorter than
    ``REASON_MIN_CHARS``, an out-of-range duration, and a second grant while one is live. Alerts the
    safeguarding leads and administrators and writes an audit event.
    """
    if not may_use_emergency_access(user):
        raise EmergencyAccessError({"grant": [_(NOT_ALLOWED)]})
    now = now or now_utc()
    reason = (reason or "").strip()
    limit = max_hours()
    problems = Problems()
    problems.need(
        "reason",
        len(reason) >= REASON_MIN_CHARS,
        _("Say why you need emergency access (at least %(count)s characters).", count=REASON_MIN_CHARS),
    )
    problems.need(
        "reason",
        len(reason) <= REASON_MAX_CHARS,
        _("Keep the reason under %(count)s characters.", count=REASON_MAX_CHARS),
    )
    try:
        hours = int(str(hours).strip())
    except ValueError:
        hours = None
    problems.need(
        "hours",
        hours is not None and 1 <= hours <= limit,
        ngettext("Choose between 1 and %(num)s hour.", "Choose between 1 and %(num)s hours.", limit),
    )
    current = active_grant(user, now=now)
    problems.need("grant", current is None, _("You already have emergency access; end it first."))
    if problems:
        raise EmergencyAccessError(dict(problems))
    grant = EmergencyAccess(
        user_id=user.id,
        reason=reason,
        hours=hours,
        started_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    db.session.add(grant)
    db.session.flush()
    record_event(
        "emergency_access.start",
        actor=user,
        object_type="emergency_access",
        object_id=grant.id,
        after={"user_id": user.id, "hours": hours, "expires_at": grant.expires_at.isoformat()},
    )
    reviewers = list(
        {u.id: u for role in REVIEWER_ROLES for u in users_with_role(role) if u.id != user.id}.values()
    )
    notify(
        reviewers,
        kind="emergency_access",
        title=_l("Emergency access taken by %(name)s for %(hours)s h", name=user.name, hours=hours),
        link=f"/emergency/grants/{grant.id}",
    )
    return grant


def can_end(actor, grant: EmergencyAccess) -> bool:
    """The holder ends their own grant; a safeguarding lead or administrator may end anyone's."""
    return grant.user_id == actor.id or bool(actor.roles & REVIEWER_ROLES)


def end_grant(grant: EmergencyAccess, actor, *, now: datetime | None = None) -> None:
    """End a live grant now. Audited; the holder is told when someone else ended it."""
    now = now or now_utc()
    if not grant.is_active_at(now):
        raise EmergencyAccessError({"grant": [_("This emergency access has already ended.")]})
    grant.ended_at = now
    grant.ended_by_id = actor.id
    db.session.flush()
    record_event(
        "emergency_access.end",
        actor=actor,
        object_type="emergency_access",
        object_id=grant.id,
        before={"expires_at": grant.expires_at.isoformat()},
        after={"ended_at": now.isoformat(), "by_holder": actor.id == grant.user_id},
    )
    if actor.id != grant.user_id:
        notify(
            [grant.user],
            kind="emergency_access",
            title=_l("Your emergency access was ended by %(name)s", name=actor.name),
            link="/emergency",
        )


def grant_for_request(user, *, now: datetime | None = None):
    """``(live grant or None, grants that lapsed and were recorded just now)`` for one request.

    One query in the usual case; a lapse not yet in the audit trail is recorded on the way.
    """
    now = now or now_utc()
    open_grants = db.session.scalars(
        select(EmergencyAccess).where(
            EmergencyAccess.user_id == user.id,
            EmergencyAccess.ended_at.is_(None),
            EmergencyAccess.expiry_recorded_at.is_(None),
        )
    ).all()
    lapsed = []
    if any(grant.expires_at <= now for grant in open_grants):
        lapsed = record_lapsed(user=user, now=now)
    live = [grant for grant in open_grants if grant.is_active_at(now)]
    return (max(live, key=lambda grant: grant.expires_at) if live else None), lapsed


def record_lapsed(*, user=None, now: datetime | None = None) -> list[EmergencyAccess]:
    """Write the audit event for grants that ran to their expiry and have not been recorded yet.

    Nothing has to run at the moment of expiry (the permission check compares times); this catches up
    the trail the next time the holder makes a request or someone opens the list of grants.
    """
    now = now or now_utc()
    statement = select(EmergencyAccess).where(
        EmergencyAccess.ended_at.is_(None),
        EmergencyAccess.expiry_recorded_at.is_(None),
        EmergencyAccess.expires_at <= now,
    )
    if user is not None:
        statement = statement.where(EmergencyAccess.user_id == user.id)
    lapsed = list(db.session.scalars(statement.order_by(EmergencyAccess.expires_at)))
    for grant in lapsed:
        grant.expiry_recorded_at = now
        record_event(
            "emergency_access.expire",
            actor=None,
            object_type="emergency_access",
            object_id=grant.id,
            after={"user_id": grant.user_id, "expired_at": grant.expires_at.isoformat()},
        )
    db.session.flush()
    return lapsed
