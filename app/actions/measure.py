"""Verification measures: which reports count (a saved filter) and the before/after comparison.

Pure: no database. The comparison treats counts as Poisson: the rate ratio's 95% interval is
exp(ln RR ± 1.96·sqrt(1/a + 1/b)); when either count is zero, 0.5 is added to both
(Haldane-Anscombe) so the interval stays finite.
"""

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from scipy.stats import poisson

Z_95 = 1.959963984540054


@dataclass(frozen=True)
class MeasureFilter:
    """A saved report filter. An empty list means "any"; at least one list must be non-empty."""

    category_ids: tuple[int, ...] = ()
    region_ids: tuple[int, ...] = ()
    program_ids: tuple[int, ...] = ()
    interface_types: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, data: dict | None) -> "MeasureFilter":
        data = data or {}
        return cls(
            tuple(sorted(int(i) for i in data.get("category_ids", []))),
            tuple(sorted(int(i) for i in data.get("region_ids", []))),
            tuple(sorted(int(i) for i in data.get("program_ids", []))),
            tuple(sorted(str(t) for t in data.get("interface_types", []))),
        )

    def to_json(self) -> dict:
        return {
            "category_ids": list(self.category_ids),
            "region_ids": list(self.region_ids),
            "program_ids": list(self.program_ids),
            "interface_types": list(self.interface_types),
        }

    def is_empty(self) -> bool:
        return not (self.category_ids or self.region_ids or self.program_ids or self.interface_types)

    def matches(self, report) -> bool:
        """Whether a report (anything with the four attributes) counts towards the measure."""
        return (
            (not self.category_ids or report.category_id in self.category_ids)
            and (not self.region_ids or report.region_id in self.region_ids)
            and (not self.program_ids or report.program_id in self.program_ids)
            and (not self.interface_types or report.interface_tag in self.interface_types)
        )


@dataclass(frozen=True)
class Comparison:
    before_count: int
    before_days: int
    after_count: int
    after_days: int
    rate_ratio: float | None
    ci_low: float | None
    ci_high: float | None
    corrected: bool = False
    dispersion: float = 1.0  # above 1: the interval is widened for overdispersed baseline weeks

    @property
    def before_per_week(self) -> float:
        return self.before_count / self.before_days * 7 if self.before_days else 0.0

    @property
    def after_per_week(self) -> float:
        return self.after_count / self.after_days * 7 if self.after_days else 0.0

    @property
    def change_percent(self) -> float | None:
        if self.rate_ratio is None:
            return None
        return (self.rate_ratio - 1) * 100

    def target_met(self, target_reduction_percent: float) -> bool | None:
        """After-rate at or below the before-rate reduced by the target; None without a baseline or
        before any of the test window has passed (nothing can be said of a window not yet begun)."""
        if self.before_count == 0 or self.after_days == 0:
            return None
        return self.after_per_week <= self.before_per_week * (1 - target_reduction_percent / 100)

    def target_reading(self, target_reduction_percent: float) -> str:
        """The target in words, never a success the interval does not bear out: a rate at or below the
        target while the interval still includes 1 is "not shown by the data"."""
        met = self.target_met(target_reduction_percent)
        if met is None:
            return ""
        if not met:
            return _("Target not met.")
        if not self.clear_reduction:
            return _("Target reached by the estimate alone: not shown by the data.")
        return _("Target met.")

    @property
    def clear_reduction(self) -> bool:
        """The whole 95% interval lies below 1: the fall is unlikely to be chance."""
        return self.ci_high is not None and self.ci_high < 1


def compare_rates(
    before_count: int, before_days: int, after_count: int, after_days: int, dispersion: float = 1.0
) -> Comparison:
    """Rate ratio (after / before) of two Poisson counts over windows of any length, with a 95% CI.

    ``after_days`` is the part of the test window elapsed so far: 0 before it starts, when there is
    no ratio to give. ``dispersion`` (quasi-Poisson, from :func:`baseline_dispersion`) widens the
    interval by its square root when the baseline weeks vary more than Poisson counts would."""
    if before_days <= 0 or after_days < 0:
        raise ValueError("the baseline needs at least one day")
    if (before_count == 0 and after_count == 0) or after_days == 0:
        return Comparison(before_count, before_days, after_count, after_days, None, None, None)
    corrected = before_count == 0 or after_count == 0
    a = before_count + (0.5 if corrected else 0)
    b = after_count + (0.5 if corrected else 0)
    ratio = (b / after_days) / (a / before_days)
    dispersion = max(1.0, dispersion)
    spread = Z_95 * math.sqrt(dispersion * (1 / a + 1 / b))
    return Comparison(
        before_count,
        before_days,
        after_count,
        after_days,
        ratio,
        math.exp(math.log(ratio) - spread),
        math.exp(math.log(ratio) + spread),
        corrected,
        dispersion,
    )


def baseline_dispersion(weekly: list[int]) -> float:
    """The quasi-Poisson dispersion of the baseline's weekly counts: Pearson's X² over its degrees of
    freedom, sum((y - mean)² / mean) / (k - 1). 1 (Poisson) with fewer than two weeks or no reports,
    and never below 1: under-dispersion does not narrow the interval.

    With the test window as one more row, this is the scale a Poisson GLM (intercept and an "after"
    term, log exposure offset) estimates from Pearson's X², so the widened interval is that model's."""
    if len(weekly) < 2 or sum(weekly) == 0:
        return 1.0
    mean = sum(weekly) / len(weekly)
    pearson = sum((y - mean) ** 2 / mean for y in weekly)
    return max(1.0, pearson / (len(weekly) - 1))


