"""Triage, alerts, safeguarding and admin screens through the test client: who may do what."""

import re

import pytest
from sqlalchemy import select

from app.core.roles import Role
from app.escalations.models import SafeguardingCase, StopTheLineAlert
from app.extensions import db
from app.reports.models import Report
from app.triage.models import Triage, TriageMatrixVersion
from tests.factories import csrf_from_page, login


@pytest.fixture
def org(make):
    make.user("dsp@x.test", regions=["North"])
    make.user("dsp-other@x.test", regions=["North"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("sup-south@x.test", roles=[Role.SUPERVISOR], regions=["South"])
    make.user("nurse@x.test", roles=[Role.NURSE], regions=["North"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    make.user("safe@x.test", roles=[Role.SAFEGUARDING_LEAD], regions=[])
    make.user("manager@x.test", roles=[Role.MANAGER], regions=[])
    make.user("admin@x.test", roles=[Role.ADMIN], regions=[])
    make.region("South")
    return make


def as_user(app, email):
    client = app.test_client()
    login(client, email)
    return client


def triage_form(client, report_id, **overrides):
    data = {
        "csrf_token": csrf_from_page(client, f"/triage/{report_id}"),
        "still_at_risk_now": "no",
        "severity": "medium",
        "recurrence": "single",
        "minimum_investigation": "Brief huddle with both shifts",
        "event_class": "near_miss",
        "review_level": "brief_structured_review",
    }
    data.update(overrides)
    return client.post(f"/triage/{report_id}", data=data)


def test_supervisor_triages_own_region_only(app, org):
    north = org.report("dsp@x.test", what_happened="North medication issue")
    supervisor = as_user(app, "sup@x.test")
    queue = supervisor.get("/triage").get_data(as_text=True)
    assert "North medication issue" in queue
    response = triage_form(supervisor, north)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Triage)).report_id == north

    other = as_user(app, "sup-south@x.test")
    assert "North medication issue" not in other.get("/triage").get_data(as_text=True)
    assert other.get(f"/triage/{north}").status_code == 404
    token = csrf_from_page(other, "/triage")
    assert other.post(f"/triage/{north}", data={"csrf_token": token}).status_code == 404


def test_reviewers_without_triage_rights_are_refused(app, org):
    north = org.report("dsp@x.test")
    nurse = as_user(app, "nurse@x.test")
    assert nurse.get("/triage").status_code == 403
    assert nurse.get(f"/triage/{north}").status_code == 403
    assert as_user(app, "dsp@x.test").get("/triage").status_code == 403


def test_quality_lead_triages_anywhere(app, org):
    north = org.report("dsp@x.test")
    assert triage_form(as_user(app, "quality@x.test"), north).status_code == 302


def test_override_without_reason_is_refused_with_a_clear_message(app, org):
    north = org.report("dsp@x.test")
    supervisor = as_user(app, "sup@x.test")
    response = triage_form(
        supervisor, north, severity="medium", review_level="none", minimum_investigation="Typed answer kept"
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The matrix proposes “Brief structured review”. Give a reason to choose another level." in html
    assert "Typed answer kept" in html
    with app.app_context():
        assert db.session.scalar(select(Triage)) is None


def test_triage_form_shows_similar_reports_and_proposal(app, org):
    org.report("dsp@x.test", what_happened="Medication near miss again")  # same category, other words
    for _ in range(2):
        org.report("dsp@x.test", what_happened="Blister pack still had the old dose after the GP changed it")
    newest = org.report("dsp@x.test")
    html = as_user(app, "sup@x.test").get(f"/triage/{newest}").get_data(as_text=True)
    assert 'data-value="repeat"' in html and "2 similar within 90 days" in html
    assert "similar wording (0.90), same region, same category" in html
    assert "Medication near miss again" not in html
    assert "Matrix version 1 proposes" in html


def test_safeguarding_report_is_hidden_from_those_who_do_not_need_it(app, org):
    report_id = org.report(
        "dsp@x.test", category="safeguarding_rights", what_happened="Visitor asked for the bank card"
    )
    for email in ("sup@x.test", "quality@x.test", "safe@x.test", "dsp@x.test"):
        client = as_user(app, email)
        assert client.get(f"/api/v1/reports/{report_id}").status_code == 200, email
    for email in ("nurse@x.test", "manager@x.test", "admin@x.test", "sup-south@x.test", "dsp-other@x.test"):
        client = as_user(app, email)
        assert client.get(f"/api/v1/reports/{report_id}").status_code == 404, email
        assert client.get(f"/reports/{report_id}").status_code == 404, email
        assert "Visitor asked" not in client.get("/reports").get_data(as_text=True), email


def test_safeguarding_lead_records_a_decision(app, org):
    org.report("dsp@x.test", category="safeguarding_rights")
    with app.app_context():
        case_id = db.session.scalar(select(SafeguardingCase.id))
    lead = as_user(app, "safe@x.test")
    assert "Decide" in lead.get("/safeguarding").get_data(as_text=True)
    page = lead.get(f"/safeguarding/{case_id}").get_data(as_text=True)
    token = csrf_from_page(lead, f"/safeguarding/{case_id}")
    version = re.search(r'name="version" value="(\d+)"', page).group(1)  # the case the form was read from
    refused = lead.post(
        f"/safeguarding/{case_id}",
        data={"csrf_token": token, "version": version, "decision": "raise_concern"},
    )
    assert refused.status_code == 422 and "Give the reason" in refused.get_data(as_text=True)
    done = lead.post(
        f"/safeguarding/{case_id}",
        data={
            "csrf_token": token,
            "version": version,
            "decision": "raise_concern",
            "rationale": "Second request for money this month.",
            "persons_views": "Wants help.",
        },
    )
    assert done.status_code == 302
    quality = as_user(app, "quality@x.test")
    assert quality.get(f"/safeguarding/{case_id}").status_code == 200
    token = csrf_from_page(quality, f"/safeguarding/{case_id}")
    assert quality.post(f"/safeguarding/{case_id}", data={"csrf_token": token}).status_code == 403
    assert as_user(app, "sup@x.test").get("/safeguarding").status_code == 403


def test_alert_acknowledge_and_safeguards_by_the_regions_supervisor(app, org):
    report_id = org.report("dsp@x.test", still_at_risk=True)
    with app.app_context():
        alert_id = db.session.scalar(select(StopTheLineAlert.id))
    supervisor = as_user(app, "sup@x.test")
    assert f"NM-{report_id}" in supervisor.get("/triage").get_data(as_text=True)
    unread = supervisor.get("/notifications").get_data(as_text=True)
    assert f"Stop the line: report NM-{report_id}" in unread
    token = csrf_from_page(supervisor, f"/alerts/{alert_id}")
    assert supervisor.post(f"/alerts/{alert_id}/acknowledge", data={"csrf_token": token}).status_code == 302
    empty = supervisor.post(f"/alerts/{alert_id}/safeguards", data={"csrf_token": token, "safeguards": ""})
    assert empty.status_code == 422
    ok = supervisor.post(
        f"/alerts/{alert_id}/safeguards", data={"csrf_token": token, "safeguards": "Nurse visit booked today"}
    )
    assert ok.status_code == 302
    south = as_user(app, "sup-south@x.test")
    assert south.get(f"/alerts/{alert_id}").status_code == 404


def test_report_page_shows_clocks_and_history(app, org):
    report_id = org.report("dsp@x.test", still_at_risk=True)
    supervisor = as_user(app, "sup@x.test")
    triage_form(supervisor, report_id)
    html = supervisor.get(f"/reports/{report_id}").get_data(as_text=True)
    assert "Clocks" in html and "Triaged ✓" in html and "Stop-the-line acknowledged" in html
    assert "Report sent" in html and "Triaged" in html and "Stop the line raised" in html


def test_admin_edits_the_matrix_and_settings(app, org):
    admin = as_user(app, "admin@x.test")
    token = csrf_from_page(admin, "/admin/triage-matrix")
    cells = {
        f"{s}.{r}": level
        for s, row in {
            "low": {"single": "none", "repeat": "none", "cluster": "barrier_review"},
            "medium": {
                "single": "brief_structured_review",
                "repeat": "brief_structured_review",
                "cluster": "barrier_review",
            },
            "high": {
                "single": "barrier_review",
                "repeat": "full_systems_review",
                "cluster": "full_systems_review",
            },
        }.items()
        for r, level in row.items()
    }
    assert admin.post("/admin/triage-matrix", data={"csrf_token": token, **cells}).status_code == 302
    weakened = {**cells, "high.single": "none"}
    refused = admin.post("/admin/triage-matrix", data={"csrf_token": token, **weakened})
    assert refused.status_code == 422 and "at least a barrier review" in refused.get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.scalar(
                select(TriageMatrixVersion.version).order_by(TriageMatrixVersion.version.desc())
            )
            == 2
        )
    settings_token = csrf_from_page(admin, "/admin/settings")
    bad = admin.post("/admin/settings", data={"csrf_token": settings_token, "triage_target_hours": "soon"})
    assert bad.status_code == 422
    assert as_user(app, "sup@x.test").get("/admin/triage-matrix").status_code == 403


def test_duty_is_recorded_with_the_bodys_reference(app, org):
    report_id = org.report("dsp@x.test")
    supervisor = as_user(app, "sup@x.test")
    with app.app_context():
        from app.escalations.models import ExternalBody

        body_id = db.session.scalar(select(ExternalBody.id).where(ExternalBody.code == "licensing"))
    triage_form(supervisor, report_id, external_body_ids=str(body_id))
    with app.app_context():
        report = db.session.get(Report, report_id)
        duty_id = report.external_duties[0].id
    token = csrf_from_page(supervisor, f"/reports/{report_id}")
    supervisor.post(f"/duties/{duty_id}/done", data={"csrf_token": token, "reference": "LIC-2026-118"})
    html = supervisor.get(f"/reports/{report_id}").get_data(as_text=True)
    assert "reference LIC-2026-118" in html


def test_admin_configures_external_bodies(app, org):
    admin = as_user(app, "admin@x.test")
    token = csrf_from_page(admin, "/admin/external-bodies")
    bad = admin.post(
        "/admin/external-bodies",
        data={"csrf_token": token, "code": "ombudsman", "name": "Ombudsman", "due_amount": "soon"},
    )
    assert bad.status_code == 422 and "Give the time allowed" in bad.get_data(as_text=True)
    ok = admin.post(
        "/admin/external-bodies",
        data={
            "csrf_token": token,
            "code": "ombudsman",
            "name": "Ombudsman",
            "due_amount": "5",
            "unit": "business_days",
            "active": "on",
        },
    )
    assert ok.status_code == 302
    with app.app_context():
        from app.escalations.models import ExternalBody

        body = db.session.scalar(select(ExternalBody).where(ExternalBody.code == "ombudsman"))
        assert body.due_amount == 5 and body.due_in_business_days and body.active
    assert as_user(app, "quality@x.test").get("/admin/external-bodies").status_code == 403
