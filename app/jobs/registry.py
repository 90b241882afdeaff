"""The jobs the app knows, registered by the features that own them.

A feature marks a function with :func:`job` (run on demand: ``enqueue(func, ...)``) or
:func:`recurring` (also put on the queue by the scheduler) in a module of its own, usually its
``tasks.py``; ``create_app`` imports those modules, so every job is registered before a request,
a command or a worker runs one. Jobs run by name ("module:function"): RQ stores the name, and
:func:`resolve` finds the function again, only among registered jobs. The jobs package itself imports
no feature.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_jobs: dict[str, Callable] = {}


@dataclass(frozen=True)
class Recurring:
    """A job the scheduler enqueues on ``schedule``; ``flask jobs enqueue <command>`` runs it now."""

    func: Callable
    command: str
    schedule: dict[str, Any]
    takes_week: bool


_recurring: dict[str, Recurring] = {}


def job(func: Callable) -> Callable:
    """Register ``func`` as a background job (only registered functions can be run by name)."""
    func.job_name = f"{func.__module__}:{func.__qualname__}"
    _jobs[func.job_name] = func
    return func


def recurring(
    command: str, *, takes_week: bool = False, formerly: tuple[str, ...] = (), **schedule: Any
) -> Callable[[Callable], Callable]:
    """Register a job that the scheduler enqueues on ``schedule`` (RQ's CronScheduler arguments:
    ``interval=60`` seconds, or ``cron="15 2 * * 1"`` on the scheduler's clock). ``command`` names it
    for ``flask jobs enqueue``; ``takes_week``: its one argument is any day (YYYY-MM-DD) of a week.
    ``formerly``: names the job had in earlier releases, so that jobs already waiting in Redis (queued,
    scheduled or failed and retried) under an old name still run after an upgrade."""

    def register(func: Callable) -> Callable:
        job(func)
        for name in formerly:
            _jobs[name] = func
        _recurring[command] = Recurring(func, command, dict(schedule), takes_week)
        return func

    return register


def resolve(name: str) -> Callable:
    """The registered job called ``name`` ("module:function"); LookupError for anything else."""
    try:
        return _jobs[name]
    except KeyError:
        raise LookupError(f"not a job: {name}") from None


def recurring_jobs() -> list[Recurring]:
    """The recurring jobs, in the order they were registered."""
    return list(_recurring.values())
