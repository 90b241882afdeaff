"""Optimistic concurrency: a save based on an answer someone else has since replaced is refused.

Every edit form carries the ``version`` of the row it was read from (empty when it creates the row).
Before writing, :func:`check_version` compares it with the stored one and bumps the version; the
model's ``version_id_col`` adds ``WHERE version = <read>`` to the UPDATE, so a save that lost the
race between that check and its own write fails with ``StaleDataError``. Two creations of a row that
may exist once meet at a unique constraint. :func:`conflicts_refused` turns both into
:class:`EditConflict`, which a view answers with 409 and the form re-rendered: the other person's
answers beside the user's, nothing the user typed lost (see ``templates/_edit_conflict.html``).

The models use ``version_id_generator=False``: only saves of people's answers (through
:func:`check_version`) move the version on, once per save, so bookkeeping writes (a reminder sent,
a spot check) do not make an open form stale; every UPDATE still checks the version it read.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.core.audit.models import AuditEvent
from app.core.forms import form_int
from app.extensions import db

CONFLICT_STATUS = 409
UNIQUE_VIOLATION = "23505"  # PostgreSQL's SQLSTATE
UNCHECKED = object()
"""``based_on`` for writers with no form (the demo loader, scripts): no comparison before the write;
the version still moves on, and the UPDATE still refuses to overwrite a row that moved on meanwhile."""


class EditConflict(Exception):
    """Someone else saved this record after the form was read."""


def form_version(form) -> int | None:
    """The version a submitted form was based on; ``None`` when it was read before the row existed.

    A missing field reads as ``None`` too, so it may create but never overwrite; anything that is
    not a small whole number reads as -1, which no stored version equals.
    """
    value = (form.get("version") or "").strip()
    if not value:
        return None
    number = form_int(value)
    return -1 if number is None else number


def check_version(record, based_on) -> None:
    """Refuse the save when ``based_on`` is not the stored version of ``record``; else move it on.

    ``based_on`` is ``None`` when the form was read before the record existed: if it exists now,
    someone else created it meanwhile. ``UNCHECKED`` skips the comparison, not the bump. When
    nothing is stored yet there is nothing to overwrite (two creations meet at a unique constraint
    instead). The bump makes the UPDATE, and its ``WHERE version = <read>``, run even when the new
    answers equal the stored ones or only linked rows change.
    """
    if not _stored(record):
        return
    if based_on is not UNCHECKED and based_on != record.version:
        raise EditConflict()
    record.version = record.version + 1


def _stored(record) -> bool:
    return record is not None and inspect(record).persistent


def is_unique_violation(error: IntegrityError) -> bool:
    """Whether an IntegrityError is a unique constraint refusing a second copy (both databases)."""
    original = error.orig
    if getattr(original, "sqlstate", None) == UNIQUE_VIOLATION:
        return True
    return "UNIQUE constraint failed" in str(original)


@contextmanager
def conflicts_refused() -> Iterator[None]:
    """Turn the database's answers to a lost race into :class:`EditConflict`.

    Wrap the operation *and* the commit: PostgreSQL reports a unique violation at the INSERT, but a
    stale UPDATE may only show at the flush the commit does. The caller rolls back.
    """
    try:
        yield
    except StaleDataError as error:
        raise EditConflict() from error
    except IntegrityError as error:
        if is_unique_violation(error):
            raise EditConflict() from error
        raise


@dataclass(frozen=True)
class ConflictView:
    """What the conflict partial shows: who saved meanwhile, when, and each answer side by side."""

    saved_by: str | None
    saved_at: datetime | None
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # (question, theirs, yours)

    @property
    def differing(self) -> list[tuple[str, str, str]]:
        return [row for row in self.rows if row[1] != row[2]]


def conflict_view(saved_by, saved_at, questions, theirs: dict, yours: dict) -> ConflictView:
    """Pair the stored answers with the submitted ones, question by question.

    ``questions`` is ``[(key, label)]``; the answer dicts map a key to text already made readable.
    """
    rows = [(label, theirs.get(key, "") or "—", yours.get(key, "") or "—") for key, label in questions]
    name = getattr(saved_by, "name", saved_by)
    return ConflictView(name, saved_at, rows)


def last_change(object_type: str, object_id, actions: tuple[str, ...]) -> tuple[int | None, datetime | None]:
    """Who last saved an object and when (actor id, time), from the audit log: for records that
    keep no "updated by" of their own."""
    row = db.session.execute(
        select(AuditEvent.actor_id, AuditEvent.occurred_at)
        .where(
            AuditEvent.object_type == object_type,
            AuditEvent.object_id == str(object_id),
            AuditEvent.action.in_(actions),
        )
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    ).first()
    return (row.actor_id, row.occurred_at) if row else (None, None)
