"""RQ workers that run each job in a fresh application context, and the schedule of recurring jobs.

``flask --app wsgi jobs worker`` runs :class:`AppWorker` with the CLI's app; ``rq worker -w
app.jobs.worker.AppWorker`` works too and builds the app from the environment.
"""

from __future__ import annotations

from flask import Flask
from rq import SimpleWorker, Worker
from rq.cron import CronScheduler

from app.extensions import db
from app.jobs.queue import describe, redis_connection, run_job, worker_app
from app.jobs.registry import recurring_jobs


class AppWorker(Worker):
    """A forking RQ worker: each job runs in the work horse inside its own application context."""

    def __init__(self, *args, app: Flask | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.flask_app = app

    def perform_job(self, job, queue, execution) -> bool:
        app = self.flask_app or worker_app()
        with app.app_context():
            if self.is_horse:
                # A forked horse must not reuse the parent's pooled database connections.
                for engine in db.engines.values():
                    engine.dispose(close=False)
            return super().perform_job(job, queue, execution)


class SimpleAppWorker(AppWorker, SimpleWorker):
    """The same without forking (tests, and platforms without fork)."""


def build_scheduler(app: Flask):
    """RQ's CronScheduler with the recurring jobs (``app.jobs.registry.recurring``) on the app's queue."""
    scheduler = CronScheduler(connection=redis_connection(app), name=f"nearmiss-{app.config['JOBS_QUEUE']}")
    for recurring in recurring_jobs():
        scheduler.register(
            run_job,
            queue_name=app.config["JOBS_QUEUE"],
            args=(recurring.func.job_name, [], {}),
            name=describe(recurring.func.job_name, (), {}),
            job_timeout=app.config.get("JOB_TIMEOUT_SECONDS", 600),
            failure_ttl=90 * 24 * 3600,
            **recurring.schedule,
        )
    return scheduler
