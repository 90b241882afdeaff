"""Weeks in the organisation's calendar: Mondays, the last complete week, and SQL week and month buckets.

Weeks start on Monday in the organisation's time zone (``app.core.clock`` gives the zone and today).
PostgreSQL converts each timestamp exactly; SQLite has no time zones, so each timestamp is shifted by
the offset in force at that instant, chosen in SQL from the zone's offset changes over the period (a
daylight-saving change inside it included).
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Date, case, cast, func, literal
from sqlalchemy.sql import ColumnElement

from app.core.i18n import local_datetime
from app.extensions import db


def monday(day: date) -> date:
    """The Monday of the week holding ``day``."""
    return day - timedelta(days=day.weekday())


def last_complete_week(today: date) -> date:
    """The Monday of the last complete week before ``today``."""
    return monday(today) - timedelta(weeks=1)


def _offset_minutes(tz: ZoneInfo, instant: datetime) -> int:
    return int(instant.astimezone(tz).utcoffset().total_seconds() // 60)


def utc_offsets(tz: ZoneInfo, first_day: date, last_day: date) -> list[tuple[datetime | None, int]]:
    """The zone's UTC offset (minutes) over the local days ``first_day``..``last_day``, as
    ``(since, offset)`` pairs in order: ``since`` is the UTC instant the offset starts (None for the
    first). Offset changes are found day by day, then to the minute by bisection."""
    start = datetime.combine(first_day - timedelta(days=1), time(), tzinfo=UTC)
    end = datetime.combine(last_day + timedelta(days=2), time(), tzinfo=UTC)
    stretches: list[tuple[datetime | None, int]] = [(None, _offset_minutes(tz, start))]
    day = start
    while day < end:
        following = day + timedelta(days=1)
        if _offset_minutes(tz, following) != stretches[-1][1]:
            before, after = day, following  # the change lies in (before, after]
            while after - before > timedelta(minutes=1):
                middle = (before + (after - before) / 2).replace(second=0, microsecond=0)
                if _offset_minutes(tz, middle) == stretches[-1][1]:
                    before = middle
                else:
                    after = middle
            stretches.append((after, _offset_minutes(tz, after)))
        day = following
    return stretches


def _sqlite_local_shift(column, tz: ZoneInfo, first_day: date, last_day: date) -> ColumnElement:
    """SQLite's modifier (``'-240 minutes'``) that turns a stored UTC timestamp into local time,
    chosen from the zone's offset changes between ``first_day`` and ``last_day``."""
    shifts = [(since, f"{minutes:+d} minutes") for since, minutes in utc_offsets(tz, first_day, last_day)]
    if len(shifts) == 1:
        return literal(shifts[0][1])
    # Latest change first: the first instant the timestamp has reached decides its offset.
    return case(*((column >= since, text) for since, text in reversed(shifts[1:])), else_=shifts[0][1])


def week_bucket(column, tz: ZoneInfo, first_week: date, last_week: date | None = None) -> ColumnElement:
    """SQL for the Monday (local) of the week a stored UTC timestamp falls in, exact for timestamps
    in the weeks ``first_week``..``last_week`` (default: a year from ``first_week``)."""
    if db.session.get_bind().dialect.name == "postgresql":
        local = func.timezone(tz.key, func.timezone("UTC", column))
        return cast(func.date_trunc("week", local), Date)
    last_day = (last_week or first_week + timedelta(weeks=52)) + timedelta(days=6)
    return func.date(column, _sqlite_local_shift(column, tz, first_week, last_day), "weekday 0", "-6 days")


def month_bucket(column, tz: ZoneInfo, first_day: date, last_day: date) -> ColumnElement:
    """SQL for the first day (local) of the month a stored UTC timestamp falls in, exact for
    timestamps in the local days ``first_day``..``last_day``."""
    if db.session.get_bind().dialect.name == "postgresql":
        local = func.timezone(tz.key, func.timezone("UTC", column))
        return cast(func.date_trunc("month", local), Date)
    return func.date(column, _sqlite_local_shift(column, tz, first_day, last_day), "start of month")


def short_date(day: date) -> str:
    """A day as charts and week tables show it, with its year: "6 Jan 2026"."""
    return f"{day.day} {local_datetime(day, '%b %Y')}"
