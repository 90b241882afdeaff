"""Trends, clusters and action measures count a report under the triager's interface type once it is
triaged (none when the triager found no interface failure); the reporter's tag before triage."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.actions.measure import MeasureFilter
from app.actions.queries import matching_report_days
from app.auth.models import User
from app.core.dates import monday
from app.core.models import now_utc
from app.core.roles import Role
from app.dashboard.models import Cluster
from app.dashboard.operations import detect_clusters
from app.dashboard.queries import Scope, period_summary, weekly_counts
from app.extensions import db
from app.reports.models import Report
from app.triage.operations import TriageAnswers, triage_report

TZ = ZoneInfo("America/New_York")


@pytest.fixture
def last_week(org_day) -> date:
    return monday(org_day) - timedelta(weeks=1)


@pytest.fixture
def org(make, frozen_now):
    make.user("dsp@x.test", regions=["North"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    return make


def at(day: date, hour=12) -> str:
    return datetime.combine(day, time(hour), tzinfo=TZ).isoformat()


def triage_as(report_id: int, interface_type: str | None) -> None:
    """Triage the report, judging the interface failure ``interface_type`` (None: no interface failure)."""
    triage_report(
        db.session.get(Report, report_id),
        db.session.scalar(select(User).where(User.email == "quality@x.test")),
        TriageAnswers(
            still_at_risk_now=False,
            severity="low",
            recurrence="single",
            minimum_investigation="Log it and learn",
            event_class="near_miss",
            review_level="none",
            override_reason="Logged; the theme is known",
            interface_flag=interface_type is not None,
            interface_type=interface_type or "",
        ),
        tz=TZ,
    )


@pytest.fixture
def judged(app, org, last_week):
    """Four reports of last week, three tagged "handover" by their reporters: one left untriaged, one
    triaged as a plan update, one triaged as no interface failure; and an untagged one triaged as a
    scheduling change."""
    day = at(last_week + timedelta(days=2))
    ids = {
        "untriaged": org.report("dsp@x.test", interface_tag="handover", occurred_at=day),
        "plan_update": org.report("dsp@x.test", interface_tag="handover", occurred_at=day),
        "no_interface": org.report("dsp@x.test", interface_tag="handover", occurred_at=day),
        "scheduling_change": org.report("dsp@x.test", occurred_at=day),
    }
    with app.app_context():
        triage_as(ids["plan_update"], "plan_update")
        triage_as(ids["no_interface"], None)
        triage_as(ids["scheduling_change"], "scheduling_change")
        db.session.commit()
    return ids


def test_trends_break_reports_down_by_the_triagers_interface_type(app, judged, last_week):
    with app.app_context():
        scope = Scope(last_week, last_week, None)
        summary = period_summary(scope, TZ, triage_target=timedelta(hours=72), now=now_utc())
        assert dict(summary.by_interface) == {
            "handover": 1,
            "plan_update": 1,
            "scheduling_change": 1,
            None: 1,
        }
        for interface_type, expected in (("handover", 1), ("plan_update", 1), ("other", 0)):
            filtered = Scope(last_week, last_week, None, interface_type=interface_type)
            assert sum(weekly_counts(filtered, TZ)) == expected, interface_type


def test_action_measures_count_the_triagers_interface_type(app, judged, last_week):
    with app.app_context():
        days = matching_report_days(
            MeasureFilter(interface_types=("plan_update",)), last_week, last_week + timedelta(days=6), TZ
        )
        assert days == [last_week + timedelta(days=2)]
        handover = MeasureFilter(interface_types=("handover",))
        assert len(matching_report_days(handover, last_week, last_week + timedelta(days=6), TZ)) == 1


def test_clusters_are_found_in_the_triagers_interface_type(app, org, last_week):
    burst = [
        org.report(
            "dsp@x.test",
            category="transport",
            interface_tag="handover",
            occurred_at=at(last_week + timedelta(days=day)),
        )
        for day in range(4)
    ]
    with app.app_context():
        for report_id in burst:
            triage_as(report_id, "scheduling_change")
        detect_clusters(last_week, tz=TZ)
        db.session.commit()
        stored = list(db.session.scalars(select(Cluster).where(Cluster.method == "poisson_fdr")))
        by_interface = {c.interface_type: c for c in stored if c.category_id is None}
        assert set(by_interface) == {"scheduling_change"}
        assert sorted(r.id for r in by_interface["scheduling_change"].reports) == sorted(burst)
