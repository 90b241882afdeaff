"""Process measures: a proportion each week (a numerator out of a denominator) before and after a change.

Pure: no database. The p-chart's centre line is p̄ = Σx / Σn over the baseline weeks; each week's
3-sigma limits are p̄ ± 3·√(p̄(1 - p̄) / nᵢ) from its own denominator, clipped to [0, 1] (Montgomery,
*Introduction to Statistical Quality Control*, the p-chart with variable sample size). The
before/after difference p_after - p_before has the 95% interval of Newcombe (1998), method 10 (the
hybrid Wilson score interval), computed by statsmodels.

Weeks run Monday to Sunday. A week belongs to the baseline (or to the test window) when at least 4
of its 7 days lie in it: a week the change starts in counts as "after" only when most of it is.
"""

import math
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median

from statsmodels.stats.proportion import confint_proportions_2indep

from app.actions.measure import Windows
from app.core import dates

BASELINE, TEST, NEITHER = "baseline", "test", ""
MAJORITY_DAYS = 4
SIGMAS = 3


def _days_within(monday: date, first: date, last: date) -> int:
    """How many days of the week starting ``monday`` lie in ``first``..``last`` (inclusive)."""
    start, end = max(monday, first), min(monday + timedelta(days=6), last)
    return max(0, (end - start).days + 1)


def week_period(monday: date, windows: Windows) -> str:
    """Whether the week starting ``monday`` counts for the baseline, the test window or neither."""
    if (
        _days_within(monday, windows.baseline_start, windows.baseline_stop - timedelta(days=1))
        >= MAJORITY_DAYS
    ):
        return BASELINE
    if _days_within(monday, windows.start, windows.end) >= MAJORITY_DAYS:
        return TEST
    return NEITHER


def measure_mondays(windows: Windows) -> list[date]:
    """Every week a process measure's counts may be given for: from the baseline's first week to the
    test window's last."""
    first, last = dates.monday(windows.baseline_start), dates.monday(windows.end)
    return [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]


