"""Each page of the weekly review reads only the parts of the board it shows (issue 18): the weekly
review reads what it summarises, never the incidents per theme, the monthly recurrence proposals, the
downgrades' denominator, the breakdowns or the actions' before/after reports; each page behind its
links reads its own part. The figures stay the ones each page showed when every page read everything.

Checked by what runs, never by timing: the query functions a page calls (spies) and the SQL
statements it sends (an SQLAlchemy event listener).
"""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, select

from app.auth.models import User
from app.core.dates import monday
from app.core.roles import Role
from app.dashboard import overview, queries
from app.extensions import db
from app.incidents.models import IncidentCategory
from app.incidents.operations import link_warning, reclassify_as_incident
from app.reports.models import Report
from app.triage.operations import TriageAnswers, triage_report
from tests.factories import login

TZ = ZoneInfo("America/New_York")

# The parts of the board, by the function that reads each, and the pages that show them.
PARTS = {
    "summary": (queries, "period_summary"),
    "incident_totals": (overview, "incident_totals"),
    "themes": (overview, "theme_warnings"),
    "proposals": (queries, "recurrence_proposals_by_month"),
    "downgrades": (overview, "downgrades_between"),
    "floor": (overview, "floor_triages_count"),
    "clusters": (queries, "open_clusters"),
    "actions": (queries, "actions_starting_between"),
    "before_after": (overview, "before_after_weeks"),
    "alerts": (queries, "alert_timeliness"),
}
READS = {
    "/dashboard": {"summary", "incident_totals", "downgrades", "clusters", "actions", "alerts"},
    "/dashboard/trends": {"summary"},
    "/dashboard/clusters": {"clusters"},
    "/dashboard/timeliness": {"summary", "alerts"},
    "/dashboard/triage": {"proposals", "downgrades", "floor"},
    "/dashboard/incidents": {"themes"},
    "/dashboard/actions": {"actions", "before_after"},
}


@pytest.fixture
def last_week(org_day) -> date:
    return monday(org_day) - timedelta(weeks=1)


def at(day: date, hour=10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=TZ)


