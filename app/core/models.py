"""Shared column types and helpers for every model."""

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def now_utc() -> datetime:
    """The current time, timezone-aware in UTC. Pass this callable as a column default."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored as naive UTC and always handed back timezone-aware.

    SQLite keeps no offset, PostgreSQL's ``timestamp`` neither; normalising on the way in means a value
    written with any offset is compared and sorted correctly, and nothing naive leaks into the domain.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; attach a timezone first")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)
