"""Enqueueing background jobs: on RQ with Redis when ``REDIS_URL`` is set, inline when it is not.

A job is a plain function registered with ``app.jobs.registry.job``. It runs in an application context
of its own (its own database session) and commits its own work, like a command does. Its arguments are
ids, dates and other plain values - never health information, since they are stored in Redis and shown
to administrators.

- **Inline** (no Redis, the embedded default): the job runs at once in a fresh application context. A
  failure is logged (job name and error type only) and appended to the audit trail as ``job.failed``,
  which the failed-jobs page reads; it never breaks the request that enqueued it.
- **RQ**: the job goes on the ``JOBS_QUEUE`` queue with ``Retry`` (three retries at
  ``JOB_RETRY_INTERVALS``); a job that still fails lands in RQ's failed-job registry, shown with a retry
  button on ``/admin/jobs``. A ``job_id`` makes the job idempotent: the same id is enqueued once (a Redis
  key remembers it for a day), so a replayed request or a second scheduler cannot run it twice.

``after_commit=True`` holds the job until the current transaction commits (and drops it on rollback), so
a worker never looks for rows that are not there yet.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.core.audit.operations import record_event
from app.extensions import db
from app.jobs.registry import resolve

logger = logging.getLogger(__name__)

_AFTER_COMMIT = "nearmiss_jobs_after_commit"
_ONCE_PREFIX = "nearmiss:jobs:once:"
_ONCE_SECONDS = 24 * 3600
JOB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,119}$")
_worker_app: Flask | None = None


def redis_connection(app: Flask | None = None):
    """The app's Redis client (one per URL and app), or None when ``REDIS_URL`` is unset."""
    app = app or current_app._get_current_object()
    url = app.config.get("REDIS_URL") or ""
    if not url:
        return None
    clients = app.extensions.setdefault("nearmiss_redis", {})
    if url not in clients:
        # rq and redis only when REDIS_URL configures a queue: inline jobs never pay their import.
        from redis import Redis

        clients[url] = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    return clients[url]


def rq_queue(app: Flask | None = None):
    """The app's RQ queue, or None when jobs run inline."""
    app = app or current_app._get_current_object()
    connection = redis_connection(app)
    if connection is None:
        return None
    # rq and redis only when REDIS_URL configures a queue: inline jobs never pay their import.
    from rq import Queue

    return Queue(
        app.config["JOBS_QUEUE"],
        connection=connection,
        default_timeout=app.config.get("JOB_TIMEOUT_SECONDS", 600),
    )


def enqueue(func: Callable, *args: Any, job_id: str | None = None, after_commit: bool = False, **kwargs: Any):
    """Run ``func(*args, **kwargs)`` in the background: on RQ when Redis is configured, else inline.

    Returns the RQ job when one was enqueued, else None (inline, deferred, or already enqueued under
    ``job_id``).
    """
    name = getattr(func, "job_name", None)
    if name is None:
        raise TypeError(f"{func!r} is not registered with @job")
    if job_id is not None and not JOB_ID.match(job_id):
        raise ValueError(f"unusable job id: {job_id!r}")
    if after_commit and db.session().in_transaction():
        db.session.info.setdefault(_AFTER_COMMIT, []).append((name, args, kwargs, job_id))
        return None
    return _dispatch(current_app._get_current_object(), name, args, kwargs, job_id)


def _dispatch(app: Flask, name: str, args: tuple, kwargs: dict, job_id: str | None):
    queue = rq_queue(app)
    if queue is None:
        run_inline(app, name, args, kwargs, job_id=job_id)
        return None
    # rq and redis only when REDIS_URL configures a queue: inline jobs never pay their import.
    from redis.exceptions import RedisError
    from rq import Retry

    intervals = list(app.config["JOB_RETRY_INTERVALS"])
    try:
        if job_id is not None and not queue.connection.set(
            _ONCE_PREFIX + job_id, "1", nx=True, ex=_ONCE_SECONDS
        ):
            logger.info("job %s not enqueued: %s was enqueued already", name, job_id)
            return None
        return queue.enqueue(
            run_job,
            name,
            list(args),
            kwargs,
            job_id=job_id,
            description=describe(name, args, kwargs),
            retry=Retry(max=len(intervals), interval=intervals),
            meta={"retries": len(intervals)},
            failure_ttl=90 * 24 * 3600,
        )
    except RedisError as exc:
        # Losing the work is worse than doing it late in this process: run it here instead.
        logger.warning("job %s run inline: Redis unavailable (%s)", name, type(exc).__name__)
        run_inline(app, name, args, kwargs, job_id=job_id)
        return None


def describe(name: str, args, kwargs) -> str:
    """A short label for a job: its function and arguments (ids and dates only)."""
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"{name.rpartition('.')[2]}({', '.join(parts)})"


def run_job(name: str, args: list, kwargs: dict):
    """What RQ runs: the named job inside an application context (the worker's, or one made here)."""
    if has_app_context():
        return _call(resolve(name), args, kwargs)
    # Building the app registers every job, so the name is looked up after it.
    with worker_app().app_context():
        return _call(resolve(name), args, kwargs)


def _call(func: Callable, args, kwargs):
    try:
        return func(*args, **kwargs)
    except BaseException:
        db.session.rollback()
        raise


def worker_app() -> Flask:
    """The app a bare ``rq worker`` runs jobs in, made once per process from the environment."""
    global _worker_app
    if _worker_app is None:
        # The one import of the app factory from below it: building the app imports every package,
        # this one included, so it can only be looked up when a worker needs it (see the import-linter
        # contracts in pyproject.toml).
        from app import create_app

        _worker_app = create_app()
    return _worker_app


def run_inline(app: Flask, name: str, args, kwargs, *, job_id: str | None = None) -> bool:
    """Run a job now in a fresh application context; record a failure instead of raising it.

    Returns whether the job succeeded.
    """
    with app.app_context():
        try:
            _call(resolve(name), args, kwargs)
        except Exception as exc:
            logger.error("job %s (%s) failed inline: %s", name, job_id or "-", type(exc).__name__)
            record_inline_failure(name, args, kwargs, job_id=job_id, error=exc)
            return False
    return True


def record_inline_failure(name: str, args, kwargs, *, job_id: str | None, error: BaseException) -> None:
    """Append ``job.failed`` to the audit trail (the failed-jobs page reads it). Never raises."""
    try:
        record_event(
            "job.failed",
            object_type="job",
            object_id=job_id or name.rpartition(":")[2],
            after={"job": name, "args": list(args), "kwargs": kwargs, "error": type(error).__name__},
        )
        db.session.commit()
    except (SQLAlchemyError, TypeError, ValueError) as exc:
        db.session.rollback()
        logger.error("job %s: its failure could not be recorded (%s)", name, type(exc).__name__)


@event.listens_for(Session, "after_commit")
def _enqueue_after_commit(session):
    pending = session.info.pop(_AFTER_COMMIT, None)
    if not pending or not has_app_context():
        return
    app = current_app._get_current_object()
    for name, args, kwargs, job_id in pending:
        _dispatch(app, name, args, kwargs, job_id)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session):
    session.info.pop(_AFTER_COMMIT, None)
