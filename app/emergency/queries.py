"""Reads for reviewing emergency access: the grants, and what was opened under one."""

import json

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core.audit.access import REPORT_VIEW
from app.core.audit.models import AuditEvent
from app.core.models import now_utc
from app.emergency.models import EmergencyAccess
from app.extensions import db


def recent_grants(*, limit: int = 200) -> list[EmergencyAccess]:
    """Grants newest first, with their holders."""
    return list(
        db.session.scalars(
            select(EmergencyAccess)
            .options(selectinload(EmergencyAccess.user), selectinload(EmergencyAccess.ended_by))
            .order_by(EmergencyAccess.started_at.desc(), EmergencyAccess.id.desc())
            .limit(limit)
        )
    )


def grant_with_id(grant_id: int) -> EmergencyAccess | None:
    """One grant by id, or None."""
    return db.session.get(EmergencyAccess, grant_id)


def grants_of(user, *, limit: int = 20) -> list[EmergencyAccess]:
    """One user's own grants, newest first."""
    return list(
        db.session.scalars(
            select(EmergencyAccess)
            .where(EmergencyAccess.user_id == user.id)
            .order_by(EmergencyAccess.started_at.desc(), EmergencyAccess.id.desc())
            .limit(limit)
        )
    )


def views_under(grant: EmergencyAccess) -> list[dict]:
    """The report views the holder made while the grant was live, in order: when, which report, on
    which page, and whether it was a safeguarding report."""
    until = min(grant.finished_at, now_utc())
    events = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.actor_id == grant.user_id,
            AuditEvent.action == REPORT_VIEW,
            AuditEvent.occurred_at >= grant.started_at,
            AuditEvent.occurred_at <= until,
        )
        .order_by(AuditEvent.seq)
    )
    rows = []
    for event in events:
        detail = json.loads(event.after) if event.after else {}
        rows.append(
            {
                "at": event.occurred_at,
                "report_id": int(event.object_id),
                "via": detail.get("via", ""),
                "safeguarding": bool(detail.get("safeguarding")),
            }
        )
    return rows


def view_counts(grants: list[EmergencyAccess]) -> dict[int, int]:
    """How many report views each grant saw (for the list of grants), in one query."""
    counts = {grant.id: 0 for grant in grants}
    if not grants:
        return counts
    now = now_utc()
    rows = db.session.execute(
        select(AuditEvent.actor_id, AuditEvent.occurred_at).where(
            AuditEvent.action == REPORT_VIEW,
            AuditEvent.actor_id.in_({grant.user_id for grant in grants}),
            AuditEvent.occurred_at >= min(grant.started_at for grant in grants),
        )
    ).all()
    for actor_id, at in rows:
        for grant in grants:
            if grant.user_id == actor_id and grant.started_at <= at <= min(grant.finished_at, now):
                counts[grant.id] += 1
    return counts
