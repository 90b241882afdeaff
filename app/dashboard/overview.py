"""The dashboard's overview: plain data and SVG charts built from the aggregate queries, for the
dashboard page and the evidence pack. Each kind of data is read once for the whole period (all the
actions' before/after charts come from one read of the reports), never once per action."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from app.actions.charts import measure_chart
from app.actions.measure import MeasureFilter, WeekCount, weekly_counts
from app.actions.models import Action
from app.actions.queries import can_view_action, windows_for
from app.core.charts import Series, line_chart
from app.core.settings import get_setting
from app.dashboard import queries
from app.dashboard.models import Cluster
from app.dashboard.spc import Signal, run_chart, u_chart
from app.feedback.queries import median_days_to_feedback
from app.taxonomy.models import Category, Program, Region


@dataclass
class ControlChart:
    kind: str  # "u" or "run"
    svg: object
    signals: list[Signal]
    rows: list[tuple]  # (label, count, exposure, value, centre, lower, upper)
    centre: float


@dataclass
class Dashboard:
    scope: queries.Scope
    labels: list[str]
    counts: list[int]
    control: ControlChart
    breakdowns: dict[str, list[tuple]]
    by_region: list[tuple[str, list[int]]]
    timeliness: list[queries.WeeklyShare]
    timeliness_svg: object
    target_percent: float
    culture: dict
    clusters: list[Cluster]
    actions: list[tuple] = field(default_factory=list)


def control_chart(counts, exposure, labels) -> ControlChart:
    """A u-chart per 1,000 visits where exposure is known, otherwise a run chart of counts."""
    if any(exposure):
        chart = u_chart(counts, exposure, labels)
        signal_points = tuple(i for s in chart.signals for i in s.indexes)
        svg = line_chart(
            labels,
            [
                Series("reports per 1,000 visits", chart.rates),
                Series(
                    "centre (ū)",
                    [chart.centre if r is not None else None for r in chart.rates],
                    "#59636e",
                    dashed=True,
                    show_points=False,
                ),
                Series("3-sigma limits", chart.upper, "#b42318", dashed=True, step=True, show_points=False),
                Series("", chart.lower, "#b42318", dashed=True, step=True, show_points=False),
            ],
            title="u-chart: reports per 1,000 visits",
            highlighted=signal_points,
            y_label="per 1,000 visits",
            description=f"Weekly reports per 1,000 visits, centre line {chart.centre:.1f}, limits that "
            f"vary with each week's visits. {len(chart.signals)} signal(s).",
        )
        rows = [
            (labels[i], counts[i], exposure[i], chart.rates[i], chart.centre, chart.lower[i], chart.upper[i])
            for i in range(len(labels))
        ]
        return ControlChart("u", svg, chart.signals, rows, chart.centre)
    chart = run_chart(counts, labels)
    signal_points = tuple(i for s in chart.signals for i in s.indexes)
    svg = line_chart(
        labels,
        [
            Series("reports", [float(c) for c in counts]),
            Series("median", [chart.centre] * len(counts), "#59636e", dashed=True, show_points=False),
        ],
        title="Run chart: reports per week",
        highlighted=signal_points,
        y_label="reports",
        description=f"Weekly reports with the median {chart.centre:g}. {len(chart.signals)} signal(s) by "
        "Anhøj's rules.",
    )
    rows = [(labels[i], counts[i], None, counts[i], chart.centre, None, None) for i in range(len(labels))]
    return ControlChart("run", svg, chart.signals, rows, chart.centre)


def _measure_weeks(actions: list[Action], tz: ZoneInfo) -> list[list[WeekCount]]:
    """What ``measure_weeks`` gives for each action, from one read of the reports over all their
    windows instead of one read per action."""
    if not actions:
        return []
    windows = [windows_for(action) for action in actions]
    facets = queries.report_facets_between(
        min(w.baseline_start for w in windows), max(w.end for w in windows), tz
    )
    weeks = []
    for action, window in zip(actions, windows, strict=True):
        measure = MeasureFilter.from_json(action.measure)
        days = [
            day
            for day, report in facets
            if window.baseline_start <= day <= window.end and measure.matches(report)
        ]
        weeks.append(weekly_counts(days, window.baseline_start, window.end, window.start))
    return weeks


def build(scope: queries.Scope, user, *, tz: ZoneInfo, today: date, now: datetime) -> Dashboard:
    labels = [f"{w:%d %b}" for w in scope.weeks]
    triage_target = timedelta(hours=get_setting("triage_target_hours"))
    summary = queries.period_summary(scope, tz, triage_target=triage_target, now=now)
    counts = summary.weekly
    exposure = queries.weekly_exposure(scope)
    regions, categories, programs = (queries.names_by_id(model) for model in (Region, Category, Program))
    breakdowns = {
        "Region": [(regions.get(k, "—"), n, ("region", k)) for k, n in summary.by_region],
        "Category": [(categories.get(k, "—"), n, ("category", k)) for k, n in summary.by_category],
        "Program": [(programs.get(k, "No program"), n, ("program", k or "")) for k, n in summary.by_program],
        "Interface type": [
            ((k or "none recorded").replace("_", " "), n, ("interface", k or ""))
            for k, n in summary.by_interface
        ],
    }
    by_region = sorted(
        ((regions.get(k, "—"), series) for k, series in summary.weekly_by_region.items()), key=lambda r: r[0]
    )
    decision_target = timedelta(hours=get_setting("safeguarding_decision_hours"))
    timeliness = [
        summary.triage,
        queries.safeguarding_timeliness(scope, tz, decision_target, now),
        queries.action_timeliness(scope, tz),
    ]
    target = get_setting("timeliness_target_percent")
    colours = ("#174a7c", "#6b3fa0", "#1a7f37")
    timeliness_svg = line_chart(
        labels,
        [Series(t.label, t.shares, colour) for t, colour in zip(timeliness, colours, strict=True)],
        title="Timeliness by week",
        reference=(target, f"{target:g}% floor"),
        y_max=105,
        y_label="%",
        description="Share of reports triaged within target, safeguarding decisions within target and "
        f"actions in place by their due date, each week, against the {target:g}% floor.",
    )
    verified, ended = queries.verified_share(today)
    weeks = len(scope.weeks)
    culture = {
        "reports_per_week": sum(counts) / weeks if weeks else 0,
        "barrier_share": summary.barrier_share,
        "median_days_to_feedback": median_days_to_feedback(),
        "verified": verified,
        "ended": ended,
    }
    clusters = queries.open_clusters(scope.region_ids)
    earliest = scope.first_week - timedelta(weeks=8)
    viewable = [
        a for a in queries.actions_starting_between(earliest, scope.last_week) if can_view_action(user, a)
    ]
    actions = [
        (action, measure_chart(action, tz, today, weeks), weeks)
        for action, weeks in zip(viewable, _measure_weeks(viewable, tz), strict=True)
    ]
    return Dashboard(
        scope,
        labels,
        counts,
        control_chart(counts, exposure, labels),
        breakdowns,
        by_region,
        timeliness,
        timeliness_svg,
        target,
        culture,
        clusters,
        actions,
    )
