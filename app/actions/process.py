"""An action's process measure: defining it, entering its weekly counts (one week in the form or a CSV
file), and what the action's page, the verdict and the pack show of it. Callers commit.

The measure (its name, what it counts, which direction is better) is fixed once the test starts, like
the report measure; weekly counts may be entered and corrected at any time for weeks that have begun,
each change recorded in the audit chain with the counts it replaced."""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from markupsafe import Markup

from app.actions.models import Action, ProcessMeasure, ProcessWeek
from app.actions.process_chart import process_chart
from app.actions.process_csv import MAX_UPLOAD_BYTES, WeekEntry, entry_problems, parse_process_csv
from app.actions.proportions import (
    BASELINE,
    TEST,
    DetectableDifference,
    PChart,
    ProportionComparison,
    WeekCounts,
    comparison_of,
    measure_mondays,
    observed_weeks,
    p_chart,
    smallest_detectable_difference,
    typical_denominator,
    verdict,
    week_period,
)
from app.actions.queries import windows_for
from app.core.audit.operations import record_event
from app.core.concurrency import UNCHECKED, check_version
from app.core.i18n import local_datetime, number
from app.core.validation import InvalidInput, Problems
from app.extensions import db

VERDICT_WORDS = {
    "shown": "improvement shown: the interval excludes 0",
    "not_shown": "not shown by the data: the interval includes 0",
    "worse": "worse: the whole interval is on the wrong side of 0",
    "no_data": "no counts to compare yet",
}


class ProcessInvalid(InvalidInput):
    """A process measure or its counts were refused; ``errors`` says why."""


@dataclass
class ProcessInput:
    name: str
    numerator_label: str
    denominator_label: str
    higher_is_better: bool | None


def process_locked(action: Action, today: date) -> bool:
    """Like the report measure, the process measure is fixed once the test has started."""
    return today >= action.window_start


def _measure_snapshot(measure: ProcessMeasure | None) -> dict | None:
    if measure is None:
        return None
    return {
        "name": measure.name,
        "numerator_label": measure.numerator_label,
        "denominator_label": measure.denominator_label,
        "higher_is_better": measure.higher_is_better,
    }


def save_process_measure(
    action: Action, actor, data: ProcessInput, *, today: date, based_on=UNCHECKED
) -> ProcessMeasure:
    """Define (or, before the test starts, change) the action's process measure."""
    errors = Problems()
    need = errors.need
    need(
        "process_name",
        not process_locked(action, today),
        _(
            "The process measure is fixed once the test has started (%(day)s); its weekly counts can "
            "still be entered.",
            day=local_datetime(action.window_start, "%d %b %Y"),
        ),
    )
    need("process_name", 3 <= len(data.name.strip()) <= 200, _("Name the measure (3 to 200 characters)."))
    need(
        "numerator_label",
        2 <= len(data.numerator_label.strip()) <= 200,
        _("Say what the numerator counts (coverage confirmed on time)."),
    )
    need(
        "denominator_label",
        2 <= len(data.denominator_label.strip()) <= 200,
        _("Say what the denominator counts (schedule changes)."),
    )
    need("higher_is_better", data.higher_is_better is not None, _("Say whether a higher share is better."))
    if errors:
        raise ProcessInvalid(errors)
    measure = action.process_measure
    check_version(measure, based_on)
    before = _measure_snapshot(measure)
    if measure is None:
        measure = ProcessMeasure(action=action)
        db.session.add(measure)
    measure.name = data.name.strip()
    measure.numerator_label = data.numerator_label.strip()
    measure.denominator_label = data.denominator_label.strip()
    measure.higher_is_better = bool(data.higher_is_better)
    db.session.flush()
    record_event(
        "action.process_measure",
        actor=actor,
        object_type="action",
        object_id=action.id,
        before=before,
        after=_measure_snapshot(measure),
    )
    return measure