@pytest.fixture
def board(app, make, frozen_now, last_week):
    """Last complete week: North 4 near misses (one triaged high potential and downgraded), 2
    incidents (one with a near miss linked as its warning); South 1 near miss."""
    make.user("dsp@x.test", regions=["North"])
    make.user("dsp-south@x.test", regions=["South"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    near = [
        make.report("dsp@x.test", occurred_at=at(last_week + timedelta(days=n)).isoformat()) for n in range(4)
    ]
    make.report("dsp-south@x.test", region="South", occurred_at=at(last_week).isoformat())
    incidents = [
        make.report("dsp@x.test", occurred_at=at(last_week + timedelta(days=2), 14 + n).isoformat())
        for n in range(2)
    ]
    with app.app_context():
        quality = db.session.scalar(select(User).where(User.email == "quality@x.test"))
        category = db.session.scalar(
            select(IncidentCategory.id).where(IncidentCategory.code == "medication_error")
        )
        for report_id in incidents:
            reclassify_as_incident(
                db.session.get(Report, report_id), quality, category_id=category, reason="It reached", tz=TZ
            )
        link_warning(db.session.get(Report, near[0]), db.session.get(Report, incidents[0]), quality)
        triage_report(
            db.session.get(Report, near[1]),
            quality,
            TriageAnswers(
                still_at_risk_now=False,
                severity="high",
                recurrence="single",
                minimum_investigation="Look at the transfer with the team",
                event_class="near_miss",
                review_level="none",
                downgrade_reason="duplicate",
                downgrade_text="Second report of the same fall, already reviewed",
            ),
            tz=TZ,
            now=at(last_week + timedelta(days=2)),
        )
        db.session.commit()
    client = app.test_client()
    login(client, "quality@x.test")
    return client


@pytest.fixture
def spied(monkeypatch):
    """The parts read so far, by name."""
    read: list[str] = []
    for name, (module, function) in PARTS.items():
        real = getattr(module, function)

        def spy(*args, _real=real, _name=name, **kwargs):
            read.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(module, function, spy)
    return read


@pytest.fixture
def statements(app):
    """The SQL statements sent so far."""
    sent: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append(" ".join(statement.split()))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    yield sent
    event.remove(engine, "before_cursor_execute", record)


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize("path", sorted(READS))
def test_each_page_reads_only_the_parts_it_shows(app, board, spied, last_week, path):
    response = board.get(f"{path}?from={last_week}&to={last_week}")
    assert response.status_code == 200
    assert set(spied) == READS[path]
    assert len(spied) == len(set(spied)), "each part is read once per page"


def test_the_clusters_and_actions_pages_read_none_of_the_period_s_reports(app, board, statements, last_week):
    for path in ("/dashboard/clusters", "/dashboard/actions"):
        statements.clear()
        assert board.get(f"{path}?from={last_week}&to={last_week}").status_code == 200
        assert statements, "the page ran its own statements"
        assert not [s for s in statements if "reports.occurred_at >=" in s], path


def test_the_weekly_review_scans_the_period_s_reports_once_on_postgresql(app, board, statements, last_week):
    """On PostgreSQL the weekly review's counts, barrier share and triage timeliness come from one
    scan of the period's reports; the incidents come from their own index (SQLite runs one query per
    figure, as before)."""
    assert board.get(f"/dashboard?from={last_week}&to={last_week}").status_code == 200
    period_reads = [s for s in statements if "FROM reports" in s and "reports.occurred_at >=" in s]
    with app.app_context():
        postgres = db.engine.dialect.name == "postgresql"
    if postgres:
        assert len(period_reads) == 2, period_reads
        assert [s for s in period_reads if "event_class" in s and "count(*)" in s.lower()]
    else:
        assert len(period_reads) == 5, period_reads


def test_the_weekly_review_shows_the_figures_its_pages_show(app, board, last_week):
    period = f"from={last_week}&to={last_week}"
    review = text_of(board.get(f"/dashboard?{period}").get_data(as_text=True))
    assert "1 incident in the period without a near miss as its warning first" in review
    assert "1 triage downgrade in the period" in review
    assert "7 reports in 1 weeks." in review

    incidents = text_of(board.get(f"/dashboard/incidents?{period}").get_data(as_text=True))
    assert "1 of 2 incidents that happened in the period had a near miss linked as its warning first" in (
        incidents
    )
    assert "North Medication 4 2 2.0 1" in incidents
    triage = text_of(board.get(f"/dashboard/triage?{period}").get_data(as_text=True))
    assert (
        "1 of 1 high potential or clustered report triaged in the period got less than a barrier review"
        in (triage)
    )
    trends = text_of(board.get(f"/dashboard/trends?{period}").get_data(as_text=True))
    assert "7 reports in 1 weeks." in trends
    assert re.search(r"North 6\b", trends) and re.search(r"South 1\b", trends)
    timeliness = text_of(board.get(f"/dashboard/timeliness?{period}").get_data(as_text=True))
    # The triage measure on the review is the one its page shows in full: 1 of the 7 triaged, in time.
    triaged = re.search(r"(\S+) Triaged within target (\d+) of (\d+)", review)
    assert triaged and f"Triaged within target {triaged.group(2)} {triaged.group(3)}" in timeliness


def test_the_board_s_parts_agree_whichever_is_read_first(app, board, frozen_now, last_week):
    """The incidents' totals are the themes' sums, read either way; the summary without breakdowns
    counts the same weeks, regions, barrier share and triage timeliness as the one with them."""
    with app.test_request_context():
        scope = queries.Scope(last_week, last_week, None)
        quality = db.session.scalar(select(User).where(User.email == "quality@x.test"))
        today = last_week + timedelta(days=8)

        def fresh(breakdowns=True):
            return overview.build(
                scope,
                quality,
                tz=TZ,
                today=today,
                now=frozen_now,
                breakdowns=breakdowns,
            )

        alone = fresh().incident_totals
        after_themes = fresh()
        themes = after_themes.warnings
        assert alone == after_themes.incident_totals == (2, 1)
        assert sum(t.incidents for t in themes) == 2

        light, full = fresh(breakdowns=False), fresh()
        assert light.counts == full.counts and light.by_region == full.by_region
        assert light.culture["barrier_share"] == full.culture["barrier_share"]
        assert (light.timeliness[3].met, light.timeliness[3].total) == (
            full.timeliness[3].met,
            full.timeliness[3].total,
        )
        assert light.breakdowns == full.breakdowns, "asked anyway, the breakdowns are read on their own"
        assert light.summary.by_category == [] and full.summary.by_category
