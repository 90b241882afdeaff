"""Writing to the audit trail. The request or command commits."""

from sqlalchemy import Integer, String, Text, bindparam, insert, select, text

from app.core.audit.chain import GENESIS_HASH, canonical_json, event_body, find_first_problem, link_hash
from app.core.audit.models import AuditEvent
from app.core.models import UTCDateTime, now_utc
from app.extensions import db

# Any fixed 64-bit number; it names the PostgreSQL advisory lock that serialises chain appends (a
# transaction-scoped lock, held until the commit, so two transactions never both extend the same tail;
# SQLite allows one writer at a time already). The unique ``seq`` column is the last line of defence.
_CHAIN_LOCK_KEY = 727_100_2

# Built once: every write request appends to the chain, and a statement object reused keeps its
# compiled form and cache key (building them again was a measurable share of a submission).
_events = AuditEvent.__table__
_TAIL = select(_events.c.seq, _events.c.hash).order_by(_events.c.seq.desc()).limit(1)
_APPEND = insert(_events)
_TAKE_WRITE_LOCK = text("UPDATE audit_events SET seq = seq WHERE seq < 0")
# PostgreSQL: lock, read the tail, link, hash and insert in one round trip (migration 0013 explains).
_APPEND_UNDER_LOCK = text(
    "SELECT audit_chain_append(CAST(:key AS bigint), :occurred_at, CAST(:actor_id AS integer), "
    "CAST(:action AS varchar), CAST(:object_type AS varchar), CAST(:object_id AS varchar), "
    "CAST(:region_id AS integer), CAST(:before AS text), CAST(:after AS text), CAST(:body AS text))"
).bindparams(
    bindparam("key", _CHAIN_LOCK_KEY, type_=Integer),
    bindparam("occurred_at", type_=UTCDateTime()),
    bindparam("actor_id", type_=Integer),
    bindparam("action", type_=String),
    bindparam("object_type", type_=String),
    bindparam("object_id", type_=String),
    bindparam("region_id", type_=Integer),
    bindparam("before", type_=Text),
    bindparam("after", type_=Text),
    bindparam("body", type_=Text),
)


def record_event(
    action: str,
    *,
    actor=None,
    object_type: str,
    object_id=None,
    region_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> int:
    """Append one event to the chain and return its sequence number. ``before``/``after`` must hold
    no health information.

    Pending ORM changes are flushed first (so the lock is taken after them, and held only for the
    append and the commit); the event itself is not an ORM object. On PostgreSQL it is one call of
    ``audit_chain_append`` (lock, tail, link, insert); on SQLite, which has one writer at a time, a read
    of the tail and an insert.
    """
    db.session.flush()
    # Straight on the session's connection: these are plain statements, and the ORM's execution
    # layer around them cost as much again (record_event runs in every write request).
    connection = db.session.connection()
    fields = {
        "occurred_at": now_utc(),
        "actor_id": getattr(actor, "id", actor),
        "action": action,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "region_id": region_id,
        "before": canonical_json(before),
        "after": canonical_json(after),
    }
    body = event_body(**fields)
    if connection.dialect.name == "postgresql":
        return connection.execute(_APPEND_UNDER_LOCK, {**fields, "body": body}).scalar_one()
    # The driver opens SQLite's transaction at the first write, so a request that has only read so far
    # would read the tail outside it, and two could link to the same tail. A write that changes nothing
    # takes the database's one write lock (waiting its turn) before the tail is read.
    connection.execute(_TAKE_WRITE_LOCK)
    tail = connection.execute(_TAIL).first()
    seq, prev_hash = (tail.seq + 1, tail.hash) if tail else (1, GENESIS_HASH)
    connection.execute(
        _APPEND, {**fields, "seq": seq, "prev_hash": prev_hash, "hash": link_hash(seq, body, prev_hash)}
    )
    return seq


def first_chain_problem():
    """Check the stored chain; return the first problem found, or None when it verifies."""
    events = db.session.execute(
        select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=1000)
    ).scalars()
    return find_first_problem(events)
