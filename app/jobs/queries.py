"""Reading the state of background jobs for the failed-jobs page and the metrics."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from app.core.audit.models import AuditEvent
from app.core.models import now_utc
from app.extensions import db
from app.jobs.queue import redis_connection, rq_queue

INLINE_DAYS = 30


@dataclass(frozen=True)
class FailedJob:
    """A job that failed for good on RQ (after its retries)."""

    id: str
    description: str
    error: str
    ended_at: datetime | None
    retries: int


@dataclass(frozen=True)
class InlineFailure:
    """A job that failed while running inline, read from its ``job.failed`` audit event."""

    event_id: int
    job_id: str
    job: str
    args: list
    error: str
    occurred_at: datetime
    retried_ok: bool


@dataclass(frozen=True)
class QueueState:
    """Counts of a queue's jobs by state; ``available`` is False when Redis does not answer."""

    name: str
    available: bool
    queued: int = 0
    started: int = 0
    scheduled: int = 0
    failed: int = 0
    workers: int = 0


def _last_line(text: str | None) -> str:
    lines = [line for line in (text or "").strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else "Gave up after its retries."


def queue_state(app=None) -> QueueState | None:
    """The RQ queue's counts, or None when jobs run inline."""
    queue = rq_queue(app)
    if queue is None:
        return None
    # rq and redis only when REDIS_URL configures a queue: inline jobs never pay their import.
    from redis.exceptions import RedisError
    from rq import Worker

    try:
        return QueueState(
            name=queue.name,
            available=True,
            queued=queue.count,
            started=queue.started_job_registry.count,
            scheduled=queue.scheduled_job_registry.count,
            failed=queue.failed_job_registry.count,
            workers=Worker.count(queue=queue),
        )
    except RedisError:
        return QueueState(name=queue.name, available=False)


def failed_jobs(limit: int = 100) -> list[FailedJob]:
    """Jobs in RQ's failed-job registry, newest first (empty when jobs run inline)."""
    queue = rq_queue()
    if queue is None:
        return []
    # rq and redis only when REDIS_URL configures a queue: inline jobs never pay their import.
    from rq.job import Job

    ids = queue.failed_job_registry.get_job_ids(0, limit - 1, desc=True)
    jobs = Job.fetch_many(ids, connection=redis_connection()) if ids else []
    found = []
    for job_id, job in zip(ids, jobs, strict=True):
        if job is None:
            continue
        result = job.latest_result()
        error = getattr(result, "exc_string", None) or job.exc_info
        found.append(
            FailedJob(
                id=job_id,
                description=job.description or job_id,
                error=_last_line(error),
                ended_at=job.ended_at,
                retries=max(int(job.meta.get("retries", 0)) - (job.retries_left or 0), 0),
            )
        )
    return found


def failed_jobs_if_reachable(state: QueueState | None) -> list[FailedJob]:
    """``failed_jobs()`` for the failed-jobs page: none when jobs run inline, when ``state`` found
    Redis not answering, or when it stopped answering since."""
    if state is None or not state.available:
        return []
    # rq and redis only when REDIS_URL configures a queue: inline jobs never pay their import.
    from redis.exceptions import RedisError

    try:
        return failed_jobs()
    except RedisError:
        return []


def inline_failures(*, now: datetime | None = None, limit: int = 100) -> list[InlineFailure]:
    """``job.failed`` events of the last 30 days, newest first, each marked when a retry succeeded."""
    since = (now or now_utc()) - timedelta(days=INLINE_DAYS)
    events = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.action.in_(("job.failed", "job.retried")),
            AuditEvent.object_type == "job",
            AuditEvent.occurred_at >= since,
        )
        .order_by(AuditEvent.seq.desc())
        .limit(limit * 2)
    ).all()
    retried_ok = set()
    for event in events:
        if event.action == "job.retried":
            after = json.loads(event.after or "{}")
            if after.get("succeeded") and after.get("failed_event"):
                retried_ok.add(after["failed_event"])
    failures = []
    for event in events:
        if event.action != "job.failed":
            continue
        after = json.loads(event.after or "{}")
        failures.append(
            InlineFailure(
                event_id=event.id,
                job_id=event.object_id or "",
                job=after.get("job", ""),
                args=after.get("args", []),
                error=after.get("error", ""),
                occurred_at=event.occurred_at,
                retried_ok=event.id in retried_ok,
            )
        )
    return failures[:limit]


def inline_failure(event_id: int) -> AuditEvent | None:
    """One ``job.failed`` event by id, or None."""
    event = db.session.get(AuditEvent, event_id)
    if event is None or event.action != "job.failed" or event.object_type != "job":
        return None
    return event
