"""Writing to the audit trail. Callers flush; the request or command commits."""

from sqlalchemy import select, text

from app.core.audit.chain import GENESIS_HASH, canonical_json, event_hash, find_first_problem
from app.core.audit.models import AuditEvent
from app.core.models import now_utc
from app.extensions import db

# Any fixed 64-bit number; it names the PostgreSQL advisory lock that serialises chain appends.
_CHAIN_LOCK_KEY = 727_100_2


def _lock_chain() -> None:
    """Serialise appends so two transactions never both extend the same tail.

    On PostgreSQL a transaction-scoped advisory lock does it; SQLite allows one writer at a time
    already. The unique ``seq`` column is the last line of defence either way.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK_KEY})


def record_event(
    action: str,
    *,
    actor=None,
    object_type: str,
    object_id=None,
    region_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Append one event to the chain. ``before``/``after`` must hold no health information."""
    _lock_chain()
    tail = db.session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
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
    event = AuditEvent(**fields, hash=event_hash(**fields))
    db.session.add(event)
    db.session.flush()
    return event


def first_chain_problem():
    """Check the stored chain; return the first problem found, or None when it verifies."""
    events = db.session.execute(
        select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=1000)
    ).scalars()
    return find_first_problem(events)
