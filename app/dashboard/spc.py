"""Statistical process control for weekly report series (SPEC §7 "Statistics"). Pure.

- Run chart: the median as centre line and Anhøj's rules - an unusually long run (more than
  round(log2(n) + 3) points on one side of the median) or unusually few crossings (fewer than the
  5th percentile of Binomial(n - 1, 0.5)) signals a non-random shift. Points on the median are
  ignored, as Anhøj prescribes.
- u-chart: reports per unit of exposure (shown per 1,000 visits), centre ū = Σcᵢ / Σnᵢ and limits
  ū ± 3√(ū / nᵢ) for each week's exposure nᵢ; a point beyond a limit is a signal. The run rules are
  applied to the rates against ū as well.
- Exposure gaps: a region-week without a visit figure is left out of both the numerator and the
  denominator (``exposed_weeks``), so no rate is ever computed over missing visits. A week where no
  region has a figure carries no rate, no limits and no signal: it is drawn as a gap, not a zero,
  and so are the first weeks before any figure exists.
"""

import math
from collections.abc import Hashable
from dataclasses import dataclass, field
from statistics import median

from app.core.i18n import number
from app.dashboard.words import _, ngettext


@dataclass(frozen=True)
class Signal:
    rule: str  # "beyond_limits", "long_run", "few_crossings"
    indexes: tuple[int, ...]
    message: str


@dataclass(frozen=True)
class RunRules:
    useful: int
    longest_run: int
    longest_run_limit: int
    crossings: int
    crossings_limit: int
    run_indexes: tuple[int, ...] = ()

    @property
    def long_run(self) -> bool:
        return self.useful >= 1 and self.longest_run > self.longest_run_limit

    @property
    def few_crossings(self) -> bool:
        return self.useful >= 2 and self.crossings < self.crossings_limit


def binomial_quantile(p: float, trials: int, probability: float = 0.5) -> int:
    """Smallest x with P(X <= x) >= p for X ~ Binomial(trials, probability) (R's qbinom)."""
    cumulative = 0.0
    for x in range(trials + 1):
        cumulative += math.comb(trials, x) * probability**x * (1 - probability) ** (trials - x)
        if cumulative >= p - 1e-12:
            return x
    return trials


def anhoej(values: list[float | None], centre: float) -> RunRules:
    """Anhøj's run and crossing statistics of ``values`` around ``centre`` (None values skipped)."""
    sides = []
    for index, value in enumerate(values):
        if value is None or value == centre:
            continue
        sides.append((index, value > centre))
    useful = len(sides)
    longest, current, best_span, start = 0, 0, (), 0
    crossings = 0
    for position, (_index, above) in enumerate(sides):
        if position and above != sides[position - 1][1]:
            crossings += 1
            current, start = 0, position
        current += 1
        if current >= longest:  # on a tie, the most recent run is the one worth naming
            longest = current
            best_span = tuple(i for i, _ in sides[start : position + 1])
    run_limit = round(math.log2(useful) + 3) if useful else 0
    crossings_limit = binomial_quantile(0.05, useful - 1) if useful >= 2 else 0
    return RunRules(useful, longest, run_limit, crossings, crossings_limit, best_span)


@dataclass(frozen=True)
class RunChart:
    values: list[float]
    centre: float
    rules: RunRules
    signals: list[Signal] = field(default_factory=list)


def run_chart(counts: list[float], labels: list[str]) -> RunChart:
    """A run chart of ``counts`` with its median and Anhøj signals described in words."""
    if not counts:
        return RunChart([], 0.0, anhoej([], 0.0))
    centre = median(counts)
    rules = anhoej(counts, centre)
    return RunChart(list(counts), centre, rules, _run_signals(rules, labels, _("the median")))


