"""Targets and clocks: when something is due, and whether it was met, is running or is breached.

Pure. Hour targets are elapsed time; business-day targets count the working days of a
:class:`WorkingCalendar` (Monday to Friday, less the public holidays of the organisation's country and
state and the days an administrator added) in the organisation's time zone, so "2 business days" from
Friday 15:00 is Tuesday 15:00 local, whatever daylight saving does in between. The caller reads the
calendar from the settings and passes it in.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays
from flask_babel import gettext as _

from app.core.i18n import local_datetime


class ClockState(StrEnum):
    MET = "met"
    RUNNING = "running"
    BREACHED = "breached"
    LATE = "late"  # done, but after the deadline


@dataclass(frozen=True)
class Target:
    """A deadline rule: ``amount`` hours, or ``amount`` business days when ``business_days``."""

    amount: float
    business_days: bool = False


@lru_cache(maxsize=64)
def public_holidays(country: str, subdivision: str, year: int) -> Mapping[date, str]:
    """The public holidays (observed days included: a Saturday holiday is usually observed on the
    Friday before, a Sunday one on the Monday after) of ``country`` and ``subdivision`` in ``year``,
    as the ``holidays`` package knows them. Empty without a country."""
    if not country:
        return MappingProxyType({})
    found = holidays.country_holidays(country, subdiv=subdivision or None, years=year)
    return MappingProxyType(dict(found))


@dataclass(frozen=True)
class WorkingCalendar:
    """Which days count as business days: Monday to Friday, less the public holidays of ``country``
    (an ISO code, e.g. "US") and ``subdivision`` (a state, e.g. "NY"; empty for the national ones),
    less ``added_days`` (date -> why), the days an administrator added (an office closure, say)."""

    country: str = ""
    subdivision: str = ""
    added_days: Mapping[date, str] = field(default_factory=lambda: MappingProxyType({}))

    def day_off(self, day: date) -> str | None:
        """Why ``day`` is not a business day ("Weekend", a holiday's name, an added day's reason),
        or None when it is one."""
        if day in self.added_days:
            return self.added_days[day] or _("Added by an administrator")
        holiday = public_holidays(self.country, self.subdivision, day.year).get(day)
        if holiday is not None:
            return holiday
        return _("Weekend") if day.weekday() >= 5 else None

    def is_business_day(self, day: date) -> bool:
        return self.day_off(day) is None

    def days_off(self, first: date, last: date) -> list[tuple[date, str]]:
        """The weekdays from ``first`` to ``last`` (inclusive) that are not business days, with why."""
        found = []
        day = first
        while day <= last:
            reason = self.day_off(day)
            if reason is not None and day.weekday() < 5:
                found.append((day, reason))
            day += timedelta(days=1)
        return found


WEEKDAYS_ONLY = WorkingCalendar()
"""Monday to Friday, no holidays: the calendar of a place whose country is not set."""

BUSINESS_DAY_START_HOUR = 9
"""A clock started on a day off counts from the next business day at this local hour."""


def add_business_days(start: datetime, days: int, tz: ZoneInfo, *, calendar: WorkingCalendar) -> datetime:
    """``start`` plus ``days`` business days of ``calendar`` at the same local wall-clock time.

    A start on a day off (a weekend, a public holiday, an added day) counts from the next business
    day at 09:00 local.
    """
    local = start.astimezone(tz)
    if not calendar.is_business_day(local.date()):
        local = local.replace(hour=BUSINESS_DAY_START_HOUR, minute=0, second=0, microsecond=0)
        while not calendar.is_business_day(local.date()):
            local += timedelta(days=1)
    naive = local.replace(tzinfo=None)
    added = 0
    while added < days:
        naive += timedelta(days=1)
        if calendar.is_business_day(naive.date()):
            added += 1
    return naive.replace(tzinfo=tz).astimezone(start.tzinfo)


def due_at(start: datetime, target: Target, tz: ZoneInfo, *, calendar: WorkingCalendar) -> datetime:
    """The deadline in UTC. (Adding hours to a local time would add wall-clock hours.) Business
    days are those of ``calendar``."""
    if target.business_days:
        return add_business_days(start, int(target.amount), tz, calendar=calendar).astimezone(UTC)
    return start.astimezone(UTC) + timedelta(hours=target.amount)


@dataclass(frozen=True)
class Clock:
    name: str
    started_at: datetime
    due_at: datetime
    done_at: datetime | None
    state: ClockState

    def remaining(self, now: datetime) -> timedelta:
        return self.due_at - now


def clock(name: str, started_at: datetime, due: datetime, done_at: datetime | None, now: datetime) -> Clock:
    """The state of one clock at ``now``. Done exactly at the deadline counts as met."""
    if done_at is not None:
        state = ClockState.MET if done_at <= due else ClockState.LATE
    else:
        state = ClockState.RUNNING if now <= due else ClockState.BREACHED
    return Clock(name, started_at, due, done_at, state)


def escalation_level(raised_at: datetime, now: datetime, step: timedelta, max_level: int) -> int:
    """Which level an unacknowledged alert has reached: 1 at once, +1 for every ``step`` that passes."""
    elapsed = now.astimezone(UTC) - raised_at.astimezone(UTC)
    if elapsed < timedelta(0):
        return 1
    return min(max_level, 1 + int(elapsed / step))


def duty_standing(due: datetime, done_at: datetime | None, now: datetime, tz: ZoneInfo) -> str:
    """Whether an external report was made on time, in the words a pack prints: "yes", "late",
    "due 3 Dec 2026 17:00" while not yet due (it cannot be late yet), "overdue" once its time has passed."""
    state = clock("", due, due, done_at, now).state
    if state is ClockState.RUNNING:
        local = due.astimezone(tz)
        return _("due %(when)s", when=f"{local.day} {local_datetime(local, '%b %Y %H:%M')}")
    return {ClockState.MET: _("yes"), ClockState.LATE: _("late"), ClockState.BREACHED: _("overdue")}[state]


def deadline_stage(started: datetime, due: datetime, now: datetime, warn_at: tuple[float, ...]) -> int:
    """How far a running clock has got: 0 before the first warning; ``k`` once the ``k``-th of
    ``warn_at`` (fractions of the time allowed, ascending, e.g. (0.5, 0.8)) has passed; and
    ``len(warn_at) + 1`` once it is breached (``now`` at or after ``due``)."""
    if now >= due:
        return len(warn_at) + 1
    allowed = (due - started).total_seconds()
    if allowed <= 0:
        return len(warn_at) + 1
    elapsed = (now - started).total_seconds() / allowed
    return sum(1 for fraction in warn_at if elapsed >= fraction)
