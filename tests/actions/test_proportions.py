"""Process measures' statistics against published worked values: Montgomery's p-chart example, limits
worked by hand, and Newcombe's (1998) intervals for a difference of proportions."""

import math
from datetime import date, timedelta

import pytest
from statsmodels.stats.proportion import proportion_confint

from app.actions.measure import Windows
from app.actions.proportions import (
    BASELINE,
    NEITHER,
    TEST,
    compare_proportions,
    comparison_of,
    measure_mondays,
    observed_weeks,
    p_chart,
    smallest_detectable_difference,
    typical_denominator,
    verdict,
    week_period,
)

# Montgomery, Introduction to Statistical Quality Control, Example 7.1 (Table 7.1): 30 samples of 50
# orange-juice cans; p̄ = 347/1500 = 0.2313, UCL = 0.4102, LCL = 0.0524; samples 15 and 23 are out.
MONTGOMERY_7_1 = [
    12,
    15,
    8,
    10,
    4,
    7,
    16,
    9,
    14,
    10,
    5,
    6,
    17,
    12,
    22,
    8,
    10,
    5,
    13,
    11,
    20,
    18,
    24,
    15,
    9,
    12,
]
MONTGOMERY_7_1 += [7, 13, 9, 6]


def test_p_chart_reproduces_montgomery_example_7_1():
    chart = p_chart([(x, 50) for x in MONTGOMERY_7_1], list(range(30)))
    assert chart.centre == pytest.approx(0.2313, abs=1e-4)
    assert chart.upper == [pytest.approx(0.4102, abs=1e-4)] * 30
    assert chart.lower == [pytest.approx(0.0524, abs=1e-4)] * 30
    assert chart.signals == (14, 22)  # samples 15 and 23


def test_each_week_has_limits_from_its_own_denominator_clipped_to_zero_and_one():
    # Baseline 20 of 100 (p̄ = 0.2): its own limits 0.2 ± 3·0.04 = 0.08 and 0.32.
    # n = 400: sd = √(0.2·0.8/400) = 0.02, limits 0.14 and 0.26.
    # n = 25: sd = 0.08, lower 0.2 - 0.24 < 0 is clipped to 0, upper 0.44.
    chart = p_chart([(20, 100), (70, 400), (12, 25), None, (0, 0)], [0])
    assert chart.centre == pytest.approx(0.2)
    assert chart.lower[:3] == [pytest.approx(0.08), pytest.approx(0.14), 0.0]
    assert chart.upper[:3] == [pytest.approx(0.32), pytest.approx(0.26), pytest.approx(0.44)]
    assert chart.lower[3:] == [None, None] and chart.upper[3:] == [None, None]
    # 12/25 = 0.48 is above 0.44; 70/400 = 0.175 is inside.
    assert chart.signals == (2,)
    # p̄ = 0.9 and n = 10: sd = 0.0948683; the upper limit 1.1846 is clipped to 1, the lower is 0.6154.
    high = p_chart([(90, 100), (6, 10)], [0])
    assert high.upper[1] == 1.0 and high.lower[1] == pytest.approx(0.615395, abs=1e-6)
    assert high.signals == (1,)  # 0.6 is below 0.6154


def test_p_chart_without_baseline_counts_has_no_centre():
    chart = p_chart([None, (3, 10)], [0])
    assert chart.centre is None and chart.upper == [None, None] and chart.signals == ()


# Newcombe RG (1998), Statistics in Medicine 17:873-890, Table II, method 10 (hybrid score, no
# continuity correction): (a) 56/70 - 48/80, (b) 9/10 - 3/10, (d) 5/56 - 0/29, (e) 0/10 - 0/20.
@pytest.mark.parametrize(
    ("after", "before", "low", "high"),
    [
        ((56, 70), (48, 80), 0.0524, 0.3339),
        ((9, 10), (3, 10), 0.1705, 0.8090),
        ((5, 56), (0, 29), -0.0381, 0.1926),
        ((0, 10), (0, 20), -0.1611, 0.2775),
    ],
)
def test_difference_interval_matches_newcombe_1998(after, before, low, high):
    c = compare_proportions(*before, *after)
    assert c.difference == pytest.approx(after[0] / after[1] - before[0] / before[1])
    assert c.ci_low == pytest.approx(low, abs=6e-5)
    assert c.ci_high == pytest.approx(high, abs=6e-5)


