"""Recurring work as jobs: the clock check (every minute) and cluster detection (weekly).

The ``clocks check`` and ``clusters detect`` commands call these same functions, so a cron line and
the RQ scheduler do exactly the same work. Each run takes a PostgreSQL advisory lock for its kind of
work, so two runs that overlap (a slow run and the next tick, or two schedulers) never notify twice;
SQLite allows one writer at a time already.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import text

from app.extensions import db
from app.jobs.queue import job

logger = logging.getLogger(__name__)

_CLOCKS_LOCK = 727_100_3
_CLUSTERS_LOCK = 727_100_4


def _try_lock(key: int) -> bool:
    """Take a transaction-scoped advisory lock on PostgreSQL; False when another run holds it."""
    if db.session.get_bind().dialect.name != "postgresql":
        return True
    return bool(db.session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": key}))


@dataclass(frozen=True)
class ClockCheck:
    escalated: int
    reminders: int
    skipped: bool = False


@job
def check_clocks() -> ClockCheck:
    """Escalate unacknowledged stop-the-line alerts; remind owners of due and overdue actions."""
    from app.actions.operations import notify_due
    from app.core.clock import org_today
    from app.escalations.operations import escalate_overdue_alerts

    if not _try_lock(_CLOCKS_LOCK):
        db.session.rollback()
        logger.info("clock check skipped: another run is in progress")
        return ClockCheck(0, 0, skipped=True)
    escalated = escalate_overdue_alerts()
    reminders = notify_due(org_today())
    db.session.commit()
    return ClockCheck(len(escalated), reminders)


def last_complete_week(today: date) -> date:
    """The Monday of the last complete week before ``today``."""
    from app.dashboard.queries import monday

    return monday(today) - timedelta(weeks=1)


def run_cluster_detection(week: date) -> list:
    """Detect clusters in the week holding ``week`` and commit; returns the new clusters.

    Detection stores only clusters it has not stored before, so running a week twice is harmless.
    """
    from app.core.clock import org_tz
    from app.dashboard.operations import detect_clusters

    if not _try_lock(_CLUSTERS_LOCK):
        db.session.rollback()
        logger.info("cluster detection skipped: another run is in progress")
        return []
    found = detect_clusters(week, tz=org_tz())
    db.session.commit()
    return found


@job
def detect_clusters_for_week(day: str | None = None) -> int:
    """The scheduled job: clusters in the week holding ``day`` (YYYY-MM-DD; default: the last complete
    week). Returns how many new clusters were stored."""
    from app.core.clock import org_today

    week = date.fromisoformat(day) if day else last_complete_week(org_today())
    return len(run_cluster_detection(week))
