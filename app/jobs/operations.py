"""Retrying failed jobs from the failed-jobs page. Each retry is audited; the route commits."""

from __future__ import annotations

import json

from flask import current_app

from app.core.audit.operations import record_event
from app.jobs.queue import resolve, rq_queue, run_inline


class JobNotFound(LookupError):
    """No failed job with that id (already retried, expired, or never there)."""


def retry_failed_job(job_id: str, *, actor) -> None:
    """Put a job from RQ's failed-job registry back on its queue."""
    queue = rq_queue()
    if queue is None:
        raise JobNotFound(job_id)
    # rq and redis only when REDIS_URL configures a queue: inline jobs never pay their import.
    from rq.exceptions import InvalidJobOperation, NoSuchJobError

    registry = queue.failed_job_registry
    if job_id not in registry.get_job_ids():
        raise JobNotFound(job_id)
    try:
        registry.requeue(job_id)
    except (InvalidJobOperation, NoSuchJobError) as exc:
        raise JobNotFound(job_id) from exc
    record_event("job.retried", actor=actor, object_type="job", object_id=job_id, after={"queue": queue.name})


def retry_inline_failure(event, *, actor) -> bool:
    """Run a job that failed inline once more, now, from its ``job.failed`` event.

    Returns whether it succeeded (a new failure is recorded as a new ``job.failed`` event).
    """
    after = json.loads(event.after or "{}")
    name = after.get("job", "")
    try:
        resolve(name)
    except LookupError as exc:
        raise JobNotFound(event.object_id) from exc
    succeeded = run_inline(
        current_app._get_current_object(),
        name,
        after.get("args", []),
        after.get("kwargs", {}),
        job_id=event.object_id,
    )
    record_event(
        "job.retried",
        actor=actor,
        object_type="job",
        object_id=event.object_id,
        after={"failed_event": event.id, "succeeded": succeeded},
    )
    return succeeded
