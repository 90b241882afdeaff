"""Writing to the audit trail. The request or command commits."""

from sqlalchemy import insert, select, text

from app.core.audit.chain import GENESIS_HASH, canonical_json, event_hash, find_first_problem
from app.core.audit.models import AuditEvent
from app.core.models import now_utc
from app.extensions import db

# Any fixed 64-bit number; it names the PostgreSQL advisory lock that serialises chain appends (a
# transaction-scoped lock, held until the commit, so two transactions never both extend the same tail;
# SQLite allows one writer at a time already). The unique ``seq`` column is the last line of defence.
_CHAIN_LOCK_KEY = 727_100_2

# Built once: every write request appends to the chain, and a statement object reused keeps its
# compiled form and cache key (building them again was a measurable share of a submission).
_events = AuditEvent.__table__
_TAIL = select(_events.c.seq, _events.c.hash).order_by(_events.c.seq.desc()).limit(1)
# PostgreSQL: take the lock and read the tail in one round trip (migration 0012 explains the function).
_CLAIM_TAIL = text("SELECT seq, hash FROM audit_chain_claim_tail(:key)").bindparams(key=_CHAIN_LOCK_KEY)
_APPEND = insert(_events)


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
    append and the commit); the event itself is a plain insert, not an ORM object.
    """
    db.session.flush()
    # Straight on the session's connection: these are plain statements, and the ORM's execution
    # layer around them cost as much again (record_event runs in every write request).
    connection = db.session.connection()
    tail = connection.execute(_CLAIM_TAIL if connection.dialect.name == "postgresql" else _TAIL).first()
    seq, prev_hash = (tail.seq + 1, tail.hash) if tail else (1, GENESIS_HASH)
    fields = {
        "seq": seq,
        "occurred_at": now_utc(),
        "actor_id": getattr(actor, "id", actor),
        "action": action,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "region_id": region_id,
        "before": canonical_json(before),
        "after": canonical_json(after),
        "prev_hash": prev_hash,
    }
    connection.execute(_APPEND, {**fields, "hash": event_hash(**fields)})
    return seq


def first_chain_problem():
    """Check the stored chain; return the first problem found, or None when it verifies."""
    events = db.session.execute(
        select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=1000)
    ).scalars()
    return find_first_problem(events)
