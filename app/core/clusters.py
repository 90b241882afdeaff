"""Cluster detection's statistics (SPEC §7). Pure: counts and report records in, candidate clusters out.

Shared by the dashboard's weekly detector (``app.dashboard.operations.detect_clusters``) and by
triage's recurrence proposal (``app.triage.recurrence``: a theme unusual for its region over the
week ending at the report's time), so both judge "unusual" by the same test and the same settings.

Two methods, both stated:
1. Poisson exceedance per cell (region x category, and region x interface type): the week's count
   against a Poisson expectation from the previous baseline weeks, p = P(X >= observed | λ), with
   λ = (baseline total + 0.5) / baseline weeks so a cell never seen before is not certain to alarm.
   p comes from scipy's Poisson survival function, exact in the far tail (a hand-summed 1 - CDF
   rounds every p below about 1e-16 to 0, and exp(-λ) underflows to 0 past λ ≈ 745).
   Benjamini-Hochberg (scipy's ``false_discovery_control``) controls the false-discovery rate across
   all cells tested that week, both kinds of cell in one family.
2. The local rule: 3 or more reports of one category in one region, or about one person, within 28
   days (window inclusive at both ends) ending on the detection week's last day. Where a region and
   category usually see that many anyway, the region arm also needs at least twice the cell's usual
   28-day volume (from the baseline weeks) - otherwise every busy cell would be a "cluster" every week.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from scipy.stats import false_discovery_control, poisson


@dataclass(frozen=True)
class Cell:
    region_id: int
    category_id: int | None = None
    interface_type: str | None = None

    @property
    def key(self) -> str:
        return f"{self.region_id}:{self.category_id or '-'}:{self.interface_type or '-'}"


@dataclass(frozen=True)
class Exceedance:
    cell: Cell
    observed: int
    expected: float
    p_value: float
    q_value: float = 1.0
    flagged: bool = False


def poisson_sf(observed: int, expected: float) -> float:
    """P(X >= observed) for X ~ Poisson(expected).

    scipy's ``sf(k)`` is P(X > k), hence ``observed - 1``; it keeps p-values far below 1e-16
    distinct, where 1 - CDF would give 0 for all of them."""
    if observed <= 0:
        return 1.0
    return float(poisson.sf(observed - 1, expected))


def benjamini_hochberg(p_values: list[float], fdr: float) -> tuple[list[float], list[bool]]:
    """Benjamini-Hochberg adjusted p-values (q-values) and which hypotheses are rejected at ``fdr``."""
    if not p_values:
        return [], []
    q_values = [float(q) for q in false_discovery_control(p_values, method="bh")]
    return q_values, [q <= fdr for q in q_values]


def poisson_exceedances(
    current: dict[Cell, int],
    baseline: dict[Cell, int],
    baseline_weeks: int,
    fdr: float = 0.1,
    min_observed: int = 2,
) -> list[Exceedance]:
    """Test every cell seen this week or in the baseline; flag those BH keeps at ``fdr``.

    All the cells passed in are one family for the false-discovery control: pass region x category
    and region x interface type cells together to control the rate across all cells of the week."""
    cells = sorted(set(current) | set(baseline), key=lambda c: c.key)
    tested = []
    for cell in cells:
        observed = current.get(cell, 0)
        expected = (baseline.get(cell, 0) + 0.5) / baseline_weeks
        tested.append(Exceedance(cell, observed, expected, poisson_sf(observed, expected)))
    q_values, rejected = benjamini_hochberg([t.p_value for t in tested], fdr)
    return [
        Exceedance(t.cell, t.observed, t.expected, t.p_value, q, flag and t.observed >= min_observed)
        for t, q, flag in zip(tested, q_values, rejected, strict=True)
    ]


def cell_exceedance(
    cell: Cell,
    current: dict[Cell, int],
    baseline: dict[Cell, int],
    baseline_weeks: int,
    fdr: float = 0.1,
) -> Exceedance:
    """The detector's test of one ``cell``, judged within its family: every cell in ``current`` and
    ``baseline`` (the false-discovery control is across all of them, as in ``poisson_exceedances``)."""
    family = dict(current)
    family.setdefault(cell, 0)
    return next(r for r in poisson_exceedances(family, baseline, baseline_weeks, fdr=fdr) if r.cell == cell)


@dataclass(frozen=True)
class ReportPoint:
    id: int
    region_id: int
    category_id: int
    occurred_at: datetime
    person_ref: str | None = None


def normal_person(person_ref: str | None) -> str:
    """Person references compared without case or spaces: "J D-102" and "jd-102" are one person."""
    return "".join((person_ref or "").casefold().split())


@dataclass(frozen=True)
class LocalCluster:
    region_id: int | None
    category_id: int
    person_ref: str | None
    report_ids: tuple[int, ...] = field(default_factory=tuple)


def local_rule(
    reports: list[ReportPoint],
    window_end: date,
    days: int = 28,
    size: int = 3,
    to_local_date=lambda moment: moment.date(),
    usual: dict | None = None,
) -> list[LocalCluster]:
    """Groups of ``size`` or more reports of one category in one region, or about one person,
    that occurred within the ``days`` ending on ``window_end`` (both ends inclusive).

    ``usual`` maps (region_id, category_id) to the cell's usual count over ``days``; a region group
    must also reach twice that. Person groups need no such guard: three about one person is never routine.
    """
    usual = usual or {}
    window_start = window_end - timedelta(days=days - 1)
    by_region, by_person = defaultdict(list), defaultdict(list)
    for report in reports:
        day = to_local_date(report.occurred_at)
        if not window_start <= day <= window_end:
            continue
        by_region[(report.region_id, report.category_id)].append(report.id)
        person = normal_person(report.person_ref)
        if person:
            by_person[(person, report.category_id)].append(report.id)
    found = [
        LocalCluster(region, category, None, tuple(sorted(ids)))
        for (region, category), ids in sorted(by_region.items())
        if len(ids) >= size and len(ids) >= 2 * usual.get((region, category), 0)
    ]
    found += [
        LocalCluster(None, category, person, tuple(sorted(ids)))
        for (person, category), ids in sorted(by_person.items())
        if len(ids) >= size
    ]
    return found
