"""``flask --app wsgi jobs ...``: run a worker, run the scheduler, or run one job now."""

from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup

from app.jobs.queue import enqueue, redis_connection
from app.jobs.registry import Recurring, recurring_jobs
from app.jobs.worker import AppWorker, SimpleAppWorker, build_scheduler

jobs_cli = AppGroup("jobs", help="Background jobs on RQ (needs REDIS_URL) and their schedule.")


def _require_redis():
    if redis_connection() is None:
        raise click.ClickException(
            "REDIS_URL is unset: jobs run inline in the web process. For the recurring work, run "
            "'flask --app wsgi clocks check' every minute and 'flask --app wsgi clusters detect' "
            "weekly from cron (see README, Deploying)."
        )


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@click.option("--simple", is_flag=True, help="Run jobs in this process instead of a forked one.")
@click.option(
    "--with-scheduler/--without-scheduler",
    default=True,
    help="Also move retries whose wait is over back onto the queue (default: on).",
)
def worker_command(burst, simple, with_scheduler):
    """Run jobs from the queue, each in its own application context."""
    _require_redis()
    worker_class = SimpleAppWorker if simple else AppWorker
    worker = worker_class(
        [current_app.config["JOBS_QUEUE"]],
        connection=redis_connection(),
        app=current_app._get_current_object(),
    )
    worker.work(burst=burst, with_scheduler=with_scheduler)


@jobs_cli.command("scheduler")
def scheduler_command():
    """Enqueue the recurring jobs on time: the clock check every minute, cluster detection weekly."""
    _require_redis()
    build_scheduler(current_app._get_current_object()).start()


class RecurringJobCommand(click.ParamType):
    """The ``command`` of a registered recurring job, read from the registry when the CLI runs."""

    name = "job"

    def get_metavar(self, param, ctx=None) -> str:
        return "{" + "|".join(sorted(r.command for r in recurring_jobs())) + "}"

    def convert(self, value, param, ctx) -> Recurring:
        if isinstance(value, Recurring):
            return value
        known = {r.command: r for r in recurring_jobs()}
        if value not in known:
            self.fail(f"{value!r} is not one of {', '.join(repr(c) for c in sorted(known))}.", param, ctx)
        return known[value]


@jobs_cli.command("enqueue")
@click.argument("what", type=RecurringJobCommand())
@click.option("--week", default=None, help="For clusters: any day (YYYY-MM-DD) of the week to test.")
def enqueue_command(what: Recurring, week):
    """Put one run of a recurring job on the queue now (run inline without Redis)."""
    if not what.takes_week:
        result = enqueue(what.func)
    else:
        if week:
            try:
                date.fromisoformat(week)
            except ValueError as exc:
                raise click.BadParameter("give --week as YYYY-MM-DD", param_hint="--week") from exc
        result = enqueue(what.func, week)
    click.echo(f"Enqueued as {result.id}." if result is not None else "Ran inline.")
