"""The dashboard's overview: plain data and SVG charts built from the aggregate queries, for the
dashboard page and the evidence pack. Each kind of data is read once for the whole period (all the
actions' before/after charts come from one read of the reports), never once per action."""

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property, partial
from zoneinfo import ZoneInfo

from app.actions.charts import measure_chart, shown_weeks
from app.actions.measure import MeasureFilter, WeekCount, weekly_counts
from app.actions.models import Action
from app.actions.queries import can_view_action, windows_for
from app.actions.vocabulary import verdict_words
from app.core.charts import NARROW_WIDTH, WIDTH, Series, line_chart
from app.core.dates import short_date
from app.core.i18n import number
from app.core.settings import get_setting
from app.dashboard import queries
from app.dashboard.models import Cluster
from app.dashboard.spc import ExposedWeek, Signal, exposed_weeks, run_chart, u_chart
from app.dashboard.words import _, format_date, ngettext
from app.feedback.queries import median_days_to_feedback
from app.incidents.queries import ThemeWarnings, incident_totals, theme_warnings
from app.taxonomy.models import Category, Program, Region
from app.taxonomy.vocabulary import interface_label
from app.triage.matrix import ReviewLevel
from app.triage.queries import downgrades_between, floor_triages_count
from app.triage.vocabulary import DowngradeReason

FEWEST_FOR_A_SHARE = 5


def sparse_note() -> str:
    return _(
        "A week with fewer than %(fewest)s cases is an open point labelled with its number of cases (n), "
        "not part of the line: a share of one or two cases swings between 0 and 100%%.",
        fewest=FEWEST_FOR_A_SHARE,
    )


@dataclass
class ControlChart:
    kind: str  # "u" or "run"
    svg: object
    signals: list[Signal]
    rows: list[tuple]  # (label, count, exposure, value, centre, lower, upper, note)
    centre: float
    gap_notes: list[str] = field(default_factory=list)
    narrow_svg: object = None  # the same chart drawn for a phone's width (pages show one by screen size)


