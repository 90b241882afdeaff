"""Incidents through the test client: the report page section both ways, recording later, linking,
who is refused, and the categories' administration page."""

import pytest
from sqlalchemy import select

from app.core.roles import Role
from app.extensions import db
from app.incidents.models import IncidentCategory, WarningLink
from app.reports.models import Report
from tests.factories import csrf_from_page, login


@pytest.fixture
def org(make):
    make.user("dsp@x.test", regions=["North"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("sup-south@x.test", roles=[Role.SUPERVISOR], regions=["South"])
    make.user("admin@x.test", roles=[Role.ADMIN], regions=[])
    make.region("South")
    return make


def as_user(app, email):
    client = app.test_client()
    login(client, email)
    return client


def category_id(app, code):
    with app.app_context():
        return db.session.scalar(select(IncidentCategory.id).where(IncidentCategory.code == code))


def record(client, report_id, **data):
    token = csrf_from_page(client, f"/reports/{report_id}")
    return client.post(f"/reports/{report_id}/incident", data={"csrf_token": token, **data})


def test_recording_later_and_linking_show_on_both_report_pages(app, org):
    warning = org.report("dsp@x.test", occurred_at="2026-11-01T10:00:00+00:00", what_happened="Sling frayed")
    incident = org.report("dsp@x.test", occurred_at="2026-11-10T10:00:00+00:00")
    sup = as_user(app, "sup@x.test")
    page = sup.get(f"/reports/{incident}").get_data(as_text=True)
    assert "Record that it reached the person" in page
    refused = record(sup, incident, category_id="", reason="x")
    assert refused.status_code == 422 and "Choose the critical-incident category." in refused.get_data(
        as_text=True
    )
    assert 'name="reason"' in refused.get_data(as_text=True)
    saved = record(
        sup,
        incident,
        category_id=category_id(app, "serious_injury"),
        reason="The sling gave way in the transfer",
    )
    assert saved.status_code == 302
    with app.app_context():
        assert db.session.get(Report, incident).status == "handed_off"

    token = csrf_from_page(sup, f"/reports/{incident}")
    linked = sup.post(f"/reports/{incident}/warnings", data={"csrf_token": token, "other": f"NM-{warning}"})
    assert linked.status_code == 302
    incident_page = sup.get(f"/reports/{incident}").get_data(as_text=True)
    assert "Serious injury" in incident_page and f"NM-{warning}</a>" in incident_page
    warning_page = sup.get(f"/reports/{warning}").get_data(as_text=True)
    assert "Incidents it warned of" in warning_page and f"NM-{incident}</a>" in warning_page


def test_another_regions_supervisor_cannot_record_or_link(app, org):
    warning = org.report("dsp@x.test", occurred_at="2026-11-01T10:00:00+00:00")
    incident = org.report("dsp@x.test", occurred_at="2026-11-10T10:00:00+00:00")
    south = as_user(app, "sup-south@x.test")
    token = csrf_from_page(south, "/triage")
    assert south.get(f"/reports/{incident}/incident").status_code == 404
    assert (
        south.post(
            f"/reports/{incident}/incident", data={"csrf_token": token, "category_id": "1"}
        ).status_code
        == 404
    )
    assert (
        south.post(
            f"/reports/{incident}/warnings", data={"csrf_token": token, "other": str(warning)}
        ).status_code
        == 404
    )
    dsp = as_user(app, "dsp@x.test")
    assert dsp.get(f"/reports/{incident}/incident").status_code == 403
    with app.app_context():
        assert db.session.scalar(select(WarningLink)) is None


def test_a_link_to_a_report_the_user_cannot_see_is_refused_like_an_unknown_one(app, org):
    incident = org.report("dsp@x.test", occurred_at="2026-11-10T10:00:00+00:00")
    make_south = org.user("dsp-south@x.test", regions=["South"])
    assert make_south
    south_warning = org.report("dsp-south@x.test", region="South", occurred_at="2026-11-01T10:00:00+00:00")
    sup = as_user(app, "sup@x.test")
    record(sup, incident, category_id=category_id(app, "neglect"), reason="The visit was missed entirely")
    for other in (f"NM-{south_warning}", "NM-999999", "nonsense"):
        token = csrf_from_page(sup, f"/reports/{incident}")
        answer = sup.post(
            f"/reports/{incident}/warnings", data={"csrf_token": token, "other": other}, follow_redirects=True
        )
        assert "Link only reports you can see (NM-numbers)." in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(WarningLink)) is None


def test_triage_form_asks_for_the_category_of_an_incident(app, org):
    report = org.report("dsp@x.test")
    sup = as_user(app, "sup@x.test")
    data = {
        "csrf_token": csrf_from_page(sup, f"/triage/{report}"),
        "still_at_risk_now": "no",
        "severity": "medium",
        "recurrence": "single",
        "minimum_investigation": "Brief huddle with both shifts",
        "event_class": "incident",
        "review_level": "brief_structured_review",
    }
    refused = sup.post(f"/triage/{report}", data=data)
    assert refused.status_code == 422 and 'id="incident_category_id-error"' in refused.get_data(as_text=True)
    saved = sup.post(f"/triage/{report}", data={**data, "incident_category_id": category_id(app, "abuse")})
    assert saved.status_code == 302
    assert "Abuse" in sup.get(f"/reports/{report}").get_data(as_text=True)


def test_admin_renames_and_deactivates_a_category(app, org):
    admin = as_user(app, "admin@x.test")
    page = admin.get("/admin/incident-categories").get_data(as_text=True)
    assert "Restraint or seclusion misuse" in page
    abuse = category_id(app, "abuse")
    token = csrf_from_page(admin, "/admin/incident-categories")
    edit = {"csrf_token": token, "name": "Abuse (any kind)", "description": "", "sort_order": "10"}
    assert admin.post(f"/admin/incident-categories/{abuse}", data=edit).status_code == 302
    off = admin.post(f"/admin/incident-categories/{abuse}/active", data={"csrf_token": token, "active": "no"})
    assert off.status_code == 302
    bad = admin.post(
        "/admin/incident-categories", data={"csrf_token": token, "code": "Bad", "name": "", "sort_order": "x"}
    )
    assert bad.status_code == 422
    with app.app_context():
        row = db.session.get(IncidentCategory, abuse)
        assert row.name == "Abuse (any kind)" and not row.active
    assert as_user(app, "sup@x.test").get("/admin/incident-categories").status_code == 403
