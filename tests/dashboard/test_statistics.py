"""Known answers for the control-chart rules and cluster detection, without a database."""

import math
from datetime import UTC, date, datetime
from decimal import Decimal, localcontext

import pytest
from scipy.special import gammainc
from statsmodels.stats.multitest import multipletests

from app.core.clusters import (
    Cell,
    ReportPoint,
    benjamini_hochberg,
    local_rule,
    poisson_exceedances,
    poisson_sf,
)
from app.dashboard.spc import anhoej, binomial_quantile, run_chart, u_chart

LABELS = [f"w{i}" for i in range(40)]


def test_binomial_quantile_matches_r_qbinom():
    assert binomial_quantile(0.05, 19) == 6
    assert binomial_quantile(0.05, 9) == 2
    assert binomial_quantile(0.05, 29) == 10


def test_anhoej_limits_for_twenty_points():
    rules = anhoej([1, 3] * 10, 2)
    assert rules.useful == 20 and rules.longest_run_limit == 7 and rules.crossings_limit == 6
    assert rules.crossings == 19 and not rules.long_run and not rules.few_crossings


def test_random_looking_series_has_no_signal():
    series = [5, 7, 4, 8, 6, 3, 9, 5, 7, 6, 4, 8, 5, 9, 3, 7, 6, 4, 8, 5]
    assert run_chart(series, LABELS).signals == []


def test_shift_triggers_both_run_rules():
    chart = run_chart([3] * 10 + [9] * 10, LABELS)
    assert chart.centre == 6
    rules = {s.rule for s in chart.signals}
    assert rules == {"long_run", "few_crossings"}
    assert "10 weeks in a row" in chart.signals[0].message and "w10 to w19" in chart.signals[0].message


def test_run_of_exactly_the_limit_does_not_signal_but_one_more_does():
    base = [1, 3] * 6 + [1]  # 13 alternating points, ending below
    at_limit = anhoej(base + [3] * 7, 2)  # 20 points: the last run is 7, the limit is 7
    assert (at_limit.useful, at_limit.longest_run, at_limit.longest_run_limit) == (20, 7, 7)
    assert not at_limit.long_run
    over = anhoej(base + [3] * 8, 2)  # 21 points: a run of 8 against a limit of 7
    assert (over.longest_run, over.longest_run_limit) == (8, 7) and over.long_run


def test_points_on_the_median_are_ignored():
    rules = anhoej([1, 2, 3, 2, 1, 2, 3], 2)
    assert rules.useful == 4 and rules.crossings == 3


def test_empty_and_single_point_series():
    assert run_chart([], []).signals == []
    single = run_chart([4], ["w0"])
    assert single.centre == 4 and single.signals == []


def test_u_chart_limits_known_answer():
    chart = u_chart([2, 4, 6], [100, 200, 300], LABELS)
    assert math.isclose(chart.centre, 20.0)
    assert math.isclose(chart.upper[0], (0.02 + 3 * math.sqrt(0.02 / 100)) * 1000)
    assert chart.lower[0] == 0.0  # clipped at zero
    assert math.isclose(chart.upper[2], (0.02 + 3 * math.sqrt(0.02 / 300)) * 1000)
    assert chart.rates == [20.0, 20.0, 20.0] and chart.signals == []


def test_u_chart_point_beyond_the_upper_limit():
    chart = u_chart([2, 2, 2, 2, 20], [1000] * 5, LABELS)
    assert [s.rule for s in chart.signals] == ["beyond_limits"]
    assert chart.signals[0].indexes == (4,) and "above the upper" in chart.signals[0].message


def test_u_chart_skips_weeks_without_exposure():
    chart = u_chart([3, 5, 2], [500, None, 0], LABELS)
    assert chart.rates[1] is None and chart.rates[2] is None and chart.upper[1] is None
    assert math.isclose(chart.centre, 6.0)


def test_u_chart_with_no_exposure_at_all():
    chart = u_chart([1, 2], [None, None], LABELS)
    assert chart.centre == 0 and chart.rates == [None, None] and chart.signals == []


def test_poisson_survival_known_answer():
    assert math.isclose(poisson_sf(3, 1.0), 1 - 2.5 / math.e)
    assert poisson_sf(0, 4.0) == 1.0
    assert poisson_sf(1, 0.0) == 0.0