@pytest.mark.parametrize(
    ("before", "after"), [((30, 120), (45, 110)), ((88, 100), (97, 101)), ((3, 40), (0, 35))]
)
def test_difference_interval_is_the_hybrid_of_the_two_wilson_intervals(before, after):
    # Newcombe's method 10 from its parts (Wilson intervals l, u of each proportion):
    # L = d - √((p₁ - l₁)² + (u₀ - p₀)²), U = d + √((u₁ - p₁)² + (p₀ - l₀)²).
    p0, p1 = before[0] / before[1], after[0] / after[1]
    l0, u0 = proportion_confint(*before, alpha=0.05, method="wilson")
    l1, u1 = proportion_confint(*after, alpha=0.05, method="wilson")
    c = compare_proportions(*before, *after)
    assert c.ci_low == pytest.approx(p1 - p0 - math.hypot(p1 - l1, u0 - p0), abs=1e-9)
    assert c.ci_high == pytest.approx(p1 - p0 + math.hypot(u1 - p1, p0 - l0), abs=1e-9)


def test_verdict_reads_the_interval_in_the_measures_direction():
    rise = compare_proportions(48, 80, 56, 70)  # +0.20, interval 0.05 to 0.33
    assert rise.improvement_shown and verdict(rise) == "shown"
    fall_is_good = compare_proportions(48, 80, 56, 70, higher_is_better=False)
    assert not fall_is_good.improvement_shown and verdict(fall_is_good) == "worse"
    unclear = compare_proportions(0, 29, 5, 56)  # interval -0.04 to 0.19 includes 0
    assert verdict(unclear) == "not_shown"
    assert verdict(compare_proportions(10, 40, 0, 0)) == "no_data"


def test_smallest_detectable_difference_is_the_first_count_whose_interval_excludes_zero():
    # Baseline 240 of 320 (75%); 40 a week for 4 weeks: 160 in the window.
    d = smallest_detectable_difference(240, 320, 40, 4)
    assert d.after_denominator == 160
    shown = round((0.75 + d.smallest_difference) * 160)
    assert compare_proportions(240, 320, shown, 160).ci_low > 0
    assert compare_proportions(240, 320, shown - 1, 160).ci_low <= 0
    assert d.smallest_difference == pytest.approx(shown / 160 - 0.75)
    # Lower is better: the mirror image, a fall of the same size.
    mirrored = smallest_detectable_difference(80, 320, 40, 4, higher_is_better=False)
    assert mirrored.smallest_difference == pytest.approx(-d.smallest_difference)


def test_a_window_that_can_never_show_an_improvement_says_so():
    # Already 100% before: no result can exclude 0 on the good side.
    assert smallest_detectable_difference(300, 300, 40, 2).smallest_difference is None
    assert smallest_detectable_difference(0, 0, 40, 2) is None


START = date(2026, 3, 4)  # a Wednesday: the week of 2 Mar has 5 days in the window, so counts as "test"


def windows(baseline_end=None):
    return Windows(START - timedelta(weeks=8), START, START + timedelta(days=27), baseline_end)


def test_a_week_counts_for_the_period_holding_most_of_its_days():
    w = windows()
    assert measure_mondays(w)[0] == date(2026, 1, 5) and measure_mondays(w)[-1] == date(2026, 3, 30)
    assert week_period(date(2026, 1, 5), w) == BASELINE  # 7 Jan to 11 Jan: 5 baseline days
    assert week_period(date(2026, 2, 23), w) == BASELINE  # the last whole week before
    assert week_period(date(2026, 3, 2), w) == TEST  # Wed to Sun: 5 of 7 days after the start
    assert week_period(date(2026, 3, 30), w) == NEITHER  # the window ends Tue 31 Mar: 2 days
    early = windows(baseline_end=date(2026, 2, 16))
    assert week_period(date(2026, 2, 16), early) == NEITHER  # between the baseline and the test


def test_only_weeks_begun_are_observed_and_the_current_one_is_partial():
    counts = {date(2026, 2, 23): (30, 40), date(2026, 3, 2): (35, 40), date(2026, 3, 9): (20, 25)}
    weeks = observed_weeks(counts, windows(), today=date(2026, 3, 11))  # Wednesday of the week of 9 Mar
    assert len(weeks) == 10  # 5 Jan to 9 Mar; 16 Mar onwards has not begun
    assert weeks[:7] == [None] * 7
    assert weeks[-1].week_start == date(2026, 3, 9) and weeks[-1].days == 3 and weeks[-1].partial
    assert not weeks[-2].partial
    c = comparison_of(weeks, higher_is_better=True)
    assert (c.before_numerator, c.before_denominator, c.after_numerator, c.after_denominator) == (
        30,
        40,
        55,
        65,
    )
    assert typical_denominator(weeks) == 40
