"""Targets and clocks: when something is due, and whether it was met, is running or is breached.

Pure. Hour targets are elapsed time; business-day targets count Monday to Friday in the
organisation's time zone, so "2 business days" from Friday 15:00 is Tuesday 15:00 local, whatever
daylight saving does in between.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


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

    def describe(self) -> str:
        if self.business_days:
            return f"{self.amount:g} business day{'s' if self.amount != 1 else ''}"
        if self.amount < 1:
            return f"{round(self.amount * 60)} minutes"
        return f"{self.amount:g} hour{'s' if self.amount != 1 else ''}"


def add_business_days(start: datetime, days: int, tz: ZoneInfo) -> datetime:
    """``start`` plus ``days`` working days (Mon-Fri) at the same local wall-clock time.

    A start on a weekend counts from the next Monday at 09:00 local.
    """
    local = start.astimezone(tz)
    if local.weekday() >= 5:
        local = (local + timedelta(days=7 - local.weekday())).replace(
            hour=9, minute=0, second=0, microsecond=0
        )
    naive = local.replace(tzinfo=None)
    added = 0
    while added < days:
        naive += timedelta(days=1)
        if naive.weekday() < 5:
            added += 1
    return naive.replace(tzinfo=tz).astimezone(start.tzinfo)


def due_at(start: datetime, target: Target, tz: ZoneInfo) -> datetime:
    """The deadline in UTC. (Adding hours to a local time would add wall-clock hours.)"""
    if target.business_days:
        return add_business_days(start, int(target.amount), tz).astimezone(UTC)
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
