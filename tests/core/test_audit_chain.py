"""The audit chain detects an edited, a deleted and a reordered event."""

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from app.core.audit.chain import GENESIS_HASH, canonical_json, event_hash, find_first_problem
from app.core.audit.models import AuditEvent
from app.core.audit.operations import first_chain_problem, record_event
from app.extensions import db

_HASHED = (
    "seq",
    "occurred_at",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "region_id",
    "before",
    "after",
    "prev_hash",
)


@dataclass(frozen=True)
class Event:
    id: int
    seq: int
    occurred_at: datetime
    actor_id: int | None
    action: str
    object_type: str
    object_id: str | None
    region_id: int | None
    before: str | None
    after: str | None
    prev_hash: str
    hash: str


def _chain(length: int) -> list[Event]:
    events, prev = [], GENESIS_HASH
    start = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # spans the EU daylight-saving change
    for seq in range(1, length + 1):
        fields = {
            "seq": seq,
            "occurred_at": start + timedelta(minutes=20 * seq),
            "actor_id": seq % 3,
            "action": "report.submit",
            "object_type": "report",
            "object_id": str(seq),
            "region_id": 1,
            "before": None,
            "after": canonical_json({"status": "new", "n": seq}),
            "prev_hash": prev,
        }
        event = Event(id=100 + seq, hash=event_hash(**fields), **fields)
        events.append(event)
        prev = event.hash
    return events


def test_intact_chain_verifies():
    assert find_first_problem(_chain(5)) is None
    assert find_first_problem([]) is None


def test_edited_event_is_named():
    events = _chain(5)
    events[2] = replace(events[2], after=canonical_json({"status": "closed", "n": 3}))
    problem = find_first_problem(events)
    assert problem.seq == 3
    assert "changed" in problem.reason


def test_deleted_event_is_detected_at_the_gap():
    events = _chain(5)
    del events[1]
    problem = find_first_problem(events)
    assert problem.seq == 3
    assert "deleted or reordered" in problem.reason


def test_reordered_events_are_detected():
    events = _chain(5)
    # Swap the content of events 2 and 3 but keep their positions' sequence numbers.
    second, third = events[1], events[2]
    events[1] = replace(third, seq=2)
    events[2] = replace(second, seq=3)
    problem = find_first_problem(events)
    assert problem.seq == 2


def test_canonical_json_is_order_independent():
    assert canonical_json({"b": 1, "a": [1, 2]}) == canonical_json({"a": [1, 2], "b": 1})


def _stored_chain(count: int):
    for n in range(count):
        record_event("test.event", object_type="thing", object_id=n, after={"n": n})
    db.session.commit()


def test_stored_chain_verifies_and_detects_sql_tampering(ctx):
    _stored_chain(4)
    assert first_chain_problem() is None
    db.session.execute(update(AuditEvent).where(AuditEvent.seq == 2).values(after='{"n":99}'))
    db.session.commit()
    assert first_chain_problem().seq == 2


def test_stored_hashes_match_the_python_formula_for_awkward_content(ctx):
    """On PostgreSQL the database links and hashes the event (``audit_chain_append``); whatever the
    content - quotes, backslashes, non-ASCII, empty and missing values - the stored hash is the one
    ``event_hash`` gives, so ``audit verify`` agrees with what was written."""
    awkward = [
        {"note": 'say "stop"\\now', "who": "Zoë ✓", "tab": "a\tb"},
        None,
        {},
        {"n": 0, "nested": {"list": [1, "二", None]}},
    ]
    for n, after in enumerate(awkward):
        record_event(
            "test.awkward", actor=None if n % 2 else 7, object_type="thing", object_id=None, after=after
        )
    db.session.commit()
    rows = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    assert [row.seq for row in rows] == [1, 2, 3, 4]
    assert rows[0].prev_hash == GENESIS_HASH
    for row in rows:
        fields = {name: getattr(row, name) for name in _HASHED}
        assert row.hash == event_hash(**fields)
    assert first_chain_problem() is None


def test_stored_chain_detects_deleted_row(ctx):
    _stored_chain(4)
    db.session.execute(AuditEvent.__table__.delete().where(AuditEvent.seq == 3))
    db.session.commit()
    assert first_chain_problem().seq == 4


def test_audit_verify_command_exit_codes(app, ctx):
    _stored_chain(3)
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0, ok.output
    assert "verified" in ok.output
    first = db.session.scalar(select(AuditEvent).where(AuditEvent.seq == 1))
    db.session.execute(update(AuditEvent).where(AuditEvent.id == first.id).values(action="x.y"))
    db.session.commit()
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1
    assert f"#1 (id {first.id})" in broken.output