class Dashboard:
    """The weekly review's board for one scope. Every part is read when a page first asks for it and
    kept for the rest of the request: the weekly review reads what it summarises, each page behind its
    links only its own part (the clusters page never scans the period's reports), and the evidence
    pack, which shows everything, reads everything once."""

    # How the page words a recorded verdict beside its interval (the pack's words).
    verdict_words = staticmethod(verdict_words)

    def __init__(
        self, scope: queries.Scope, user, *, tz: ZoneInfo, today: date, now: datetime, breakdowns: bool = True
    ):
        self.scope = scope
        # Whether the page shows the totals per region, category, program and interface type: then the
        # one scan of the period counts them too (a page without them scans for less).
        self.with_breakdowns = breakdowns
        self.user = user
        self.tz = tz
        self.today = today
        self.now = now
        self.labels = [short_date(w) for w in scope.weeks]
        self.days_so_far = days_so_far(scope.weeks, today)  # week index -> its days elapsed, if partial

    @cached_property
    def summary(self) -> queries.PeriodSummary:
        """Weekly counts, barrier share, triage timeliness and (``with_breakdowns``) the breakdowns:
        one scan of the period."""
        return self._summary(self.with_breakdowns)

    def _summary(self, breakdowns: bool) -> queries.PeriodSummary:
        triage_target = timedelta(hours=get_setting("triage_target_hours"))
        return queries.period_summary(
            self.scope, self.tz, triage_target=triage_target, now=self.now, breakdowns=breakdowns
        )

    @cached_property
    def names(self) -> tuple[dict, dict, dict]:
        """``{id: name}`` of the regions, categories and programs."""
        return tuple(queries.names_by_id(model) for model in (Region, Category, Program))

    @property
    def counts(self) -> list[int]:
        return self.summary.weekly

    @cached_property
    def control(self) -> ControlChart:
        weeks_with_visits = exposed_weeks(
            self.summary.weekly_by_region, queries.weekly_visits_by_region(self.scope), len(self.scope.weeks)
        )
        return control_chart(self.counts, weeks_with_visits, self.labels, self.scope.weeks, self.names[0])

    @cached_property
    def breakdowns(self) -> dict[str, list[tuple]]:
        summary = self.summary if self.with_breakdowns else self._summary(True)
        regions, categories, programs = self.names
        return {
            _("Region"): [(regions.get(k, "—"), n, ("region", k)) for k, n in summary.by_region],
            _("Category"): [(categories.get(k, "—"), n, ("category", k)) for k, n in summary.by_category],
            _("Program"): [
                (programs.get(k, _("No program")), n, ("program", k or "")) for k, n in summary.by_program
            ],
            _("Interface type"): [
                (interface_label(k) or _("none recorded"), n, ("interface", k or ""))
                for k, n in summary.by_interface
            ],
        }

    @cached_property
    def by_region(self) -> list[tuple[str, list[int]]]:
        regions = self.names[0]
        return sorted(
            ((regions.get(k, "—"), series) for k, series in self.summary.weekly_by_region.items()),
            key=lambda r: r[0],
        )

    @cached_property
    def timeliness(self) -> list[queries.WeeklyShare]:
        scope, tz, now = self.scope, self.tz, self.now
        decision_target = timedelta(hours=get_setting("safeguarding_decision_hours"))
        acknowledged, safeguards_confirmed = queries.alert_timeliness(
            scope,
            tz,
            now,
            acknowledge=timedelta(minutes=get_setting("stop_the_line_ack_minutes")),
            safeguards=timedelta(minutes=get_setting("safeguards_confirm_minutes")),
        )
        return [
            acknowledged,
            safeguards_confirmed,
            queries.nurse_review_timeliness(scope, tz, now),
            self.summary.triage,
            queries.safeguarding_timeliness(scope, tz, decision_target, now),
            queries.duty_timeliness(scope, tz, now),
            queries.review_timeliness(scope, tz, now.astimezone(tz).date()),
            queries.action_timeliness(scope, tz, now.astimezone(tz).date()),
        ]

    @cached_property
    def target_percent(self) -> float:
        return get_setting("timeliness_target_percent")

    @cached_property
    def timeliness_svg(self):
        return self._timeliness_chart(WIDTH)

    @cached_property
    def timeliness_narrow_svg(self):
        """The same chart drawn for a phone (see ``wide_and_narrow``)."""
        return self._timeliness_chart(NARROW_WIDTH)

    def _timeliness_chart(self, width: int):
        target = self.target_percent
        colours = ("#b3261e", "#d0641a", "#5c6b00", "#174a7c", "#6b3fa0", "#0f6e6e", "#9a4d00", "#1a7f37")
        return line_chart(
            self.labels,
            [
                Series(t.label, t.shares, colour, counts=t.total, min_count=FEWEST_FOR_A_SHARE)
                for t, colour in zip(self.timeliness, colours, strict=True)
            ],
            title=_("Timeliness by week"),
            reference=(target, _("%(target)s%% floor", target=number(target, "g"))),
            y_max=105,
            y_label="%",
            description=_(
                "Share of reports triaged within target, safeguarding decisions within target and actions in "
                "place by their due date, each week, against the %(target)s%% floor.",
                target=number(target, "g"),
            )
            + f" {sparse_note()}",
            width=width,
        )

    @cached_property
    def culture(self) -> dict:
        verified, ended = queries.verified_share(self.today)
        weeks = len(self.scope.weeks)
        return {
            "reports_per_week": sum(self.counts) / weeks if weeks else 0,
            "barrier_share": self.summary.barrier_share,
            "median_days_to_feedback": median_days_to_feedback(),
            "verified": verified,
            "ended": ended,
        }

    @cached_property
    def clusters(self) -> list[Cluster]:
        return queries.open_clusters(self.scope.region_ids)

    @cached_property
    def action_list(self) -> list[Action]:
        """The actions the viewer may see whose test window starts in the period or the eight weeks
        before it, oldest first (the weekly review lists them; their charts are the actions page's)."""
        earliest = self.scope.first_week - timedelta(weeks=8)
        return [
            a
            for a in queries.actions_starting_between(earliest, self.scope.last_week)
            if can_view_action(self.user, a)
        ]

    @cached_property
    def actions(self) -> list[tuple]:
        """``(action, before/after chart, its weeks)`` for each action of ``action_list``."""
        viewable, tz, today = self.action_list, self.tz, self.today
        return [
            (action, measure_chart(action, tz, today, weeks), shown_weeks(action, weeks, today))
            for action, weeks in zip(viewable, before_after_weeks(viewable, self.tz), strict=True)
        ]

    @cached_property
    def proposal_months(self) -> list[queries.ProposalMonth]:
        """The recurrence proposed at triage (single / repeat / cluster), per month of the period."""
        return queries.recurrence_proposals_by_month(self.scope, self.tz)

    @cached_property
    def downgrades(self) -> "Downgrades":
        return triage_downgrades(self.scope, self.tz)

    @cached_property
    def warnings(self) -> list[ThemeWarnings]:
        """Per theme with an incident in the period: near misses, incidents, warned incidents."""
        return theme_warnings(*self.scope.bounds(self.tz), self.scope.region_ids)

    @cached_property
    def incident_totals(self) -> tuple[int, int]:
        """``(incidents, warned)`` over the period: what ``warnings`` adds up to."""
        if "warnings" in self.__dict__:
            return sum(t.incidents for t in self.warnings), sum(t.warned for t in self.warnings)
        return incident_totals(*self.scope.bounds(self.tz), self.scope.region_ids)

    @property
    def below_floor(self) -> list[queries.WeeklyShare]:
        """The timeliness measures whose share over the period is under the target floor."""
        return [t for t in self.timeliness if t.overall is not None and t.overall < self.target_percent]

    @property
    def new_clusters(self) -> list[Cluster]:
        """The open clusters nobody has acknowledged yet: each waits for the quality lead's decision."""
        return [c for c in self.clusters if c.status == "new"]

    @property
    def timeliness_note(self) -> str:
        """Said under the timeliness chart when some week's share rests on fewer than 5 cases."""
        sparse = any(0 < n < FEWEST_FOR_A_SHARE for t in self.timeliness for n in t.total)
        return sparse_note() if sparse else ""


