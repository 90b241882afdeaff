"""Local Mondays across a daylight-saving change, on both databases."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import time_machine

from app.core.dates import utc_offsets
from app.dashboard.queries import Scope, weekly_counts

TZ = ZoneInfo("America/New_York")


def test_offsets_over_a_period_name_each_change_to_the_minute():
    assert utc_offsets(TZ, date(2026, 10, 26), date(2026, 11, 15)) == [
        (None, -240),
        (datetime(2026, 11, 1, 6, 0, tzinfo=UTC), -300),
    ]
    assert utc_offsets(TZ, date(2026, 3, 2), date(2026, 3, 15)) == [
        (None, -300),
        (datetime(2026, 3, 8, 7, 0, tzinfo=UTC), -240),
    ]
    assert utc_offsets(TZ, date(2026, 6, 1), date(2026, 6, 28)) == [(None, -240)]
    assert utc_offsets(ZoneInfo("UTC"), date(2026, 1, 1), date(2027, 1, 1)) == [(None, 0)]


def test_a_sunday_night_after_the_autumn_change_stays_in_its_week(app, make, ctx):
    """The period starts in summer time (UTC-4); the reports fall after the change (UTC-5)."""
    make.user("dsp@x.test", regions=["North"])
    with time_machine.travel(datetime(2026, 11, 20, 12, tzinfo=TZ)):
        sunday_night = datetime(2026, 11, 8, 23, 30, tzinfo=TZ)  # 04:30 UTC on Monday
        monday_morning = datetime(2026, 11, 9, 0, 10, tzinfo=TZ)
        make.report("dsp@x.test", occurred_at=sunday_night.isoformat())
        make.report("dsp@x.test", occurred_at=monday_morning.isoformat())
    scope = Scope(date(2026, 10, 26), date(2026, 11, 16), None)
    assert weekly_counts(scope, TZ) == [0, 1, 1, 0]


def test_a_saturday_night_before_the_spring_change_stays_in_its_week(app, make, ctx):
    """The period starts in winter time (UTC-5); the reports fall after the change (UTC-4)."""
    make.user("dsp@x.test", regions=["North"])
    with time_machine.travel(datetime(2026, 4, 1, 12, tzinfo=TZ)):
        make.report("dsp@x.test", occurred_at=datetime(2026, 3, 22, 23, 50, tzinfo=TZ).isoformat())
        make.report("dsp@x.test", occurred_at=datetime(2026, 3, 23, 0, 5, tzinfo=TZ).isoformat())
    scope = Scope(date(2026, 3, 2), date(2026, 3, 23), None)
    assert weekly_counts(scope, TZ) == [0, 0, 1, 1]