def test_benjamini_hochberg_known_answer():
    q, rejected = benjamini_hochberg([0.01, 0.04, 0.03, 0.20], 0.05)
    assert [round(v, 5) for v in q] == [0.04, 0.05333, 0.05333, 0.2]
    assert rejected == [True, False, False, False]
    assert benjamini_hochberg([], 0.1) == ([], [])


def test_poisson_exceedance_flags_the_burst_not_the_busy_cell():
    busy, burst, quiet = Cell(1, 10), Cell(2, 10), Cell(3, 11)
    baseline = {busy: 12 * 6, burst: 12, quiet: 6}  # 6/wk, 1/wk, 0.5/wk over 12 weeks
    current = {busy: 8, burst: 7, quiet: 1}
    results = {r.cell: r for r in poisson_exceedances(current, baseline, 12, fdr=0.1)}
    assert results[burst].flagged and not results[busy].flagged and not results[quiet].flagged
    assert math.isclose(results[burst].expected, 12.5 / 12)


def test_fdr_control_needs_more_evidence_when_many_cells_are_tested():
    one = {Cell(1, 1): 2}  # p = P(X >= 2 | 2.5/12) = 0.0189: flagged alone, not among 59 cells
    assert poisson_exceedances(one, {Cell(1, 1): 2}, 12, fdr=0.1)[0].flagged
    many_baseline = {Cell(r, 1): 2 for r in range(1, 60)}
    results = poisson_exceedances(one, many_baseline, 12, fdr=0.1)
    assert not any(r.flagged for r in results)


def test_a_new_cell_with_a_single_report_is_not_a_cluster():
    results = poisson_exceedances({Cell(9, 9): 1}, {}, 12, fdr=0.1)
    assert not results[0].flagged


def point(id_, day, region=1, category=5, person=None):
    return ReportPoint(id_, region, category, datetime(2026, 3, day, 12, tzinfo=UTC), person)


def test_local_rule_window_edges_are_inclusive():
    end = date(2026, 3, 28)
    inside = [point(1, 1), point(2, 15), point(3, 28)]
    assert [c.report_ids for c in local_rule(inside, end)] == [(1, 2, 3)]
    early = [ReportPoint(1, 1, 5, datetime(2026, 2, 28, 12, tzinfo=UTC)), point(2, 15), point(3, 28)]
    assert local_rule(early, end) == []


def test_local_rule_by_person_across_regions():
    reports = [
        point(1, 2, region=1, person="JD-1"),
        point(2, 3, region=2, person="jd-1 "),
        point(3, 4, region=3, person="JD-1"),
        point(4, 5, region=3, person="XY-9"),
    ]
    clusters = local_rule(reports, date(2026, 3, 28))
    assert [(c.person_ref, c.report_ids) for c in clusters] == [("jd-1", (1, 2, 3))]


@pytest.mark.parametrize("count", [0, 1, 2])
def test_fewer_than_three_is_never_a_local_cluster(count):
    assert local_rule([point(i, i + 1) for i in range(count)], date(2026, 3, 28)) == []


def test_busy_cells_need_more_than_their_usual_volume():
    reports = [point(i, i + 1) for i in range(5)]
    assert local_rule(reports, date(2026, 3, 28), usual={(1, 5): 2.6}) == []  # 5 < 2 x 2.6
    assert [c.report_ids for c in local_rule(reports, date(2026, 3, 28), usual={(1, 5): 2.5})] == [
        (0, 1, 2, 3, 4)
    ]  # 5 >= 2 x 2.5
    # a person group is never suppressed by a busy region
    about_one = [point(i, i + 1, person="AB-1") for i in range(3)]
    assert [c.person_ref for c in local_rule(about_one, date(2026, 3, 28), usual={(1, 5): 99})] == ["ab-1"]