def _place_problem(entry: WeekEntry, mondays: list[date], today: date) -> str | None:
    if entry.week_start > today:
        return _("the week of %(day)s has not begun", day=local_datetime(entry.week_start, "%d %b %Y"))
    if entry.week_start not in mondays:
        return _(
            "the week of %(day)s is outside this action's weeks (%(first)s to %(last)s)",
            day=local_datetime(entry.week_start, "%d %b %Y"),
            first=local_datetime(mondays[0], "%d %b %Y"),
            last=local_datetime(mondays[-1], "%d %b %Y"),
        )
    return None


def _entry_messages(entries: list[WeekEntry], mondays: list[date], today: date, *, numbered: bool):
    """(line, message) for each entry with a problem: "Line 3: ..." from a file, a sentence from the form."""
    for entry in entries:
        problems = entry_problems(entry)
        place = None if problems else _place_problem(entry, mondays, today)
        problems += [place] if place else []
        if problems:
            text = "; ".join(problems) + "."
            yield (
                entry.line,
                _("Line %(line)s: %(text)s", line=entry.line, text=text)
                if numbered
                else text[0].upper() + text[1:],
            )


def save_process_weeks(
    action: Action,
    actor,
    entries: list[WeekEntry],
    *,
    today: date,
    based_on=UNCHECKED,
    field: str = "process_week",
) -> int:
    """Save weekly counts (a week given again replaces its counts); returns how many weeks changed.

    Every entry is checked first: any bad one refuses them all, with one message per bad entry (its
    line, for a file) under ``field``."""
    measure = action.process_measure
    if measure is None:
        raise ProcessInvalid({field: [_("Define the process measure first.")]})
    mondays = measure_mondays(windows_for(action))
    messages = list(_entry_messages(entries, mondays, today, numbered=field == "process_csv"))
    if messages or not entries:
        raise ProcessInvalid(
            {field: [text for _line, text in messages] or [_("Give at least one week's counts.")]}
        )
    check_version(measure, based_on)
    stored = {w.week_start: w for w in measure.weeks}
    before, after = {}, {}
    for entry in entries:
        week = stored.get(entry.week_start)
        if week is not None and (week.numerator, week.denominator) == (entry.numerator, entry.denominator):
            continue
        key = entry.week_start.isoformat()
        before[key] = [week.numerator, week.denominator] if week is not None else None
        after[key] = [entry.numerator, entry.denominator]
        if week is None:
            measure.weeks.append(ProcessWeek(week_start=entry.week_start, numerator=0, denominator=0))
            week = measure.weeks[-1]
        week.numerator, week.denominator = entry.numerator, entry.denominator
    db.session.flush()
    record_event(
        "action.process_weeks",
        actor=actor,
        object_type="action",
        object_id=action.id,
        before=before,
        after=after,
    )
    return len(after)


def import_process_csv(action: Action, actor, text: str | None, *, today: date, based_on=UNCHECKED) -> int:
    """Weekly counts from a CSV file (``week,numerator,denominator``): all of them, or none with a
    message per bad line. ``text`` is None when no readable file came."""
    if text is None:
        raise ProcessInvalid(
            {
                "process_csv": [
                    f"Choose a CSV file (at most {MAX_UPLOAD_BYTES // 1024} KB) with the columns "
                    "week,numerator,denominator."
                ]
            }
        )
    entries, errors = parse_process_csv(text)
    if errors:
        # The lines that were well formed may still fall outside the action's weeks: say so too.
        if entries:
            mondays = measure_mondays(windows_for(action))
            errors = _by_line(
                errors + [m for _line, m in _entry_messages(entries, mondays, today, numbered=True)]
            )
        raise ProcessInvalid({"process_csv": errors})
    return save_process_weeks(action, actor, entries, today=today, based_on=based_on, field="process_csv")


def _by_line(messages: list[str]) -> list[str]:
    """File-level messages first, then "Line N: ..." in line order."""

    def line(message: str) -> int:
        head = message.split(":", 1)[0]
        return int(head.removeprefix("Line ")) if head.startswith("Line ") else 0

    return sorted(messages, key=line)


@dataclass(frozen=True)
class ProcessRow:
    """A week of the table: its counts (None: not entered), limits and whether it is a signal."""

    week_start: date
    label: str
    period: str
    counts: WeekCounts | None
    lower: float | None
    upper: float | None
    signal: bool


