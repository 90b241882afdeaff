"""The clock check, every minute: escalate overdue stop-the-line alerts, remind owners of due actions.

``flask clocks check`` calls the same function, so a cron line and the RQ scheduler do exactly the same
work. It composes two features' public operations under one lock and one commit, which is why it
lives here, above both.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from app.actions.operations import notify_due
from app.core.clock import org_today
from app.escalations.deadlines import warn_of_deadlines
from app.escalations.operations import escalate_overdue_alerts
from app.extensions import db
from app.jobs.locks import try_advisory_lock
from app.jobs.registry import recurring

logger = logging.getLogger(__name__)

_CLOCKS_LOCK = 727_100_3


@dataclass(frozen=True)
class ClockCheck:
    escalated: int
    reminders: int
    skipped: bool = False


@recurring("clocks", interval=60, formerly=("app.jobs.tasks:check_clocks",))
def check_clocks() -> ClockCheck:
    """Escalate unacknowledged stop-the-line alerts; remind owners of due and overdue actions; warn
    the owners of external duties and safeguarding decisions before they breach, escalate when they do."""
    if not try_advisory_lock(_CLOCKS_LOCK):
        db.session.rollback()
        logger.info("clock check skipped: another run is in progress")
        return ClockCheck(0, 0, skipped=True)
    escalated = escalate_overdue_alerts()
    reminders = notify_due(org_today()) + warn_of_deadlines()
    db.session.commit()
    return ClockCheck(len(escalated), reminders)
