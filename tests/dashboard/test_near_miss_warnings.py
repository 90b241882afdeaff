"""Per theme, near misses per incident and the incidents that had a warning first: on the dashboard
for the regions the viewer sees, and in the oversight pack with small counts suppressed."""

import io
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.auth.models import User
from app.core.dates import monday
from app.core.roles import Role
from app.extensions import db
from app.incidents.models import IncidentCategory
from app.incidents.operations import link_warning, reclassify_as_incident
from app.reports.models import Report
from tests.factories import login

TZ = ZoneInfo("America/New_York")


@pytest.fixture
def last_week(org_day) -> date:
    return monday(org_day) - timedelta(weeks=1)


@pytest.fixture
def themes(app, make, frozen_now, last_week):
    """Last complete week: North medication 7 near misses and 5 incidents (2 with a warning);
    South medication 2 near misses and 1 incident with a warning."""
    make.user("dsp@x.test", regions=["North"])
    make.user("dsp-south@x.test", regions=["South"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    make.user("manager@x.test", roles=[Role.MANAGER], regions=[])

    def filed(reporter, region, day, hour):
        when = datetime.combine(last_week + timedelta(days=day), time(hour), tzinfo=TZ)
        return make.report(reporter, region=region, occurred_at=when.isoformat())

    north_near = [filed("dsp@x.test", "North", 0, 8 + n) for n in range(7)]
    north_incidents = [filed("dsp@x.test", "North", 3, 8 + n) for n in range(5)]
    south_near = [filed("dsp-south@x.test", "South", 0, 9 + n) for n in range(2)]
    south_incident = filed("dsp-south@x.test", "South", 4, 9)
    with app.app_context():
        quality = db.session.scalar(select(User).where(User.email == "quality@x.test"))
        category = db.session.scalar(
            select(IncidentCategory.id).where(IncidentCategory.code == "medication_error")
        )
        for report_id in [*north_incidents, south_incident]:
            reclassify_as_incident(
                db.session.get(Report, report_id),
                quality,
                category_id=category,
                reason="The dose was given",
                tz=TZ,
            )
        for near, incident in ((north_near[0], north_incidents[0]), (north_near[1], north_incidents[1])):
            link_warning(db.session.get(Report, near), db.session.get(Report, incident), quality)
        link_warning(db.session.get(Report, south_near[0]), db.session.get(Report, south_incident), quality)
        db.session.commit()


def as_user(app, email):
    client = app.test_client()
    login(client, email)
    return client


def section_text(html: str) -> str:
    start = html.index('id="warnings"')
    return " ".join(re.sub(r"<[^>]+>", " ", html[start : html.index("</section>", start)]).split())


def test_the_dashboard_shows_near_misses_per_incident_per_theme(app, themes, last_week):
    html = (
        as_user(app, "quality@x.test")
        .get(f"/dashboard/incidents?from={last_week}&to={last_week}")
        .get_data(as_text=True)
    )
    text = section_text(html)
    assert "3 of 6 incidents that happened in the period had a near miss linked as its warning first" in text
    assert "North Medication 7 5 1.4 2" in text and "South Medication 2 1 2.0 1" in text


def test_a_supervisor_sees_only_the_themes_of_their_regions(app, themes, last_week):
    html = (
        as_user(app, "sup@x.test")
        .get(f"/dashboard/incidents?from={last_week}&to={last_week}")
        .get_data(as_text=True)
    )
    text = section_text(html)
    assert "2 of 5 incidents" in text and "North Medication 7 5 1.4 2" in text
    assert "South" not in text


def test_an_earlier_period_has_no_incident(app, themes, last_week):
    earlier = last_week - timedelta(weeks=2)
    html = (
        as_user(app, "quality@x.test")
        .get(f"/dashboard/incidents?from={earlier}&to={earlier}")
        .get_data(as_text=True)
    )
    assert "No report in the period was recorded as having reached the person." in section_text(html)


def test_the_pack_lists_the_themes_with_small_counts_suppressed(app, themes, last_week):
    response = as_user(app, "manager@x.test").get(
        f"/packs/oversight.pdf?from={last_week}&to={last_week + timedelta(days=6)}"
    )
    assert response.status_code == 200
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages).split())
    assert "Near misses and incidents" in text
    assert "<5 of 6 incidents (reports recorded as having reached the person)" in text
    assert "North Medication 7 5 1.4 <5" in text
    assert "South Medication <5 <5 — <5" in text
