"""The organisation's time zone and calendar day.

``NEARMISS_TODAY`` in the app config fixes "today" (a ``date``), so tests can move time forward past
an action's test window without waiting for it.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def org_tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["ORG_TIMEZONE"])


def org_today() -> date:
    return current_app.config.get("NEARMISS_TODAY") or datetime.now(org_tz()).date()
