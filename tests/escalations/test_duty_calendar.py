"""A duty counted in business days uses the organisation's stored calendar (country, state and the
days an administrator added), at whatever instant the clock is pinned to (``-m clock``)."""

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from sqlalchemy import select

from app.auth.models import User
from app.core.roles import Role
from app.core.validation import InvalidInput
from app.escalations.clocks import WorkingCalendar
from app.escalations.models import ExternalBody
from app.escalations.operations import add_external_duty
from app.escalations.working_days import DEFAULT_CALENDAR, set_working_calendar, working_calendar
from app.extensions import db
from app.reports.models import Report


@pytest.fixture
def org(make):
    make.user("dsp@x.test", regions=["North"])
    make.user("admin@x.test", roles=[Role.ADMIN])
    return make


def admin():
    return db.session.scalar(select(User).where(User.email == "admin@x.test"))


def licensing():
    return db.session.scalar(select(ExternalBody).where(ExternalBody.code == "licensing"))


def test_the_default_calendar_is_the_us_federal_one(org, ctx):
    assert working_calendar() == DEFAULT_CALENDAR == WorkingCalendar("US", "")


def test_a_business_day_duty_skips_holidays_and_the_added_day(app, org, ctx, frozen_now):
    tz = ZoneInfo(app.config["ORG_TIMEZONE"])
    start = frozen_now.astimezone(tz)
    public = holidays.country_holidays("US", subdiv="NY", years=range(start.year, start.year + 2))

    def working(day: date, added: set[date]) -> bool:
        return day.weekday() < 5 and day not in public and day not in added

    counted_from = start.date()
    while not working(counted_from, set()):
        counted_from += timedelta(days=1)
    added_day = counted_from + timedelta(days=1)
    while not working(added_day, set()):
        added_day += timedelta(days=1)
    set_working_calendar("us", "ny", {added_day: "Office closed"}, actor=admin())
    db.session.commit()

    report = db.session.get(Report, org.report("dsp@x.test"))
    assert abs(report.received_at - frozen_now) < timedelta(minutes=1)
    duty = add_external_duty(report, licensing(), tz=tz)
    assert licensing().due_amount == 2 and licensing().due_in_business_days

    due = duty.due_at.astimezone(tz)
    received = report.received_at.astimezone(tz)
    assert working(due.date(), {added_day}), "due on a business day"
    between = [counted_from + timedelta(days=n) for n in range(1, (due.date() - counted_from).days + 1)]
    assert sum(working(day, {added_day}) for day in between) == 2, "exactly two business days counted"
    assert added_day in between, "the added day fell inside the window and was skipped"
    if working(received.date(), set()):
        assert due.time().replace(microsecond=0) == received.time().replace(microsecond=0)
    else:
        assert due.time() == time(9, 0), "a clock started on a day off counts from 09:00"


def test_unknown_country_or_state_is_refused(org, ctx):
    with pytest.raises(InvalidInput) as caught:
        set_working_calendar("XX", "", {}, actor=admin())
    assert set(caught.value.errors) == {"country"}
    with pytest.raises(InvalidInput) as caught:
        set_working_calendar("US", "ZZ", {}, actor=admin())
    assert set(caught.value.errors) == {"subdivision"}
    assert working_calendar() == DEFAULT_CALENDAR
