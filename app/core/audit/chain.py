"""Pure hash-chain rules for audit events: how an event is hashed and how a chain is checked.

Each event's hash covers its own fields and the previous event's hash, so editing, deleting or
reordering any stored event breaks every link after it.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

GENESIS_HASH = "0" * 64


class ChainedEvent(Protocol):
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


def canonical_json(value) -> str | None:
    """Serialise a before/after snapshot so the same content always gives the same text."""
    if value is None:
        return None
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def event_body(
    *,
    occurred_at: datetime,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str | None,
    region_id: int | None,
    before: str | None,
    after: str | None,
) -> str:
    """The part of an event's hashed material that does not depend on its place in the chain: known
    before the chain's lock is taken (PostgreSQL links it under the lock; see ``link_hash``)."""
    return json.dumps(
        [
            occurred_at.isoformat(timespec="microseconds"),
            actor_id,
            action,
            object_type,
            object_id,
            region_id,
            before,
            after,
        ],
        separators=(",", ":"),
    )[1:-1]


def link_hash(seq: int, body: str, prev_hash: str) -> str:
    """SHA-256 of ``[seq,<body>,"prev_hash"]`` - the compact JSON array of every field and the previous
    hash. PostgreSQL's ``audit_chain_append`` (migration 0013) builds the same text; ``body`` is ASCII
    (JSON escapes the rest), the hashes are hex."""
    return hashlib.sha256(f'[{seq},{body},"{prev_hash}"]'.encode()).hexdigest()


def event_hash(*, seq: int, prev_hash: str, **fields) -> str:
    """SHA-256 over the event's fields (``event_body``'s keywords) and the previous hash."""
    return link_hash(seq, event_body(**fields), prev_hash)


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    event_id: int | None
    reason: str

    def __str__(self) -> str:
        return f"audit event #{self.seq} (id {self.event_id}): {self.reason}"


def find_first_problem(events: Iterable[ChainedEvent]) -> ChainProblem | None:
    """Walk events in stored ``seq`` order and return the first broken link, or None if intact."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    for event in events:
        event_id = getattr(event, "id", None)
        if event.seq != expected_seq:
            return ChainProblem(
                event.seq,
                event_id,
                f"expected sequence number {expected_seq}: an event was deleted or reordered",
            )
        if event.prev_hash != expected_prev:
            return ChainProblem(
                event.seq, event_id, "does not link to the event before it (deleted or reordered)"
            )
        recomputed = event_hash(
            seq=event.seq,
            occurred_at=event.occurred_at,
            actor_id=event.actor_id,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            region_id=event.region_id,
            before=event.before,
            after=event.after,
            prev_hash=event.prev_hash,
        )
        if recomputed != event.hash:
            return ChainProblem(event.seq, event_id, "its content was changed after it was written")
        expected_prev = event.hash
        expected_seq += 1
    return None
