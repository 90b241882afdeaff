"""Overdispersed baseline weeks widen the interval (quasi-Poisson), checked against statsmodels' GLM."""

import math
from datetime import date, timedelta

import numpy as np
import statsmodels.api as sm

from app.actions.measure import baseline_dispersion, baseline_weekly, baseline_windows, compare_rates

WEEKLY = [0, 9, 1, 7, 0, 8, 2, 5]  # 32 in 8 weeks, far more variable than Poisson counts


def quasi_poisson_interval(weekly, after_count, after_days):
    """A Poisson GLM with an 'after' term and log exposure, scale from Pearson's X² (quasi-Poisson)."""
    counts = np.array([*weekly, after_count])
    after = np.array([0] * len(weekly) + [1])
    exposure = np.array([7] * len(weekly) + [after_days])
    model = sm.GLM(counts, sm.add_constant(after), family=sm.families.Poisson(), exposure=exposure)
    fit = model.fit(scale="X2")
    low, high = np.exp(fit.conf_int()[1])
    return math.exp(fit.params[1]), low, high, fit.scale


def test_dispersion_is_the_quasi_poisson_scale():
    fit = sm.GLM(np.array(WEEKLY), np.ones((8, 1)), family=sm.families.Poisson()).fit(scale="X2")
    assert math.isclose(baseline_dispersion(WEEKLY), fit.scale)
    assert baseline_dispersion(WEEKLY) > 3


def test_the_widened_interval_is_the_quasi_poisson_glm_interval():
    ratio, low, high, scale = quasi_poisson_interval(WEEKLY, 6, 28)
    c = compare_rates(32, 56, 6, 28, baseline_dispersion(WEEKLY))
    assert math.isclose(c.rate_ratio, ratio) and math.isclose(c.dispersion, scale)
    assert math.isclose(c.ci_low, low, rel_tol=1e-6) and math.isclose(c.ci_high, high, rel_tol=1e-6)
    # Treated as Poisson the fall would look clear; allowing for the dispersion it does not.
    assert compare_rates(32, 56, 6, 28).clear_reduction and not c.clear_reduction


def test_poisson_like_weeks_leave_the_interval_alone():
    assert baseline_dispersion([4, 3, 5, 4, 4, 3, 5, 4]) == 1.0  # under-dispersed: never narrower
    assert baseline_dispersion([3]) == 1.0 and baseline_dispersion([0, 0, 0]) == 1.0


def test_only_whole_baseline_weeks_that_have_ended_are_counted():
    windows = baseline_windows(date(2026, 3, 2), date(2026, 3, 29), 2)  # baseline 16 Feb - 1 Mar
    days = [date(2026, 2, 16), date(2026, 2, 17), date(2026, 2, 24)]
    assert baseline_weekly(days, windows, date(2026, 3, 5)) == [2, 1]
    assert baseline_weekly(days, windows, date(2026, 2, 25)) == [2]  # the second week is not over
    assert baseline_weekly(days, windows, date(2026, 2, 28)) == [2]
    assert baseline_weekly(days, windows, date(2026, 3, 1)) == [2, 1]
    assert windows.baseline_start == date(2026, 3, 2) - timedelta(weeks=2)
