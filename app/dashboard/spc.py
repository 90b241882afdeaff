"""Statistical process control for weekly report series (SPEC §7 "Statistics"). Pure.

- Run chart: the median as centre line and Anhøj's rules - an unusually long run (more than
  round(log2(n) + 3) points on one side of the median) or unusually few crossings (fewer than the
  5th percentile of Binomial(n - 1, 0.5)) signals a non-random shift. Points on the median are
  ignored, as Anhøj prescribes.
- u-chart: reports per unit of exposure (shown per 1,000 visits), centre ū = Σcᵢ / Σnᵢ and limits
  ū ± 3√(ū / nᵢ) for each week's exposure nᵢ; a point beyond a limit is a signal. The run rules are
  applied to the rates against ū as well. Weeks without exposure carry no rate and are skipped.
"""

import math
from dataclasses import dataclass, field
from statistics import median


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
    for position, (_, above) in enumerate(sides):
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
    return RunChart(list(counts), centre, rules, _run_signals(rules, labels, "the median"))


def _run_signals(rules: RunRules, labels: list[str], centre_name: str) -> list[Signal]:
    signals = []
    if rules.long_run and rules.run_indexes:
        first, last = rules.run_indexes[0], rules.run_indexes[-1]
        signals.append(
            Signal(
                "long_run",
                rules.run_indexes,
                f"Shift: {rules.longest_run} weeks in a row on one side of {centre_name} "
                f"({labels[first]} to {labels[last]}); more than {rules.longest_run_limit} "
                "is unlikely to be chance.",
            )
        )
    if rules.few_crossings:
        signals.append(
            Signal(
                "few_crossings",
                (),
                f"Only {rules.crossings} crossing{'s' if rules.crossings != 1 else ''} of {centre_name} "
                f"in {rules.useful} weeks "
                f"(fewer than {rules.crossings_limit} suggests the process has changed).",
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
    total_exposure = sum(n for _, n in usable)
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
            f"{labels[i]}: {rates[i]:.1f} per {per:,} visits is "
            f"{'above the upper' if rates[i] > upper[i] else 'below the lower'} 3-sigma limit "
            f"({(upper[i] if rates[i] > upper[i] else lower[i]):.1f}).",
        )
        for i in beyond
    ]
    signals += _run_signals(rules, labels, "the centre line")
    return UChart(rates, u_bar * per, upper, lower, per, rules, signals)
