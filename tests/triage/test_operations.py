"""Triage decisions and matrix versions, called without HTTP."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.core.roles import Role
from app.dashboard.models import Cluster
from app.escalations.models import ExternalDuty, SafeguardingCase, StopTheLineAlert
from app.extensions import db
from app.incidents.models import IncidentCategory
from app.reports.models import Report
from app.triage.matrix import DEFAULT_MATRIX, as_plain
from app.triage.models import TriageMatrixVersion
from app.triage.operations import (
    TriageAnswers,
    TriageInvalid,
    current_matrix,
    recurrence_for,
    save_matrix,
    triage_report,
)

TZ = ZoneInfo("America/New_York")


@pytest.fixture
def org(make):
    make.user("dsp@x.test", regions=["North"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("admin@x.test", roles=[Role.ADMIN], regions=[])
    make.user("safe@x.test", roles=[Role.SAFEGUARDING_LEAD], regions=[])
    return make


def user(email):
    return db.session.scalar(select(User).where(User.email == email))


def answers(**overrides):
    base = {
        "still_at_risk_now": False,
        "severity": "medium",
        "recurrence": "single",
        "minimum_investigation": "Walk through the handover sheet with both shifts",
        "event_class": "near_miss",
        "review_level": "brief_structured_review",
    }
    base.update(overrides)
    return TriageAnswers(**base)


def test_triage_records_the_matrix_version_and_proposal(org, ctx):
    report = db.session.get(Report, org.report("dsp@x.test"))
    triage = triage_report(report, user("sup@x.test"), answers(), tz=TZ)
    assert triage.matrix_version.version == 1
    assert triage.proposed_review_level == "brief_structured_review"
    assert triage.override_reason is None
    assert report.status == "in_review", "the brief review triage decided is open"


def test_override_without_reason_is_refused_with_the_proposal_named(org, ctx):
    report = db.session.get(Report, org.report("dsp@x.test"))
    with pytest.raises(TriageInvalid) as caught:
        triage_report(report, user("sup@x.test"), answers(severity="medium", review_level="none"), tz=TZ)
    assert caught.value.errors["override_reason"] == [
        "The matrix proposes “Brief structured review”. Give a reason to choose another level."
    ]
    triage = triage_report(
        report,
        user("sup@x.test"),
        answers(
            severity="high",
            review_level="full_systems_review",
            override_reason="Third time at this address; the commissioner asked for a full review",
        ),
        tz=TZ,
    )
    assert triage.proposed_review_level == "barrier_review" and triage.review_level == "full_systems_review"


def test_missing_answers_are_each_named(org, ctx):
    report = db.session.get(Report, org.report("dsp@x.test"))
    with pytest.raises(TriageInvalid) as caught:
        triage_report(
            report,
            user("sup@x.test"),
            TriageAnswers(
                still_at_risk_now=None,
                severity="",
                recurrence="",
                minimum_investigation="",
                event_class="",
                review_level="",
                interface_flag=True,
            ),
            tz=TZ,
        )
    assert {
        "still_at_risk_now",
        "severity",
        "recurrence",
        "minimum_investigation",
        "event_class",
        "review_level",
        "interface_type",
    } <= set(caught.value.errors)


def test_new_matrix_version_is_used_and_the_old_kept(org, ctx):
    cells = as_plain(DEFAULT_MATRIX)
    cells["medium"]["single"] = "none"
    version = save_matrix(cells, actor=user("admin@x.test"), note="Lighter touch for medium singles")
    db.session.commit()
    assert version.version == 2 and current_matrix().id == version.id
    assert db.session.scalar(select(TriageMatrixVersion).where(TriageMatrixVersion.version == 1))
    report = db.session.get(Report, org.report("dsp@x.test"))
    triage = triage_report(report, user("sup@x.test"), answers(review_level="none"), tz=TZ)
    assert triage.matrix_version.version == 2 and triage.proposed_review_level == "none"


def test_weakening_the_matrix_is_refused(org, ctx):
    cells = as_plain(DEFAULT_MATRIX)
    cells["high"]["repeat"] = "none"
    with pytest.raises(TriageInvalid) as caught:
        save_matrix(cells, actor=user("admin@x.test"))
    assert "high.repeat" in caught.value.errors


def test_recurrence_proposal_from_the_database(org, ctx):
    now = db.session.get(Report, org.report("dsp@x.test")).occurred_at
    for days in (3, 10):
        org.report("dsp@x.test", occurred_at=(now - timedelta(days=days)).isoformat())
    # Same words, same region, but neither the category nor a location or program: not similar.
    org.report("dsp@x.test", category="transport", occurred_at=(now - timedelta(days=1)).isoformat())
    # Outside the 90-day look-back window.
    org.report("dsp@x.test", occurred_at=(now - timedelta(days=91)).isoformat())
    newest = db.session.scalar(
        select(Report).where(Report.category.has(code="medication")).order_by(Report.occurred_at.desc())
    )
    proposal = recurrence_for(newest)
    assert len(proposal.similar) == 2
    # Two medication reports in the week against one in the 12 weeks before (and the report 91 days
    # back shows the organisation has history): the detector's test flags the theme.
    assert proposal.recurrence.value == "cluster"
    assert proposal.unusual.startswith("unusual for North: 2 reports of Medication in 1 week")
    assert proposal.matched_on[proposal.similar[0].id] == [
        "similar wording (1.00)",
        "same region",
        "same category",
    ]


def test_same_person_in_another_region_is_similar_but_a_location_word_is_not(org, ctx):
    org.user("dsp-south@x.test", regions=["South"])
    report = db.session.get(Report, org.report("dsp@x.test", person_ref="JD-102", location="Bedroom"))
    same_person = org.report("dsp-south@x.test", region="South", category="transport", person_ref="jd-102")
    org.report("dsp-south@x.test", region="South", location="Bedroom")
    proposal = recurrence_for(report)
    assert [o.id for o in proposal.similar] == [same_person]
    assert proposal.matched_on[same_person] == ["similar wording (1.00)", "same person"]


def test_an_open_stored_cluster_holding_the_report_proposes_cluster(org, ctx):
    report = db.session.get(Report, org.report("dsp@x.test"))
    assert recurrence_for(report).recurrence.value == "single"
    cluster = Cluster(
        method="local_rule",
        week_start=report.occurred_at.date(),
        cell_key="North|medication",
        observed=3,
        status="new",
        reports=[report],
    )
    db.session.add(cluster)
    db.session.flush()
    assert recurrence_for(report).recurrence.value == "cluster"
    assert recurrence_for(report).open_cluster_ids == [cluster.id]
    cluster.status = "dismissed"
    db.session.flush()
    assert recurrence_for(report).recurrence.value == "single"


def test_triggers_route_to_safeguarding_and_incident_is_handed_off(org, ctx):
    report = db.session.get(Report, org.report("dsp@x.test"))
    triage_report(
        report,
        user("sup@x.test"),
        answers(
            safeguarding_triggers=["financial_exploitation"],
            event_class="incident",
            severity="high",
            review_level="barrier_review",
            incident_category_id=db.session.scalar(
                select(IncidentCategory.id).where(IncidentCategory.code == "exploitation")
            ),
        ),
        tz=TZ,
    )
    assert report.incident.category.code == "exploitation" and report.incident.recorded_via == "triage"
    case = db.session.scalar(select(SafeguardingCase))
    assert case.routed_because == "triage" and case.triggers == ["financial_exploitation"]
    assert report.safeguarding_restricted and report.status == "handed_off"
    assert report.event_class == "incident"
    duty = db.session.scalar(select(ExternalDuty))
    assert duty.body.code == "state_incident_system"


def test_still_at_risk_found_at_triage_stops_the_line(org, ctx):
    report = db.session.get(Report, org.report("dsp@x.test", still_at_risk=False))
    triage_report(report, user("sup@x.test"), answers(still_at_risk_now=True), tz=TZ)
    assert db.session.scalar(select(StopTheLineAlert)).report_id == report.id