@dataclass(frozen=True)
class Windows:
    """The baseline (before) and test (after) windows of an action.

    The baseline runs from ``baseline_start`` up to (not including) ``baseline_end``, which is the
    test's start unless it was set earlier (before the spike that set the action off); the test runs
    from ``start`` to ``end`` inclusive. Days between the two belong to neither."""

    baseline_start: date
    start: date
    end: date  # last day of the test window, inclusive
    baseline_end: date | None = None  # exclusive; None: the test's start

    @property
    def baseline_stop(self) -> date:
        return self.baseline_end or self.start

    @property
    def before_days(self) -> int:
        return (self.baseline_stop - self.baseline_start).days

    @property
    def after_days(self) -> int:
        return (self.end - self.start).days + 1

    def before_days_by(self, today: date) -> int:
        """Days of the baseline that have passed by the end of ``today``."""
        return max(0, min(self.before_days, (today - self.baseline_start).days + 1))

    def after_days_by(self, today: date) -> int:
        """Days of the test window elapsed by the end of ``today``: 0 before it starts."""
        return max(0, min(self.after_days, (today - self.start).days + 1))


def baseline_windows(
    start: date, end: date, baseline_weeks: int, baseline_end: date | None = None
) -> Windows:
    """The ``baseline_weeks`` weeks ending at ``baseline_end`` (default: the test's start)."""
    stop = baseline_end or start
    return Windows(stop - timedelta(weeks=baseline_weeks), start, end, baseline_end)


def split_counts(days: list[date], windows: Windows, today: date | None = None) -> tuple[int, int]:
    """How many of the matching report dates fall in the baseline and in the test window (up to
    ``today`` when given: a report dated in the future is not counted)."""
    last = min(windows.end, today) if today is not None else windows.end
    before = sum(1 for d in days if windows.baseline_start <= d < windows.baseline_stop and d <= last)
    after = sum(1 for d in days if windows.start <= d <= last)
    return before, after


@dataclass(frozen=True)
class WeekCount:
    """Reports in one 7-day block; ``days`` is how many of its days are observed (fewer than 7 for
    the current week, or a window's last block)."""

    week_start: date
    count: int
    after_start: bool = field(default=False)
    days: int = 7

    @property
    def partial(self) -> bool:
        return self.days < 7


def weekly_counts(days: list[date], first: date, last: date, start: date) -> list[WeekCount]:
    """Counts per 7-day block from ``first`` to ``last`` (empty weeks included), marked by window."""
    weeks = []
    cursor = first
    while cursor <= last:
        following = cursor + timedelta(days=7)
        count = sum(1 for d in days if cursor <= d < following)
        weeks.append(WeekCount(cursor, count, cursor >= start))
        cursor = following
    return weeks


def observed_weeks(weeks: list[WeekCount], last_day: date) -> list[WeekCount]:
    """The weeks up to ``last_day`` (today, or the window's end if earlier): later weeks have not
    happened and are dropped, and the week holding ``last_day`` keeps only its elapsed days."""
    observed = []
    for week in weeks:
        if week.week_start > last_day:
            break
        days = min(7, (last_day - week.week_start).days + 1)
        observed.append(WeekCount(week.week_start, week.count, week.after_start, days))
    return observed


@dataclass(frozen=True)
class Detectable:
    """What a test window of ``window_days`` can show at the baseline's rate.

    ``most_reports`` is the largest count in the window whose interval still lies wholly below 1
    (None: not even zero reports would, so the window can never show a reduction); ``smallest_reduction``
    is the fall from the expected count that this means, in percent; ``chance_at_target`` the
    probability (Poisson) that the window shows a reduction if the target reduction is real;
    ``days_needed`` the shortest whole-week window that could show one (None if over a year)."""

    window_days: int
    expected: float
    most_reports: int | None
    smallest_reduction: float | None
    chance_at_target: float | None
    days_needed: int | None


MAX_WINDOW_DAYS = 364


def _most_reports(before_count: int, before_days: int, window_days: int, dispersion: float) -> int | None:
    most = None
    for count in range(0, before_count * window_days // before_days + 2):
        if not compare_rates(before_count, before_days, count, window_days, dispersion).clear_reduction:
            break
        most = count
    return most


def smallest_detectable(
    before_count: int,
    before_days: int,
    window_days: int,
    target_reduction_percent: float,
    dispersion: float = 1.0,
) -> Detectable | None:
    """The smallest reduction a window can show at the baseline's rate, judged by the interval the
    verdict will use (None without a baseline count). Told to the quality lead before the window
    starts, so that nobody sets a test that cannot answer."""
    if before_count == 0 or before_days <= 0 or window_days <= 0:
        return None
    expected = before_count / before_days * window_days
    most = _most_reports(before_count, before_days, window_days, dispersion)
    days_needed = next(
        (
            days
            for days in range(7, MAX_WINDOW_DAYS + 1, 7)
            if _most_reports(before_count, before_days, days, dispersion) is not None
        ),
        None,
    )
    if most is None:
        return Detectable(window_days, expected, None, None, 0.0, days_needed)
    mean_at_target = expected * (1 - target_reduction_percent / 100)
    return Detectable(
        window_days,
        expected,
        most,
        (1 - most / expected) * 100,
        float(poisson.cdf(most, mean_at_target)),
        days_needed,
    )


def baseline_weekly(days: list[date], windows: Windows, today: date) -> list[int]:
    """Counts in each whole week of the baseline that has ended by ``today``."""
    weeks = []
    cursor = windows.baseline_start
    while cursor + timedelta(days=7) <= windows.baseline_stop and cursor + timedelta(days=6) <= today:
        following = cursor + timedelta(days=7)
        weeks.append(sum(1 for d in days if cursor <= d < following))
        cursor = following
    return weeks
