"""The organisation's business-day calendar: its country and state, and the days an administrator adds.

Regulators count their deadlines in business days ("tell the licensing agency within 2 business
days"), and a public holiday is not one. The calendar is an organisation setting, kept in the same
``settings`` table as the targets (one row, JSON: ``{"country", "subdivision", "added_days"}``) and
changed on Admin -> Business-day calendar. Without a stored row the default applies: the United
States' federal holidays, no state's. The clocks themselves (:mod:`app.escalations.clocks`) stay
pure: callers read the calendar here and pass it in.
"""

import json
from datetime import date

import holidays
from flask_babel import gettext as _
from sqlalchemy import select

from app.core.reference_data import reference_data
from app.core.settings import Setting, store_setting
from app.core.validation import InvalidInput
from app.escalations.clocks import WorkingCalendar
from app.extensions import db

CALENDAR_KEY = "business_day_calendar"
DEFAULT_CALENDAR = WorkingCalendar(country="US", subdivision="")
MAX_ADDED_DAY_REASON = 80


def supported_countries() -> dict[str, list[str]]:
    """Country code -> its subdivision (state) codes, as the ``holidays`` package knows them."""
    return {code: list(subdivisions) for code, subdivisions in holidays.list_supported_countries().items()}


def _calendar_from(stored: dict) -> WorkingCalendar:
    return WorkingCalendar(
        country=stored.get("country", ""),
        subdivision=stored.get("subdivision", ""),
        added_days={
            date.fromisoformat(day["date"]): day.get("reason", "") for day in stored.get("added_days", [])
        },
    )


def _as_stored(calendar: WorkingCalendar) -> dict:
    return {
        "country": calendar.country,
        "subdivision": calendar.subdivision,
        "added_days": [
            {"date": day.isoformat(), "reason": reason} for day, reason in sorted(calendar.added_days.items())
        ],
    }


@reference_data(Setting)
def working_calendar() -> WorkingCalendar:
    """The organisation's business-day calendar (stored, or the default)."""
    stored = db.session.scalar(select(Setting.value).where(Setting.key == CALENDAR_KEY))
    return DEFAULT_CALENDAR if stored is None else _calendar_from(json.loads(stored))


def set_working_calendar(
    country: str, subdivision: str, added_days: dict[date, str], *, actor
) -> WorkingCalendar:
    """Store the country, state and added days off, and audit the change. Raises
    :class:`InvalidInput` (field -> messages) for a country or state the ``holidays`` package does
    not know, or an added day's reason that is too long. An empty country leaves only weekends and
    the added days."""
    country = country.strip().upper()
    subdivision = subdivision.strip().upper()
    known = supported_countries()
    errors: dict[str, list[str]] = {}
    if country and country not in known:
        errors["country"] = [
            _("%(country)s is not a country code the holiday calendar knows (e.g. US).", country=country)
        ]
    elif subdivision and subdivision not in known.get(country, []):
        errors["subdivision"] = [
            _("%(state)s is not a state or region of %(country)s.", state=subdivision, country=country)
            if country
            else _("%(state)s is not a state or region of any country.", state=subdivision)
        ]
    if any(len(reason) > MAX_ADDED_DAY_REASON for reason in added_days.values()):
        errors["added_days"] = [_("Say why in at most %(max)s characters.", max=MAX_ADDED_DAY_REASON)]
    if errors:
        raise InvalidInput(errors)
    calendar = WorkingCalendar(country=country, subdivision=subdivision, added_days=dict(added_days))
    before = _as_stored(working_calendar())
    after = _as_stored(calendar)
    if after != before:
        store_setting(CALENDAR_KEY, after, before=before, actor=actor)
    return calendar