def poisson_upper_tail(observed: int, expected: float) -> float:
    """P(X >= observed) for X ~ Poisson(expected), summed term by term in 80-digit decimals: an
    independent reference, exact far beyond where floating-point 1 - CDF or exp(-λ) give out."""
    with localcontext() as context:
        context.prec = 80
        lam = Decimal(str(expected))
        term = (-lam).exp()
        for k in range(1, observed + 1):
            term = term * lam / k  # P(X = observed) at the end of the loop
        total, k = Decimal(0), observed
        while term > total * Decimal("1e-40") or k < expected:
            total += term
            k += 1
            term = term * lam / k
        return float(total)


@pytest.mark.parametrize(
    ("observed", "expected"),
    [(3, 1.0), (2, 2.5 / 12), (7, 12.5 / 12), (12, 4.0), (800, 800.0), (1000, 800.0), (900, 760.0)],
)
def test_poisson_p_value_matches_an_independent_tail_sum(observed, expected):
    assert math.isclose(poisson_sf(observed, expected), poisson_upper_tail(observed, expected), rel_tol=1e-9)


def test_poisson_p_value_where_exp_minus_lambda_underflows():
    # exp(-800) is 0.0 in floating point: the hand-written sum gave P(X >= 1000 | 800) = 1.
    assert math.exp(-800) == 0.0
    p = poisson_sf(1000, 800.0)
    assert 5.50e-12 < p < 5.51e-12  # 5.5014e-12 by the 80-digit tail sum
    assert math.isclose(p, poisson_upper_tail(1000, 800.0), rel_tol=1e-9)
    assert 0.49 < poisson_sf(800, 800.0) < 0.51  # the median of Poisson(800) is about 800


def test_p_values_below_1e_20_stay_distinct():
    # 1 - CDF rounds all of these to 0.0, so the most extreme cell could not be told from the next.
    p_values = [poisson_sf(k, 1.0) for k in (25, 30, 40, 60)]
    assert all(0 < p < 1e-20 for p in p_values)
    assert p_values == sorted(p_values, reverse=True) and len(set(p_values)) == 4
    for k, p in zip((25, 30, 40, 60), p_values, strict=True):
        assert math.isclose(p, poisson_upper_tail(k, 1.0), rel_tol=1e-9)
    assert math.isclose(p_values[-1], float(gammainc(60, 1.0)), rel_tol=1e-9)  # P(X >= k) = P(k, λ)


def test_benjamini_hochberg_matches_statsmodels_with_tiny_p_values():
    p_values = [3e-25, 1e-22, 0.004, 0.019, 0.03, 0.04, 0.2, 0.5, 0.9, 1.0]
    rejected_sm, q_sm, _, _ = multipletests(p_values, alpha=0.1, method="fdr_bh")
    q, rejected = benjamini_hochberg(p_values, 0.1)
    assert all(math.isclose(a, b, rel_tol=1e-12) for a, b in zip(q, q_sm, strict=True))
    assert rejected == [bool(r) for r in rejected_sm]
    assert q[0] != q[1] and q[0] < 1e-23  # still told apart after adjustment


def test_fdr_control_runs_across_both_kinds_of_cell_as_one_family():
    category, interface = Cell(1, 10), Cell(1, None, "wheelchair")
    quiet = [Cell(r, 11) for r in range(2, 8)] + [Cell(r, None, "ventilator") for r in range(2, 8)]
    current = {category: 5, interface: 3}
    baseline = {category: 6, interface: 6, **dict.fromkeys(quiet, 6)}
    results = poisson_exceedances(current, baseline, 12, fdr=0.1)
    assert len(results) == 14  # every cell, of both kinds, is in one family
    p_values = [poisson_upper_tail(r.observed, (baseline.get(r.cell, 0) + 0.5) / 12) for r in results]
    rejected, q_values, _, _ = multipletests(p_values, alpha=0.1, method="fdr_bh")
    for result, q, flag in zip(results, q_values, rejected, strict=True):
        assert math.isclose(result.q_value, q, rel_tol=1e-9)
        assert result.flagged == (bool(flag) and result.observed >= 2)
    by_cell = {r.cell: r for r in results}
    assert by_cell[category].flagged and not by_cell[interface].flagged


def test_a_huge_burst_is_flagged_with_a_p_value_that_is_not_zero():
    results = poisson_exceedances({Cell(1, 1): 60}, {Cell(1, 1): 12}, 12, fdr=0.1)
    assert results[0].flagged and 0 < results[0].p_value < 1e-40
