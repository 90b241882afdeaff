"""Admin -> Business-day calendar: the country, state and added days off that business-day clocks
skip; a refused form stores nothing."""

import json
from datetime import date, datetime

import holidays
import pytest
from markupsafe import escape
from sqlalchemy import select

from app.core.audit.models import AuditEvent
from app.core.roles import Role
from app.escalations.clocks import WorkingCalendar
from app.escalations.working_days import DEFAULT_CALENDAR, working_calendar
from app.extensions import db
from tests.factories import csrf_from_page, login


@pytest.fixture
def admin(app, make):
    make.user("admin@x.test", roles=(Role.ADMIN,))
    client = app.test_client()
    login(client, "admin@x.test")
    return client


def stored(app) -> WorkingCalendar:
    with app.app_context():
        return working_calendar()


def audited(app) -> list[AuditEvent]:
    with app.app_context():
        return list(
            db.session.scalars(select(AuditEvent).where(AuditEvent.object_id == "business_day_calendar"))
        )


def test_admin_index_links_the_calendar(admin):
    page = admin.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/business-days"' in page and "Business-day calendar" in page


def test_the_page_shows_the_default_and_the_coming_holidays(frozen_now, admin):
    response = admin.get("/admin/business-days")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="country" list="country-codes" value="US"' in page
    upcoming = holidays.country_holidays("US", years=[frozen_now.year, frozen_now.year + 1])
    first = min(day for day in upcoming if day >= frozen_now.date() and day.weekday() < 5)
    # The page escapes the name ("New Year's Day" is written New Year&#39;s Day).
    assert first.strftime("%a %Y-%m-%d") in page and str(escape(upcoming[first])) in page


def test_saving_a_state_and_added_days_stores_and_audits_them(app, admin):
    token = csrf_from_page(admin, "/admin/business-days")
    response = admin.post(
        "/admin/business-days",
        data={
            "csrf_token": token,
            "country": "us",
            "subdivision": "ca",
            "added_days": "2026-12-24 Office closed\n\n2026-12-31",
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/business-days")
    calendar = stored(app)
    assert calendar == WorkingCalendar(
        "US", "CA", {date(2026, 12, 24): "Office closed", date(2026, 12, 31): ""}
    )
    (event,) = audited(app)
    assert event.action == "setting.change"
    assert json.loads(event.after)["value"]["added_days"] == [
        {"date": "2026-12-24", "reason": "Office closed"},
        {"date": "2026-12-31", "reason": ""},
    ]
    page = admin.get("/admin/business-days").get_data(as_text=True)
    assert "Business-day calendar saved." in page
    assert "2026-12-24 Office closed\n2026-12-31</textarea>" in page


def test_an_unknown_state_or_an_unreadable_line_is_refused_and_nothing_stored(app, admin):
    token = csrf_from_page(admin, "/admin/business-days")
    response = admin.post(
        "/admin/business-days",
        data={"csrf_token": token, "country": "US", "subdivision": "ZZ", "added_days": "2026-12-24 Closed"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "ZZ is not a state or region of US." in page
    assert 'value="ZZ"' in page, "what was typed comes back"
    response = admin.post(
        "/admin/business-days",
        data={"csrf_token": token, "country": "US", "subdivision": "", "added_days": "Christmas Eve"},
    )
    assert response.status_code == 422
    assert "Start each line with a date (YYYY-MM-DD): Christmas Eve" in response.get_data(as_text=True)
    assert stored(app) == DEFAULT_CALENDAR and audited(app) == []


def test_others_may_not_change_the_calendar(app, make):
    make.user("ql@x.test", roles=(Role.QUALITY_LEAD,))
    client = app.test_client()
    login(client, "ql@x.test")
    assert client.get("/admin/business-days").status_code == 403


def test_a_duty_recorded_after_the_change_counts_by_it(app, admin, make):
    """Through the pages: the added day moves a licensing duty's due time by one business day."""
    from zoneinfo import ZoneInfo

    from app.escalations.clocks import Target, due_at

    tz = ZoneInfo(app.config["ORG_TIMEZONE"])
    start = datetime(2026, 11, 30, 10, 0, tzinfo=tz)
    token = csrf_from_page(admin, "/admin/business-days")
    admin.post(
        "/admin/business-days",
        data={"csrf_token": token, "country": "US", "subdivision": "", "added_days": "2026-12-01 Closed"},
    )
    target = Target(2, business_days=True)
    assert due_at(start, target, tz, calendar=stored(app)).astimezone(tz) == datetime(
        2026, 12, 3, 10, 0, tzinfo=tz
    )
    assert due_at(start, target, tz, calendar=DEFAULT_CALENDAR).astimezone(tz) == datetime(
        2026, 12, 2, 10, 0, tzinfo=tz
    )
