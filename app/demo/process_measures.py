"""The demo's counted process measure: the seed's "coverage confirmed" check on the rota action, with
weekly counts whose share confirmed on time rises after the change."""

import random
from datetime import date

from app.actions.models import Action
from app.actions.process import ProcessInput, save_process_measure, save_process_weeks
from app.actions.process_csv import WeekEntry
from app.actions.proportions import TEST, measure_mondays, week_period
from app.actions.queries import windows_for

# action title: (name, numerator counts, denominator counts, share before, share after, denominator a week)
PROCESS_MEASURES = {
    "Schedule refresh when a client record changes": (
        "Coverage confirmed on time",
        "coverage confirmed on time",
        "schedule changes",
        0.72,
        0.90,
        38,
    ),
}


def add_process_measure(action: Action, actor, *, defined_on: date, today: date) -> None:
    """Define the process measure of a demo action that has one (on the day the action was set, before
    its test), and enter its counts for every week begun by ``today`` (the current one so far)."""
    spec = PROCESS_MEASURES.get(action.title)
    if spec is None:
        return
    name, numerator, denominator, before, after, weekly = spec
    save_process_measure(action, actor, ProcessInput(name, numerator, denominator, True), today=defined_on)
    rng = random.Random(action.title)
    windows = windows_for(action)
    entries = []
    for week in measure_mondays(windows):
        if week > today:
            break
        days = min(7, (today - week).days + 1)
        changes = max(1, round(rng.gauss(weekly, weekly * 0.15) * days / 7))
        share = after if week_period(week, windows) == TEST else before
        entries.append(WeekEntry(week, sum(rng.random() < share for _ in range(changes)), changes))
    save_process_weeks(action, actor, entries, today=today)
