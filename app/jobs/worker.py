"""RQ workers that run each job in a fresh application context, and the schedule of recurring jobs.

``flask --app wsgi jobs worker`` runs :class:`AppWorker` with the CLI's app; ``rq worker -w
app.jobs.worker.AppWorker`` works too and builds the app from the environment.
"""

from __future__ import annotations

import logging

from flask import Flask
from rq import SimpleWorker, Worker
from rq.cron import CronScheduler

from app.core.pdf import warm_up
from app.extensions import db
from app.jobs.queue import describe, redis_connection, run_job, worker_app
from app.jobs.registry import recurring_jobs

logger = logging.getLogger(__name__)


class AppWorker(Worker):
    """A forking RQ worker: each job runs in the work horse inside its own application context."""

    def __init__(self, *args, app: Flask | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.flask_app = app

    def work(self, *args, **kwargs) -> bool:
        """Warm the PDF renderer once (WeasyPrint imported, its fonts set up), then take jobs: every
        work horse forks from this process, so a pack or guide drawn in the background starts warm
        instead of paying about a second of cold start per job (as gunicorn.conf.py does for web
        workers). A machine without Pango still runs every other job; its renders fail on their own."""
        try:
            warm_up()
        except (ImportError, OSError) as exc:
            logger.warning("PDF renderer not warmed up (%s): PDF jobs will fail", type(exc).__name__)
        return super().work(*args, **kwargs)

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
