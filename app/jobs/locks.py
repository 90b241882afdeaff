"""One run at a time: a recurring job takes a PostgreSQL advisory lock for its kind of work.

Two runs that overlap (a slow run and the next tick, or two schedulers) must never notify twice; the
lock is transaction-scoped, so it ends with the run's commit or rollback. SQLite allows one writer at a
time already.
"""

from sqlalchemy import text

from app.extensions import db


def try_advisory_lock(key: int) -> bool:
    """Take a transaction-scoped advisory lock on PostgreSQL; False when another run holds it."""
    if db.session.get_bind().dialect.name != "postgresql":
        return True
    return bool(db.session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": key}))
