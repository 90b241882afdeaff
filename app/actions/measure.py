"""Verification measures: which reports count (a saved filter) and the before/after comparison.

Pure: no database. The comparison treats counts as Poisson: the rate ratio's 95% interval is
exp(ln RR ± 1.96·sqrt(1/a + 1/b)); when either count is zero, 0.5 is added to both
(Haldane-Anscombe) so the interval stays finite.
"""

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

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
        """After-rate at or below the before-rate reduced by the target (None without a baseline)."""
        if self.before_count == 0:
            return None
        return self.after_per_week <= self.before_per_week * (1 - target_reduction_percent / 100)

    @property
    def clear_reduction(self) -> bool:
        """The whole 95% interval lies below 1: the fall is unlikely to be chance."""
        return self.ci_high is not None and self.ci_high < 1


def compare_rates(before_count: int, before_days: int, after_count: int, after_days: int) -> Comparison:
    """Rate ratio (after / before) of two Poisson counts over windows of any length, with a 95% CI."""
    if before_days <= 0 or after_days <= 0:
        raise ValueError("both windows need at least one day")
    if before_count == 0 and after_count == 0:
        return Comparison(before_count, before_days, after_count, after_days, None, None, None)
    corrected = before_count == 0 or after_count == 0
    a = before_count + (0.5 if corrected else 0)
    b = after_count + (0.5 if corrected else 0)
    ratio = (b / after_days) / (a / before_days)
    spread = Z_95 * math.sqrt(1 / a + 1 / b)
    return Comparison(
        before_count,
        before_days,
        after_count,
        after_days,
        ratio,
        math.exp(math.log(ratio) - spread),
        math.exp(math.log(ratio) + spread),
        corrected,
    )


@dataclass(frozen=True)
class Windows:
    """The baseline (before) and test (after) windows of an action, as half-open date ranges."""

    baseline_start: date
    start: date
    end: date  # last day of the test window, inclusive

    @property
    def before_days(self) -> int:
        return (self.start - self.baseline_start).days

    @property
    def after_days(self) -> int:
        return (self.end - self.start).days + 1


def baseline_windows(start: date, end: date, baseline_weeks: int) -> Windows:
    return Windows(start - timedelta(weeks=baseline_weeks), start, end)


def split_counts(days: list[date], windows: Windows) -> tuple[int, int]:
    """How many of the matching report dates fall before and after the start."""
    before = sum(1 for d in days if windows.baseline_start <= d < windows.start)
    after = sum(1 for d in days if windows.start <= d <= windows.end)
    return before, after


@dataclass(frozen=True)
class WeekCount:
    week_start: date
    count: int
    after_start: bool = field(default=False)


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