@dataclass
class DowngradeRow:
    report_id: int
    day: date
    region: str
    from_level: str
    to_level: str
    reason: str


@dataclass
class Downgrades:
    """Triages that gave a high potential or clustered report less than the floor's review, in a
    period: each with its region, levels and listed reason (never the explanation's free text)."""

    rows: list[DowngradeRow]
    # Read when a page shows it (the triage page, the pack), not for the weekly review's count.
    floor_count: Callable[[], int] = field(repr=False)

    @cached_property
    def floor_triages(self) -> int:
        """How many triages of the period had the floor's minimum: the downgrades' denominator."""
        return self.floor_count()

    @property
    def by_reason(self) -> list[tuple[str, int]]:
        counts: dict[str, int] = {}
        for row in self.rows:
            counts[row.reason] = counts.get(row.reason, 0) + 1
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def triage_downgrades(scope: queries.Scope, tz: ZoneInfo) -> Downgrades:
    """The downgrades of the triages recorded in the scope's weeks and regions."""
    start, end = scope.bounds(tz)
    rows = [
        DowngradeRow(
            d.report_id,
            d.triaged_at.astimezone(tz).date(),
            d.region_name,
            ReviewLevel(d.from_level).label,
            ReviewLevel(d.to_level).label,
            DowngradeReason(d.reason).label,
        )
        for d in downgrades_between(start, end, scope.region_ids)
    ]
    return Downgrades(rows, partial(floor_triages_count, start, end, scope.region_ids))


