"""Business-day clocks skip public holidays and added days off, with known dates.

Whether a day is a holiday is asked of the ``holidays`` package in each test, never assumed: the
expected due day follows from what the package says for that country and state.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest

from app.escalations.clocks import (
    WEEKDAYS_ONLY,
    Target,
    WorkingCalendar,
    add_business_days,
    due_at,
)

NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
US = WorkingCalendar(country="US")


def package_holidays(country: str, subdivision: str, year: int):
    return holidays.country_holidays(country, subdiv=subdivision or None, years=year)


@pytest.mark.parametrize("subdivision", ["", "CA", "NY", "TX"])
def test_thanksgiving_and_the_day_after_as_the_state_keeps_them(subdivision):
    known = package_holidays("US", subdivision, 2026)
    thanksgiving, day_after = date(2026, 11, 26), date(2026, 11, 27)
    assert thanksgiving in known, "Thanksgiving is a holiday everywhere in the US"
    wednesday = datetime(2026, 11, 25, 15, 0, tzinfo=NY)
    due = add_business_days(wednesday, 2, NY, calendar=WorkingCalendar("US", subdivision))
    # Thursday is off; Friday counts unless the state keeps it; then the weekend; then Monday, Tuesday.
    expected_day = date(2026, 12, 1) if day_after in known else date(2026, 11, 30)
    assert due == datetime.combine(expected_day, datetime.min.time(), NY).replace(hour=15)


def test_the_states_chosen_above_cover_both_answers_for_the_day_after():
    day_after = date(2026, 11, 27)
    answers = {day_after in package_holidays("US", state, 2026) for state in ("", "CA", "NY", "TX")}
    assert answers == {True, False}, "the Thanksgiving test must exercise both cases"


def test_christmas_and_new_year():
    known = package_holidays("US", "", 2026) | package_holidays("US", "", 2027)
    assert date(2026, 12, 25) in known and date(2027, 1, 1) in known
    assert date(2026, 12, 24) not in known and date(2026, 12, 31) not in known
    # Wednesday 23 Dec + 3: Thu 24, (Fri 25 Christmas, weekend), Mon 28, Tue 29.
    assert add_business_days(datetime(2026, 12, 23, 11, 0, tzinfo=NY), 3, NY, calendar=US) == datetime(
        2026, 12, 29, 11, 0, tzinfo=NY
    )
    # Wednesday 30 Dec + 2: Thu 31, (Fri 1 Jan New Year, weekend), Mon 4 Jan 2027.
    assert add_business_days(datetime(2026, 12, 30, 16, 45, tzinfo=NY), 2, NY, calendar=US) == datetime(
        2027, 1, 4, 16, 45, tzinfo=NY
    )


def test_a_clock_started_on_a_holiday_counts_from_the_next_business_day_morning():
    assert date(2026, 12, 25) in package_holidays("US", "", 2026)
    christmas_noon = datetime(2026, 12, 25, 12, 0, tzinfo=NY)
    # Counts from Monday 28 at 09:00: + 1 is Tuesday 29 at 09:00.
    assert add_business_days(christmas_noon, 1, NY, calendar=US) == datetime(2026, 12, 29, 9, 0, tzinfo=NY)


def test_a_holiday_on_a_weekend_is_skipped_on_its_observed_day():
    known = package_holidays("US", "", 2026)
    assert date(2026, 7, 4).weekday() == 5, "Independence Day 2026 is a Saturday"
    observed = date(2026, 7, 3)
    assert "observed" in known.get(observed, "").lower(), "the package observes it on Friday 3 July"
    thursday = datetime(2026, 7, 2, 10, 0, tzinfo=NY)
    assert add_business_days(thursday, 1, NY, calendar=US) == datetime(2026, 7, 6, 10, 0, tzinfo=NY)
    assert add_business_days(thursday, 1, NY, calendar=WEEKDAYS_ONLY) == datetime(
        2026, 7, 3, 10, 0, tzinfo=NY
    )


def test_a_day_an_administrator_added_is_not_a_business_day():
    added = WorkingCalendar("US", "", {date(2026, 12, 1): "Office closed: training"})
    assert date(2026, 12, 1) not in package_holidays("US", "", 2026)
    monday = datetime(2026, 11, 30, 9, 30, tzinfo=NY)
    assert add_business_days(monday, 1, NY, calendar=added) == datetime(2026, 12, 2, 9, 30, tzinfo=NY)
    assert added.day_off(date(2026, 12, 1)) == "Office closed: training"
    assert WorkingCalendar(added_days={date(2026, 12, 1): ""}).day_off(date(2026, 12, 1)) == (
        "Added by an administrator"
    )


def test_no_country_means_weekdays_only():
    assert WorkingCalendar().is_business_day(date(2026, 12, 25))
    assert not WorkingCalendar().is_business_day(date(2026, 12, 26))


def test_business_days_keep_local_time_across_the_autumn_change_with_a_holiday():
    # US clocks go back on Sunday 2026-11-01. Friday 30 Oct 15:00 EDT (19:00 UTC) + 2 business days
    # is Tuesday 3 Nov 15:00 EST (20:00 UTC): Election Day is not a federal holiday.
    assert date(2026, 11, 3) not in package_holidays("US", "", 2026)
    friday = datetime(2026, 10, 30, 19, 0, tzinfo=UTC)
    due = due_at(friday, Target(2, business_days=True), NY, calendar=US)
    assert due == datetime(2026, 11, 3, 20, 0, tzinfo=UTC)
    assert due.astimezone(NY).hour == 15


def test_business_days_across_the_spring_change_and_easter_in_england():
    england = WorkingCalendar("GB", "ENG")
    known = package_holidays("GB", "ENG", 2026)
    assert date(2026, 4, 3) in known and date(2026, 4, 6) in known, "Good Friday, Easter Monday"
    # UK clocks go forward on Sunday 2026-03-29: Friday 27 Mar 15:00 GMT + 1 is Monday 15:00 BST.
    friday = datetime(2026, 3, 27, 15, 0, tzinfo=UTC)
    assert due_at(friday, Target(1, business_days=True), LONDON, calendar=england) == datetime(
        2026, 3, 30, 14, 0, tzinfo=UTC
    )
    # Thursday 2 Apr 15:00 BST + 1 skips Good Friday, the weekend and Easter Monday: Tuesday 7 Apr.
    thursday = datetime(2026, 4, 2, 14, 0, tzinfo=UTC)
    due = due_at(thursday, Target(1, business_days=True), LONDON, calendar=england)
    assert due.astimezone(LONDON).replace(tzinfo=None) == datetime(2026, 4, 7, 15, 0)


def test_hour_targets_ignore_the_calendar():
    christmas_eve = datetime(2026, 12, 24, 12, 0, tzinfo=UTC)
    assert due_at(christmas_eve, Target(24), NY, calendar=US) == christmas_eve + timedelta(hours=24)


def test_days_off_lists_the_weekdays_that_do_not_count_with_why():
    calendar = WorkingCalendar("US", "", {date(2026, 12, 24): "Office closed"})
    listed = calendar.days_off(date(2026, 12, 20), date(2027, 1, 3))
    known = package_holidays("US", "", 2026) | package_holidays("US", "", 2027)
    assert listed == [
        (date(2026, 12, 24), "Office closed"),
        (date(2026, 12, 25), known[date(2026, 12, 25)]),
        (date(2027, 1, 1), known[date(2027, 1, 1)]),
    ]
