"""Incidents called without HTTP: recording at triage and later, warning links, their visibility,
the categories' administration, and the per-theme figures."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.core.audit.models import AuditEvent
from app.core.roles import Role
from app.escalations.models import ExternalDuty
from app.extensions import db
from app.incidents.models import IncidentCategory, WarningLink
from app.incidents.operations import (
    IncidentInvalid,
    link_warning,
    reclassify_as_incident,
    save_incident_category,
    set_incident_category_active,
    unlink_warning,
)
from app.incidents.queries import (
    active_incident_categories,
    incidents_after,
    theme_warnings,
    warnings_before,
)
from app.reports.models import Report
from app.triage.operations import TriageAnswers, TriageInvalid, triage_report

TZ = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=TZ)


@pytest.fixture
def org(make):
    make.user("dsp@x.test", regions=["North"])
    make.user("dsp-south@x.test", regions=["South"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("sup-south@x.test", roles=[Role.SUPERVISOR], regions=["South"])
    make.user("nurse@x.test", roles=[Role.NURSE], regions=["North"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    make.user("admin@x.test", roles=[Role.ADMIN], regions=[])
    return make


def user(email):
    return db.session.scalar(select(User).where(User.email == email))


def category(code):
    return db.session.scalar(select(IncidentCategory).where(IncidentCategory.code == code))


def report_at(org, days_ago, *, reporter="dsp@x.test", region="North", **overrides):
    when = (NOW - timedelta(days=days_ago)).isoformat()
    return db.session.get(Report, org.report(reporter, region=region, occurred_at=when, **overrides))


def answers(**overrides):
    base = {
        "still_at_risk_now": False,
        "severity": "high",
        "recurrence": "single",
        "minimum_investigation": "Walk through the medication round with the team",
        "event_class": "near_miss",
        "review_level": "barrier_review",
    }
    base.update(overrides)
    return TriageAnswers(**base)


def actions_on(report_id):
    return [
        e.action
        for e in db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.object_type == "report", AuditEvent.object_id == str(report_id)
            )
        )
    ]


def test_the_default_categories_are_the_cms_shaped_list(org, ctx):
    codes = [c.code for c in active_incident_categories()]
    assert codes[:3] == ["abuse", "neglect", "exploitation"]
    for code in ("medication_error", "unexpected_death", "missing_person", "restrictive_intervention"):
        assert code in codes
    assert len(codes) == 10


def test_triage_to_incident_needs_a_category_and_records_it(org, ctx):
    report = report_at(org, 1)
    with pytest.raises(TriageInvalid) as refused:
        triage_report(report, user("sup@x.test"), answers(event_class="incident"), tz=TZ)
    assert "incident_category_id" in refused.value.errors
    db.session.rollback()
    report = db.session.get(Report, report.id)
    chosen = category("serious_injury")
    triage_report(
        report, user("sup@x.test"), answers(event_class="incident", incident_category_id=chosen.id), tz=TZ
    )
    assert report.incident.category == chosen and report.incident.recorded_via == "triage"
    assert report.status == "handed_off"
    assert "incident.record" in actions_on(report.id)


def test_an_incident_is_never_triaged_back_into_a_near_miss(org, ctx):
    report = report_at(org, 1)
    reclassify_as_incident(
        report,
        user("sup@x.test"),
        category_id=category("neglect").id,
        reason="The evening visit was missed",
        tz=TZ,
    )
    with pytest.raises(TriageInvalid) as refused:
        triage_report(report, user("sup@x.test"), answers(), tz=TZ)
    assert "stays an incident" in refused.value.errors["event_class"][0]


def test_reclassifying_after_triage_hands_off_with_the_external_clock(org, ctx):
    report = report_at(org, 2)
    triage = triage_report(report, user("sup@x.test"), answers(), tz=TZ)
    version = triage.version
    db.session.flush()
    record = reclassify_as_incident(
        report,
        user("nurse@x.test"),
        category_id=category("medication_error").id,
        reason="The dose was given after all; urgent care visit",
        tz=TZ,
    )
    assert record.recorded_via == "reclassified" and record.reason.startswith("The dose")
    assert report.event_class == "incident" and report.status == "handed_off"
    assert triage.event_class == "incident" and triage.version == version + 1
    duty = db.session.scalar(select(ExternalDuty).where(ExternalDuty.report_id == report.id))
    assert duty.body.code == "state_incident_system"
    assert {"incident.reclassify", "incident.record", "external_duty.add"} <= set(actions_on(report.id))


def test_reclassifying_needs_a_reason_an_active_category_and_the_right_role(org, ctx):
    report = report_at(org, 2)
    with pytest.raises(IncidentInvalid) as refused:
        reclassify_as_incident(report, user("sup@x.test"), category_id=None, reason="short", tz=TZ)
    assert set(refused.value.errors) == {"category_id", "reason"}
    retired = category("law_enforcement")
    retired.active = False
    with pytest.raises(IncidentInvalid):
        reclassify_as_incident(
            report, user("sup@x.test"), category_id=retired.id, reason="Police were called to the home", tz=TZ
        )
    for outsider in ("sup-south@x.test", "dsp@x.test", "admin@x.test"):
        with pytest.raises(IncidentInvalid):
            reclassify_as_incident(
                report,
                user(outsider),
                category_id=category("abuse").id,
                reason="It reached the person",
                tz=TZ,
            )
    assert report.event_class == "near_miss"


def test_a_link_shows_both_ways_and_is_audited_on_both_reports(org, ctx):
    warning = report_at(org, 20)
    incident = report_at(org, 2)
    reclassify_as_incident(
        incident,
        user("sup@x.test"),
        category_id=category("neglect").id,
        reason="Missed visit, person fell",
        tz=TZ,
    )
    link = link_warning(warning, incident, user("sup@x.test"))
    sup = user("sup@x.test")
    assert [w.report.id for w in warnings_before(incident, sup)] == [warning.id]
    assert [i.report.id for i in incidents_after(warning, sup)] == [incident.id]
    assert "warning_link.add" in actions_on(warning.id) and "warning_link.add" in actions_on(incident.id)
    assert link_warning(warning, incident, sup).id == link.id, "linking twice keeps one link"
    unlink_warning(link, sup)
    assert db.session.scalar(select(WarningLink)) is None
    assert "warning_link.remove" in actions_on(warning.id) and "warning_link.remove" in actions_on(
        incident.id
    )


def test_a_warning_comes_first_and_is_not_an_incident(org, ctx):
    sup = user("sup@x.test")
    incident = report_at(org, 10)
    later = report_at(org, 1)
    reclassify_as_incident(
        incident, sup, category_id=category("abuse").id, reason="It reached the person", tz=TZ
    )
    with pytest.raises(IncidentInvalid) as refused:
        link_warning(later, incident, sup)
    assert "a warning comes first" in refused.value.errors["other"][0]
    with pytest.raises(IncidentInvalid):
        link_warning(later, later, sup)
    with pytest.raises(IncidentInvalid):
        link_warning(incident, incident, sup)


def test_a_supervisor_of_another_region_cannot_link_nor_see_a_link(org, ctx):
    north_warning = report_at(org, 20)
    north_incident = report_at(org, 2)
    south_warning = report_at(org, 15, reporter="dsp-south@x.test", region="South")
    reclassify_as_incident(
        north_incident,
        user("sup@x.test"),
        category_id=category("neglect").id,
        reason="Missed visit, fell",
        tz=TZ,
    )
    link_warning(north_warning, north_incident, user("quality@x.test"))
    south = user("sup-south@x.test")
    assert warnings_before(north_incident, south) == [] and incidents_after(north_warning, south) == []
    with pytest.raises(IncidentInvalid) as refused:
        link_warning(north_warning, north_incident, south)
    assert refused.value.errors == {"other": ["Link only reports you can see (NM-numbers)."]}
    with pytest.raises(IncidentInvalid):
        link_warning(south_warning, north_incident, south)
    with pytest.raises(IncidentInvalid):
        link_warning(south_warning, north_incident, user("sup@x.test"))
    with pytest.raises(IncidentInvalid):
        link_warning(None, north_incident, user("sup@x.test"))
    # The quality lead sees both regions; a North supervisor sees the link to the North warning only.
    link_warning(south_warning, north_incident, user("quality@x.test"))
    assert [w.report.id for w in warnings_before(north_incident, user("sup@x.test"))] == [north_warning.id]
    assert len(warnings_before(north_incident, user("quality@x.test"))) == 2


def test_theme_figures_count_near_misses_incidents_and_warned_incidents(org, ctx):
    sup = user("sup@x.test")
    warnings = [report_at(org, d) for d in (30, 25, 20, 15)]
    incidents = [report_at(org, d) for d in (10, 5)]
    report_at(org, 3, category="falls_mobility")
    for incident in incidents:
        reclassify_as_incident(
            incident, sup, category_id=category("medication_error").id, reason="The dose reached them", tz=TZ
        )
    link_warning(warnings[0], incidents[0], sup)
    link_warning(warnings[1], incidents[0], sup)
    start, end = NOW - timedelta(days=60), NOW + timedelta(days=1)
    [theme] = theme_warnings(start, end, None)
    assert (theme.region, theme.category) == ("North", "Medication")
    assert (theme.near_misses, theme.incidents, theme.warned, theme.per_incident) == (4, 2, 1, 2.0)
    assert theme_warnings(start, end, frozenset({-1})) == []


def test_categories_are_added_renamed_and_deactivated_with_audit(org, ctx):
    admin = user("admin@x.test")
    added = save_incident_category(admin, code="choking", name="Choking", description="", sort_order=200)
    save_incident_category(admin, category=added, name="Choking or aspiration", sort_order=5)
    assert active_incident_categories()[0].name == "Choking or aspiration"
    with pytest.raises(IncidentInvalid) as refused:
        save_incident_category(admin, code="choking", name="Another", sort_order=1)
    assert "code" in refused.value.errors
    with pytest.raises(IncidentInvalid):
        save_incident_category(admin, code="Bad Code", name="Abuse", sort_order=None)
    set_incident_category_active(admin, added, False)
    assert added not in active_incident_categories()
    *others, last = active_incident_categories()
    for other in others:
        set_incident_category_active(admin, other, False)
    with pytest.raises(IncidentInvalid) as refused:
        set_incident_category_active(admin, last, False)
    assert "at least one" in refused.value.errors["active"][0]
    actions = [
        e.action
        for e in db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "incident_category"))
    ]
    assert actions[:3] == [
        "incident_category.create",
        "incident_category.edit",
        "incident_category.deactivate",
    ]