@dataclass(frozen=True)
class ProcessView:
    measure: ProcessMeasure
    rows: list[ProcessRow]
    chart: PChart
    svg: Markup
    comparison: ProportionComparison
    verdict: str
    detectable: DetectableDifference | None
    partial_note: str
    started: bool
    first_week: date

    @property
    def verdict_words(self) -> str:
        return VERDICT_WORDS[self.verdict]


def week_label(monday: date, counts: WeekCounts | None) -> str:
    """The week's Monday with its year; a week not yet over is starred."""
    label = local_datetime(monday, "%d %b %y")
    return f"{label}*" if counts is not None and counts.partial else label


def _weeks(action: Action, today: date) -> list[WeekCounts | None]:
    counts = {w.week_start: (w.numerator, w.denominator) for w in action.process_measure.weeks}
    return observed_weeks(counts, windows_for(action), today)


def process_comparison(action: Action, today: date) -> ProportionComparison | None:
    """The process measure's baseline weeks against its test weeks so far (None without a measure)."""
    if action.process_measure is None:
        return None
    return comparison_of(_weeks(action, today), action.process_measure.higher_is_better)


def _detectable(action: Action, weeks, comparison: ProportionComparison, today: date):
    if today >= action.window_start:
        return None
    windows = windows_for(action)
    window_weeks = sum(1 for m in measure_mondays(windows) if week_period(m, windows) == TEST)
    return smallest_detectable_difference(
        comparison.before_numerator,
        comparison.before_denominator,
        typical_denominator(weeks),
        window_weeks,
        higher_is_better=action.process_measure.higher_is_better,
    )


def process_view(action: Action, today: date) -> ProcessView | None:
    """What the action's page and the pack show of its process measure as of ``today``: only weeks
    that have begun, the current one marked partial."""
    measure = action.process_measure
    if measure is None:
        return None
    windows = windows_for(action)
    mondays = measure_mondays(windows)
    weeks = _weeks(action, today)
    chart = p_chart(
        [(w.numerator, w.denominator) if w is not None else None for w in weeks],
        [i for i, m in enumerate(mondays[: len(weeks)]) if week_period(m, windows) == BASELINE],
    )
    rows = [
        ProcessRow(
            m,
            week_label(m, w),
            week_period(m, windows),
            w,
            chart.lower[i],
            chart.upper[i],
            i in chart.signals,
        )
        for i, (m, w) in enumerate(zip(mondays, weeks, strict=False))
    ]
    comparison = comparison_of(weeks, measure.higher_is_better)
    partial = next((w for w in weeks if w is not None and w.partial), None)
    note = (
        _(
            "* The week of %(day)s is partial: %(days)s of 7 days.",
            day=local_datetime(partial.week_start, "%d %b %Y"),
            days=partial.days,
        )
        if partial
        else ""
    )
    return ProcessView(
        measure,
        rows,
        chart,
        process_chart(action, rows, chart, note),
        comparison,
        verdict(comparison),
        _detectable(action, weeks, comparison, today),
        note,
        today >= action.window_start,
        mondays[0],
    )


def process_record(action: Action, comparison: ProportionComparison) -> dict:
    """The process comparison as a verdict keeps it (``Verification.process``)."""
    return {
        **_measure_snapshot(action.process_measure),
        "before": [comparison.before_numerator, comparison.before_denominator],
        "after": [comparison.after_numerator, comparison.after_denominator],
        "difference": comparison.difference,
        "ci_low": comparison.ci_low,
        "ci_high": comparison.ci_high,
        "shown": comparison.improvement_shown,
    }


def unshown_process_message(comparison: ProportionComparison) -> str:
    """Why the process measure does not support "effective": what its interval says."""
    if comparison.difference is None:
        return _("The process measure has no counts before and after to compare")
    return _(
        "The process measure's difference (%(difference)s points, 95%% interval %(low)s to %(high)s) does "
        "not exclude 0 on the good side: the data do not show an improvement",
        difference=number(comparison.difference * 100, "+.1f"),
        low=number(comparison.ci_low * 100, "+.1f"),
        high=number(comparison.ci_high * 100, "+.1f"),
    )