def _run_signals(rules: RunRules, labels: list[str], centre_name: str) -> list[Signal]:
    signals = []
    if rules.long_run and rules.run_indexes:
        first, last = rules.run_indexes[0], rules.run_indexes[-1]
        signals.append(
            Signal(
                "long_run",
                rules.run_indexes,
                _(
                    "Shift: %(run)s weeks in a row on one side of %(centre)s (%(first)s to %(last)s); "
                    "more than %(limit)s is unlikely to be chance.",
                    run=rules.longest_run,
                    centre=centre_name,
                    first=labels[first],
                    last=labels[last],
                    limit=rules.longest_run_limit,
                ),
            )
        )
    if rules.few_crossings:
        signals.append(
            Signal(
                "few_crossings",
                (),
                ngettext(
                    "Only %(num)s crossing of %(centre)s in %(weeks)s weeks "
                    "(fewer than %(limit)s suggests the process has changed).",
                    "Only %(num)s crossings of %(centre)s in %(weeks)s weeks "
                    "(fewer than %(limit)s suggests the process has changed).",
                    rules.crossings,
                    centre=centre_name,
                    weeks=rules.useful,
                    limit=rules.crossings_limit,
                ),
            )
        )
    return signals


@dataclass(frozen=True)
class UChart:
    rates: list[float | None]  # per ``per`` units of exposure
    centre: float
    upper: list[float | None]
    lower: list[float | None]
    per: int
    rules: RunRules
    signals: list[Signal] = field(default_factory=list)


def u_chart(counts: list[int], exposures: list[float | None], labels: list[str], per: int = 1000) -> UChart:
    """A u-chart of counts per ``per`` units of exposure, with limits for each week."""
    usable = [(c, n) for c, n in zip(counts, exposures, strict=True) if n]
    total_exposure = sum(n for _count, n in usable)
    u_bar = sum(c for c, _ in usable) / total_exposure if total_exposure else 0.0
    rates, upper, lower = [], [], []
    beyond = []
    for index, (count, exposure) in enumerate(zip(counts, exposures, strict=True)):
        if not exposure:
            rates.append(None)
            upper.append(None)
            lower.append(None)
            continue
        rate = count / exposure
        spread = 3 * math.sqrt(u_bar / exposure)
        hi, lo = u_bar + spread, max(0.0, u_bar - spread)
        rates.append(rate * per)
        upper.append(hi * per)
        lower.append(lo * per)
        if rate > hi or rate < lo:
            beyond.append(index)
    rules = anhoej(rates, u_bar * per)
    signals = [
        Signal(
            "beyond_limits",
            (i,),
            _(
                "%(week)s: %(rate)s per %(per)s visits is above the upper 3-sigma limit (%(limit)s).",
                week=labels[i],
                rate=number(rates[i]),
                per=number(per, ","),
                limit=number(upper[i]),
            )
            if rates[i] > upper[i]
            else _(
                "%(week)s: %(rate)s per %(per)s visits is below the lower 3-sigma limit (%(limit)s).",
                week=labels[i],
                rate=number(rates[i]),
                per=number(per, ","),
                limit=number(lower[i]),
            ),
        )
        for i in beyond
    ]
    signals += _run_signals(rules, labels, _("the centre line"))
    return UChart(rates, u_bar * per, upper, lower, per, rules, signals)


@dataclass(frozen=True)
class ExposedWeek:
    """One week of a u-chart: the reports and visits of the region-weeks that have a visit figure.

    ``visits`` is None when no region has one (a gap). ``without_figure`` names each region that
    has reports in the period but no visit figure this week, with its reports this week: they are
    left out of the rate."""

    count: int
    visits: float | None
    without_figure: tuple[tuple[Hashable, int], ...] = ()

    @property
    def gap(self) -> bool:
        return self.visits is None


def exposed_weeks(
    counts_by_region: dict[Hashable, list[int]],
    visits_by_region: dict[Hashable, list[float | None]],
    weeks: int,
) -> list[ExposedWeek]:
    """Per week, the reports and visits of the regions with a visit figure that week; the regions
    without one are left out of both. A figure of zero visits counts as none: reports over no
    visits are not a rate."""
    regions = sorted(set(counts_by_region) | set(visits_by_region), key=str)
    result = []
    for index in range(weeks):
        count, visits, without = 0, None, []
        for region in regions:
            reports = counts_by_region.get(region, [0] * weeks)[index]
            figure = visits_by_region.get(region, [None] * weeks)[index]
            if figure:
                count += reports
                visits = (visits or 0) + figure
            elif region in counts_by_region:
                without.append((region, reports))
        result.append(ExposedWeek(count, visits, tuple(without)))
    return result
