"""Before a window starts: the smallest reduction it can show at the baseline's rate.

The worked numbers come from statsmodels' Wald interval on the log rate ratio (0.5 added to both
counts when one is zero, as the verdict's interval does) and scipy's Poisson distribution."""

from scipy.stats import poisson
from statsmodels.stats.rates import confint_poisson_2indep

from app.actions.measure import smallest_detectable


def upper_bound(before, before_days, after, after_days):
    if before == 0 or after == 0:
        before, after = before + 0.5, after + 0.5
    return confint_poisson_2indep(after, after_days, before, before_days, method="wald-log", compare="ratio")[
        1
    ]


def most_reports_by_statsmodels(before, before_days, window_days):
    shown = [b for b in range(0, 200) if upper_bound(before, before_days, b, window_days) < 1]
    return max(shown) if shown else None


def test_a_two_week_window_at_2_4_a_week_can_never_show_a_reduction():
    # The example: 8 baseline weeks at 2.4 a week (19 reports in 56 days), a 14-day window.
    assert upper_bound(19, 56, 0, 14) > 1  # even no reports at all leaves 1 inside the interval
    found = smallest_detectable(19, 56, 14, 50)
    assert found.most_reports is None and found.smallest_reduction is None
    assert found.chance_at_target == 0.0
    assert found.days_needed == 28
    assert upper_bound(19, 56, 0, 21) > 1 and upper_bound(19, 56, 0, 28) < 1


def test_a_four_week_window_needs_a_large_fall_and_rarely_shows_a_real_halving():
    found = smallest_detectable(19, 56, 28, 50)
    assert found.most_reports == most_reports_by_statsmodels(19, 56, 28) == 2
    assert found.expected == 19 / 56 * 28
    assert abs(found.smallest_reduction - (1 - 2 / 9.5) * 100) < 1e-9
    assert abs(found.chance_at_target - poisson.cdf(2, 9.5 * 0.5)) < 1e-12


def test_a_busier_baseline_and_longer_window_can_show_the_target():
    found = smallest_detectable(80, 56, 56, 50)  # 10 a week, an 8-week window
    assert found.most_reports == most_reports_by_statsmodels(80, 56, 56)
    assert abs(found.chance_at_target - poisson.cdf(found.most_reports, 40)) < 1e-12
    assert found.chance_at_target > 0.9


def test_no_baseline_no_answer():
    assert smallest_detectable(0, 56, 28, 50) is None
