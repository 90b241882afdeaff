"""Cluster detection, weekly: the last complete week (Monday 02:15 on the scheduler's clock).

``flask clusters detect`` calls :func:`run_cluster_detection` too, so a cron line and the RQ scheduler
do exactly the same work.
"""

from __future__ import annotations

import logging
from datetime import date

from app.core.clock import org_today, org_tz
from app.core.dates import last_complete_week
from app.dashboard.operations import detect_clusters
from app.extensions import db
from app.jobs.locks import try_advisory_lock
from app.jobs.registry import recurring

logger = logging.getLogger(__name__)

_CLUSTERS_LOCK = 727_100_4


def run_cluster_detection(week: date) -> list:
    """Detect clusters in the week holding ``week`` and commit; returns the new clusters.

    Detection stores only clusters it has not stored before, so running a week twice is harmless.
    """
    if not try_advisory_lock(_CLUSTERS_LOCK):
        db.session.rollback()
        logger.info("cluster detection skipped: another run is in progress")
        return []
    found = detect_clusters(week, tz=org_tz())
    db.session.commit()
    return found


# Monday 02:15 on the scheduler's clock: the week before is complete.
@recurring(
    "clusters",
    takes_week=True,
    cron="15 2 * * 1",
    formerly=("app.jobs.tasks:detect_clusters_for_week",),
)
def detect_clusters_for_week(day: str | None = None) -> int:
    """The scheduled job: clusters in the week holding ``day`` (YYYY-MM-DD; default: the last complete
    week). Returns how many new clusters were stored."""
    week = date.fromisoformat(day) if day else last_complete_week(org_today())
    return len(run_cluster_detection(week))
