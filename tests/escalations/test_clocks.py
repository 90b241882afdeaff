"""Known answers for targets and clocks, including business days and daylight-saving changes."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from app.core.durations import format_duration
from app.escalations.clocks import (
    WEEKDAYS_ONLY,
    ClockState,
    Target,
    add_business_days,
    clock,
    due_at,
    duty_standing,
    escalation_level,
)

NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")


def test_hour_targets_are_elapsed_time_across_a_dst_change():
    # US clocks go forward on 2026-03-08 at 02:00: 24 real hours after Saturday noon is 13:00 Sunday.
    start = datetime(2026, 3, 7, 12, 0, tzinfo=NY)
    due = due_at(start, Target(24), NY, calendar=WEEKDAYS_ONLY)
    assert due == datetime(2026, 3, 8, 17, 0, tzinfo=UTC)
    assert due.astimezone(NY).hour == 13


def test_business_days_skip_the_weekend():
    friday = datetime(2026, 11, 27, 15, 0, tzinfo=NY)
    assert add_business_days(friday, 2, NY, calendar=WEEKDAYS_ONLY) == datetime(2026, 12, 1, 15, 0, tzinfo=NY)
    monday = datetime(2026, 11, 30, 9, 30, tzinfo=NY)
    assert add_business_days(monday, 1, NY, calendar=WEEKDAYS_ONLY) == datetime(2026, 12, 1, 9, 30, tzinfo=NY)


def test_weekend_start_counts_from_monday_morning():
    saturday = datetime(2026, 11, 28, 22, 0, tzinfo=NY)
    assert add_business_days(saturday, 2, NY, calendar=WEEKDAYS_ONLY) == datetime(
        2026, 12, 2, 9, 0, tzinfo=NY
    )


def test_business_days_keep_local_time_across_daylight_saving():
    # UK clocks go back on Sunday 2026-10-25: Friday 15:00 BST + 2 business days = Tuesday 15:00 GMT.
    friday = datetime(2026, 10, 23, 14, 0, tzinfo=UTC)  # 15:00 BST
    due = add_business_days(friday, 2, LONDON, calendar=WEEKDAYS_ONLY)
    assert due.astimezone(LONDON).replace(tzinfo=None) == datetime(2026, 10, 27, 15, 0)
    assert due == datetime(2026, 10, 27, 15, 0, tzinfo=UTC)  # GMT = UTC
    assert due.tzinfo is UTC


def test_clock_states():
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    due = start + timedelta(minutes=15)
    assert clock("ack", start, due, None, start + timedelta(minutes=14)).state is ClockState.RUNNING
    assert clock("ack", start, due, None, due + timedelta(seconds=1)).state is ClockState.BREACHED
    assert clock("ack", start, due, due, due + timedelta(hours=1)).state is ClockState.MET
    assert clock("ack", start, due, due + timedelta(seconds=1), due).state is ClockState.LATE


def test_escalation_counts_real_minutes_across_a_dst_change():
    raised = datetime(2026, 11, 1, 1, 50, tzinfo=NY)  # 01:50 EDT; an hour later it is 01:50 EST
    now = datetime(2026, 11, 1, 1, 55, fold=1, tzinfo=NY)
    assert escalation_level(raised, now, timedelta(minutes=15), 3) == 3


def test_escalation_levels():
    raised = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    step = timedelta(minutes=15)
    assert escalation_level(raised, raised, step, 3) == 1
    assert escalation_level(raised, raised + timedelta(minutes=14, seconds=59), step, 3) == 1
    assert escalation_level(raised, raised + step, step, 3) == 2
    assert escalation_level(raised, raised + 2 * step, step, 3) == 3
    assert escalation_level(raised, raised + 10 * step, step, 3) == 3


def test_formatting():
    assert format_duration(timedelta(minutes=45)) == "45 min"
    assert format_duration(timedelta(hours=2, minutes=5)) == "2 h 05 min"
    assert format_duration(timedelta(days=3, hours=4, minutes=10)) == "3 d 4 h"


def test_a_duty_reads_yes_late_overdue_or_due_with_its_local_date():
    tz = NY
    due = datetime(2026, 12, 3, 22, 0, tzinfo=UTC)  # 17:00 in New York
    now = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
    assert duty_standing(due, None, now, tz) == "due 3 Dec 2026 17:00"
    assert duty_standing(due, due, now, tz) == "yes"  # done at the deadline is on time
    assert duty_standing(due, due + timedelta(minutes=1), due + timedelta(days=1), tz) == "late"
    assert duty_standing(due, None, due + timedelta(seconds=1), tz) == "overdue"