@dataclass(frozen=True)
class WeekCounts:
    """One week's counts; ``days`` is how many of its days have passed (fewer than 7 for the current
    week), ``period`` which comparison it belongs to."""

    week_start: date
    numerator: int
    denominator: int
    period: str = NEITHER
    days: int = 7

    @property
    def partial(self) -> bool:
        return self.days < 7

    @property
    def proportion(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


def observed_weeks(
    counts: dict[date, tuple[int, int]], windows: Windows, today: date
) -> list[WeekCounts | None]:
    """The measure's weeks that have begun by ``today``, up to the test window's last, in order:
    the counts given for each (None where none were entered), the current week marked partial.
    Weeks not yet begun are left out, never shown as zero."""
    weeks: list[WeekCounts | None] = []
    for monday in measure_mondays(windows):
        if monday > today:
            break
        if monday not in counts:
            weeks.append(None)
            continue
        numerator, denominator = counts[monday]
        days = min(7, (today - monday).days + 1)
        weeks.append(WeekCounts(monday, numerator, denominator, week_period(monday, windows), days))
    return weeks


@dataclass(frozen=True)
class PChart:
    """The centre line (None without baseline counts), each week's limits (None where there is no
    denominator or no centre) and the indexes of weeks outside their limits."""

    centre: float | None
    lower: list[float | None]
    upper: list[float | None]
    signals: tuple[int, ...]


def p_chart(counts: list[tuple[int, int] | None], baseline: list[int]) -> PChart:
    """A p-chart of weekly ``(numerator, denominator)`` (None: a week without counts), its centre
    from the weeks at the ``baseline`` indexes."""
    base = [counts[i] for i in baseline if counts[i] is not None]
    total = sum(n for _, n in base)
    if not total:
        return PChart(None, [None] * len(counts), [None] * len(counts), ())
    centre = sum(x for x, _ in base) / total
    lower, upper, signals = [], [], []
    for index, week in enumerate(counts):
        if week is None or week[1] == 0:
            lower.append(None)
            upper.append(None)
            continue
        spread = SIGMAS * math.sqrt(centre * (1 - centre) / week[1])
        lower.append(max(0.0, centre - spread))
        upper.append(min(1.0, centre + spread))
        if not lower[-1] <= week[0] / week[1] <= upper[-1]:
            signals.append(index)
    return PChart(centre, lower, upper, tuple(signals))


@dataclass(frozen=True)
class ProportionComparison:
    """After minus before, in proportion units, with its 95% interval (None without both)."""

    before_numerator: int
    before_denominator: int
    after_numerator: int
    after_denominator: int
    higher_is_better: bool
    difference: float | None
    ci_low: float | None
    ci_high: float | None

    @property
    def before_proportion(self) -> float | None:
        return self.before_numerator / self.before_denominator if self.before_denominator else None

    @property
    def after_proportion(self) -> float | None:
        return self.after_numerator / self.after_denominator if self.after_denominator else None

    @property
    def improvement_shown(self) -> bool:
        """The whole interval lies on the good side of 0: the improvement is unlikely to be chance."""
        if self.ci_low is None or self.ci_high is None:
            return False
        return self.ci_low > 0 if self.higher_is_better else self.ci_high < 0

    @property
    def worsened(self) -> bool:
        """The whole interval lies on the bad side of 0."""
        if self.ci_low is None or self.ci_high is None:
            return False
        return self.ci_high < 0 if self.higher_is_better else self.ci_low > 0


def compare_proportions(
    before_numerator: int,
    before_denominator: int,
    after_numerator: int,
    after_denominator: int,
    *,
    higher_is_better: bool = True,
) -> ProportionComparison:
    """The difference p_after - p_before with Newcombe's hybrid score 95% interval."""
    counts = (before_numerator, before_denominator, after_numerator, after_denominator, higher_is_better)
    if before_denominator <= 0 or after_denominator <= 0:
        return ProportionComparison(*counts, None, None, None)
    low, high = confint_proportions_2indep(
        after_numerator, after_denominator, before_numerator, before_denominator, method="newcomb"
    )
    difference = after_numerator / after_denominator - before_numerator / before_denominator
    return ProportionComparison(*counts, difference, float(low), float(high))


def comparison_of(weeks: list[WeekCounts | None], higher_is_better: bool) -> ProportionComparison:
    """The baseline weeks' counts against the test window's weeks so far."""
    base = [w for w in weeks if w is not None and w.period == BASELINE]
    test = [w for w in weeks if w is not None and w.period == TEST]
    return compare_proportions(
        sum(w.numerator for w in base),
        sum(w.denominator for w in base),
        sum(w.numerator for w in test),
        sum(w.denominator for w in test),
        higher_is_better=higher_is_better,
    )


def verdict(comparison: ProportionComparison) -> str:
    """ "shown" (the interval excludes 0 on the good side), "worse" (on the bad side), "not_shown"
    (it includes 0), or "no_data" (no counts before or after yet)."""
    if comparison.difference is None:
        return "no_data"
    if comparison.improvement_shown:
        return "shown"
    return "worse" if comparison.worsened else "not_shown"


@dataclass(frozen=True)
class DetectableDifference:
    """What a test window can show at the baseline's proportion, judged by the verdict's interval.

    ``after_denominator`` is the typical week's denominator times the window's weeks;
    ``smallest_difference`` the smallest change after - before (proportion units) on the good side
    whose interval would exclude 0; None when no result in the window could show one."""

    baseline_proportion: float
    typical_denominator: int
    window_weeks: int
    after_denominator: int
    smallest_difference: float | None


def smallest_detectable_difference(
    before_numerator: int,
    before_denominator: int,
    typical_denominator: int,
    window_weeks: int,
    *,
    higher_is_better: bool = True,
) -> DetectableDifference | None:
    """Before a window starts: the smallest difference it can show (None without baseline counts)."""
    if before_denominator <= 0 or typical_denominator <= 0 or window_weeks <= 0:
        return None
    after = typical_denominator * window_weeks
    base = before_numerator / before_denominator

    def shown(numerator: int) -> bool:
        return compare_proportions(
            before_numerator, before_denominator, numerator, after, higher_is_better=higher_is_better
        ).improvement_shown

    # The interval moves monotonically with the after count: bisect for the least improvement shown.
    candidates = range(after + 1) if higher_is_better else range(after, -1, -1)
    first = bisect_left(candidates, True, key=shown)
    if first == len(candidates):
        return DetectableDifference(base, typical_denominator, window_weeks, after, None)
    return DetectableDifference(
        base, typical_denominator, window_weeks, after, candidates[first] / after - base
    )


def typical_denominator(weeks: list[WeekCounts | None]) -> int:
    """The median denominator of the baseline weeks with counts (0 without any)."""
    denominators = [w.denominator for w in weeks if w is not None and w.period == BASELINE and w.denominator]
    return round(median(denominators)) if denominators else 0
