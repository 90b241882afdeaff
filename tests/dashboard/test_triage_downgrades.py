"""Every triage downgrade (a high potential or clustered report given less than a barrier review) is
listed on the dashboard and in the oversight pack, for the period and the regions the viewer sees."""

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
from app.reports.models import Report
from app.taxonomy.models import Region
from app.triage.operations import TriageAnswers, triage_report
from tests.factories import login

TZ = ZoneInfo("America/New_York")
EXPLANATION = "Second report of the same fall, already reviewed"


@pytest.fixture
def last_week(org_day) -> date:
    """The Monday of the last complete week: the dashboard's default period ends there."""
    return monday(org_day) - timedelta(weeks=1)


@pytest.fixture
def org(make, frozen_now):
    make.user("dsp@x.test", regions=["North"])
    make.user("dsp-south@x.test", regions=["South"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    make.user("manager@x.test", roles=[Role.MANAGER], regions=[])
    return make


def at(day: date, hour=10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=TZ)


def triaged(app, make, reporter, region, on: date, level, reason="", text=""):
    """A high potential report filed and triaged on ``on`` at ``level``."""
    report_id = make.report(reporter, region=region, occurred_at=at(on - timedelta(days=1)).isoformat())
    with app.app_context():
        triager = db.session.scalar(select(User).where(User.email == "quality@x.test"))
        triage_report(
            db.session.get(Report, report_id),
            triager,
            TriageAnswers(
                still_at_risk_now=False,
                severity="high",
                recurrence="single",
                minimum_investigation="Look at the transfer with the team",
                event_class="near_miss",
                review_level=level,
                downgrade_reason=reason,
                downgrade_text=text,
            ),
            tz=TZ,
            now=at(on),
        )
        db.session.commit()
    return report_id


@pytest.fixture
def downgrades(app, org, last_week):
    """In the last complete week: a North and a South downgrade and a North barrier review; in the
    week before: one more North downgrade. All in the past whatever the pinned instant."""

    def downgraded(reporter, region, on, level, reason):
        return triaged(app, org, reporter, region, on, level, reason, EXPLANATION)

    return {
        "north": downgraded(
            "dsp@x.test", "North", last_week + timedelta(days=1), "brief_structured_review", "duplicate"
        ),
        "south": downgraded(
            "dsp-south@x.test", "South", last_week + timedelta(days=2), "none", "outside_service"
        ),
        "kept": triaged(app, org, "dsp@x.test", "North", last_week + timedelta(days=3), "barrier_review"),
        "earlier": downgraded("dsp@x.test", "North", last_week - timedelta(days=5), "none", "other"),
    }


def as_user(app, email):
    client = app.test_client()
    login(client, email)
    return client


def downgrade_section(html: str) -> str:
    start = html.index('id="downgrades"')
    return html[start : html.index("</section>", start)]


def test_the_dashboard_lists_the_periods_downgrades_of_every_region_for_the_quality_lead(
    app, downgrades, last_week
):
    html = (
        as_user(app, "quality@x.test")
        .get(f"/dashboard/triage?from={last_week}&to={last_week}")
        .get_data(as_text=True)
    )
    section = downgrade_section(html)
    text = " ".join(re.sub(r"<[^>]+>", " ", section).split())
    assert (
        "2 of 3 high potential or clustered reports triaged in the period got less than a barrier review"
        in text
    )
    assert "duplicate of another report (1), outside our service (1)" in text
    day = (last_week + timedelta(days=1)).strftime("%d %b %Y")
    north = f"NM-{downgrades['north']} North Barrier review → Brief structured review"
    assert f"{day} {north} Duplicate of another report" in text
    assert f"NM-{downgrades['south']} South Barrier review → None (log and learn) Outside our service" in text
    assert f"NM-{downgrades['earlier']}" not in text and f"NM-{downgrades['kept']}" not in text
    assert EXPLANATION not in text


def test_a_supervisor_sees_only_the_downgrades_of_their_regions(app, downgrades, last_week):
    html = (
        as_user(app, "sup@x.test")
        .get(f"/dashboard/triage?from={last_week}&to={last_week}")
        .get_data(as_text=True)
    )
    section = downgrade_section(html)
    assert re.search(r'<strong id="downgrade-count">1</strong> of 2 high potential', section)
    assert f"NM-{downgrades['north']}" in section and f"NM-{downgrades['south']}" not in section


def test_an_earlier_period_shows_the_earlier_downgrade(app, downgrades, last_week):
    week_before = last_week - timedelta(weeks=1)
    html = (
        as_user(app, "quality@x.test")
        .get(f"/dashboard/triage?from={week_before}&to={week_before}")
        .get_data(as_text=True)
    )
    section = downgrade_section(html)
    assert re.search(r'<strong id="downgrade-count">1</strong> of 1 high potential', section)
    assert f"NM-{downgrades['earlier']}" in section


def pack_text(client, query: str) -> str:
    response = client.get(f"/packs/oversight.pdf?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:400]
    reader = PdfReader(io.BytesIO(response.data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_pack_tables_the_downgrades_without_their_free_text(app, downgrades, last_week):
    period = f"from={last_week}&to={last_week + timedelta(days=6)}"
    manager = as_user(app, "manager@x.test")
    text = pack_text(manager, period)
    assert "Triage downgrades" in text
    assert (
        "2 of 3 high potential or clustered reports triaged in the period got less than the barrier review"
        in text
    )
    day = (last_week + timedelta(days=1)).strftime("%d %b %Y")
    assert f"{day} North Barrier review → Brief structured review Duplicate of another report" in text
    assert "South Barrier review → None (log and learn) Outside our service" in text
    assert EXPLANATION not in text

    with app.app_context():
        north = db.session.scalar(select(Region.id).where(Region.name == "North"))
    north_only = pack_text(manager, f"{period}&region={north}")
    assert "1 of 2 high potential" in north_only and "Outside our service" not in north_only