def _week_span(first: date, last: date) -> str:
    if first == last:
        return _("the week of %(date)s", date=format_date(first, "dd MMM yyyy"))
    return _(
        "the weeks of %(first)s to %(last)s",
        first=format_date(first, "dd MMM yyyy"),
        last=format_date(last, "dd MMM yyyy"),
    )


def _runs(indexes: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for i in indexes:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _reports(n: int) -> str:
    return ngettext("%(num)s report", "%(num)s reports", n)


def gap_notes(weeks: list[ExposedWeek], week_starts: list[date], region_names: dict) -> list[str]:
    """In words, what the u-chart leaves out: each run of weeks with no visit figure at all (a gap)
    and each region left out of weeks that other regions' figures cover."""
    notes = []
    first_figure = next((i for i, w in enumerate(weeks) if not w.gap), len(weeks))
    for run in _runs([i for i, w in enumerate(weeks) if w.gap]):
        span = _week_span(week_starts[run[0]], week_starts[run[-1]])
        left_out = _reports(sum(n for i in run for _n, n in weeks[i].without_figure))
        if run[0] == 0 and run[-1] < first_figure:
            notes.append(
                _(
                    "No visit figure for %(span)s (before the first visit figure): drawn as a gap, "
                    "not a zero; %(reports)s left out of the rate.",
                    span=span,
                    reports=left_out,
                )
            )
        else:
            notes.append(
                _(
                    "No visit figure for %(span)s: drawn as a gap, not a zero; "
                    "%(reports)s left out of the rate.",
                    span=span,
                    reports=left_out,
                )
            )
    by_region: dict = {}
    for i, week in enumerate(weeks):
        if not week.gap:
            for region, n in week.without_figure:
                by_region.setdefault(region, []).append((i, n))
    for region, missing in sorted(by_region.items(), key=lambda item: str(region_names.get(item[0], ""))):
        reports = dict(missing)
        for run in _runs([i for i, _n in missing]):
            if not any(reports[i] for i in run):
                continue  # no reports to leave out: the rate is the same with or without the region
            span = _week_span(week_starts[run[0]], week_starts[run[-1]])
            notes.append(
                _(
                    "No visit figure for %(region)s for %(span)s: its %(reports)s left out of the rate "
                    "and its visits unknown.",
                    region=region_names.get(region, "—"),
                    span=span,
                    reports=_reports(sum(reports[i] for i in run)),
                )
            )
    return notes


def _note(week: ExposedWeek, region_names: dict) -> str:
    if week.gap:
        return _("no visit figure")
    left_out = [f"{region_names.get(r, '—')} ({_reports(n)})" for r, n in week.without_figure if n]
    return _("left out: %(regions)s", regions=", ".join(left_out)) if left_out else ""


def wide_and_narrow(labels: list[str], series: list[Series], **chart) -> tuple:
    """A chart drawn at the page's width and again at a phone's: scaled to a 390 px screen, the wide
    drawing's words would shrink to about 6 px."""
    return line_chart(labels, series, **chart), line_chart(labels, series, width=NARROW_WIDTH, **chart)


def control_chart(
    counts: list[int],
    weeks: list[ExposedWeek],
    labels: list[str],
    week_starts: list[date],
    region_names: dict,
) -> ControlChart:
    """A u-chart per 1,000 visits where exposure is known, otherwise a run chart of counts.

    The u-chart counts only the region-weeks with a visit figure; weeks with none are gaps."""
    if any(not w.gap for w in weeks):
        exposure = [w.visits for w in weeks]
        chart = u_chart([w.count for w in weeks], exposure, labels)
        signal_points = tuple(i for s in chart.signals for i in s.indexes)
        notes = gap_notes(weeks, week_starts, region_names)
        gaps = tuple(i for i, w in enumerate(weeks) if w.gap)
        gap_words = (
            " " + _("%(count)s week(s) without a visit figure are gaps, not zeros.", count=len(gaps))
            if gaps
            else ""
        )
        svg, narrow_svg = wide_and_narrow(
            labels,
            [
                Series(_("reports per 1,000 visits"), chart.rates),
                Series(
                    _("centre (ū)"),
                    [chart.centre if r is not None else None for r in chart.rates],
                    "#59636e",
                    dashed=True,
                    show_points=False,
                    end_label=_("centre"),
                ),
                Series(
                    _("3-sigma limits"),
                    chart.upper,
                    "#b42318",
                    dashed=True,
                    step=True,
                    show_points=False,
                    end_label=_("upper"),
                ),
                Series(
                    "",
                    chart.lower,
                    "#b42318",
                    dashed=True,
                    step=True,
                    show_points=False,
                    end_label=_("lower"),
                ),
            ],
            title=_("u-chart: reports per 1,000 visits"),
            highlighted=signal_points,
            y_label=_("per 1,000 visits"),
            description=_(
                "Weekly reports per 1,000 visits, centre line %(centre)s, limits that vary with each week's "
                "visits. %(signals)s signal(s).",
                centre=number(chart.centre),
                signals=len(chart.signals),
            )
            + gap_words,
            gaps=gaps,
            gap_label=_("no visit figure"),
        )
        rows = [
            (
                labels[i],
                counts[i],
                exposure[i],
                chart.rates[i],
                chart.centre,
                chart.lower[i],
                chart.upper[i],
                _note(weeks[i], region_names),
            )
            for i in range(len(labels))
        ]
        return ControlChart("u", svg, chart.signals, rows, chart.centre, notes, narrow_svg)
    chart = run_chart(counts, labels)
    signal_points = tuple(i for s in chart.signals for i in s.indexes)
    svg, narrow_svg = wide_and_narrow(
        labels,
        [
            Series(_("reports"), [float(c) for c in counts]),
            Series(
                _("median"),
                [chart.centre] * len(counts),
                "#59636e",
                dashed=True,
                show_points=False,
                end_label=_("median"),
            ),
        ],
        title=_("Run chart: reports per week"),
        highlighted=signal_points,
        y_label=_("reports"),
        description=_(
            "Weekly reports with the median %(median)s. %(signals)s signal(s) by Anhøj's rules.",
            median=number(chart.centre, "g"),
            signals=len(chart.signals),
        ),
    )
    rows = [(labels[i], counts[i], None, counts[i], chart.centre, None, None, "") for i in range(len(labels))]
    return ControlChart("run", svg, chart.signals, rows, chart.centre, narrow_svg=narrow_svg)


def days_so_far(weeks: list[date], today: date) -> dict[int, int]:
    """The week still running on ``today`` (by index) with how many of its days have passed, so a
    table can say its count is not a whole week's; later weeks have not begun (0 days)."""
    return {i: max(0, (today - w).days + 1) for i, w in enumerate(weeks) if (today - w).days < 6}


def before_after_weeks(actions: list[Action], tz: ZoneInfo) -> list[list[WeekCount]]:
    """What ``measure_weeks`` gives for each action, from one read of the reports over all their
    windows instead of one read per action."""
    if not actions:
        return []
    windows = [windows_for(action) for action in actions]
    facets = queries.report_facets_within([(w.baseline_start, w.end) for w in windows], tz)
    days_read = [day for day, _facet in facets]
    weeks = []
    for action, window in zip(actions, windows, strict=True):
        measure = MeasureFilter.from_json(action.measure)
        # Only the reports inside this action's own window are looked at (the list is sorted by day).
        inside = facets[bisect_left(days_read, window.baseline_start) : bisect_right(days_read, window.end)]
        days = [day for day, report in inside if measure.matches(report)]
        weeks.append(weekly_counts(days, window.baseline_start, window.end, window.start))
    return weeks


def build(
    scope: queries.Scope, user, *, tz: ZoneInfo, today: date, now: datetime, breakdowns: bool = True
) -> Dashboard:
    """The board for ``scope``, as ``user`` sees it; nothing is read until a page asks for a part.
    ``breakdowns``: whether the page shows the totals per region, category, program and interface."""
    return Dashboard(scope, user, tz=tz, today=today, now=now, breakdowns=breakdowns)
