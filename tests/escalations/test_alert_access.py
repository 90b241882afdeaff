"""An escalated stop-the-line alert reaches, and opens for, only people who may read its report.

Escalation used to widen access: after the acknowledgement target, every supervisor of every region
and the operations lead were told and could open ``/alerts/<id>`` (the full report, safeguarding ones
included) while ``/reports/<id>`` gave them 404.
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.core.roles import Role
from app.escalations.models import ExternalBody, StopTheLineAlert
from app.escalations.operations import add_external_duty, can_handle_alert, escalate_overdue_alerts
from app.extensions import db
from app.notifications.models import Notification
from app.reports.models import Report
from tests.factories import csrf_from_page, login

STAFF = {
    "sup@x.test": ([Role.SUPERVISOR], ["North"]),
    "sup-south@x.test": ([Role.SUPERVISOR], ["South"]),
    "nurse@x.test": ([Role.NURSE], ["North"]),
    "ops@x.test": ([Role.OPERATIONS_LEAD], ["North", "South"]),
    "quality@x.test": ([Role.QUALITY_LEAD], []),
    "safeguarding@x.test": ([Role.SAFEGUARDING_LEAD], []),
    "manager@x.test": ([Role.MANAGER], []),
    "admin@x.test": ([Role.ADMIN], []),
}


@pytest.fixture
def org(make):
    make.user("dsp@x.test", regions=["North"])
    for email, (roles, regions) in STAFF.items():
        make.user(email, roles=roles, regions=regions)
    return make


def _alert_for(report_id) -> StopTheLineAlert:
    return db.session.scalar(select(StopTheLineAlert).where(StopTheLineAlert.report_id == report_id))


def _told_about(alert) -> dict[str, int]:
    """How many notifications linking to ``alert`` each person has."""
    rows = db.session.execute(
        select(User.email)
        .join(Notification, Notification.user_id == User.id)
        .where(Notification.link == f"/alerts/{alert.id}")
    )
    counts: dict[str, int] = {}
    for (email,) in rows:
        counts[email] = counts.get(email, 0) + 1
    return counts


def _user(email) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def test_an_escalated_safeguarding_alert_reaches_only_those_who_see_safeguarding_reports(org, ctx):
    report_id = org.report("dsp@x.test", category="safeguarding_rights", still_at_risk=True)
    alert = _alert_for(report_id)
    assert alert.report.safeguarding_restricted

    escalate_overdue_alerts(now=alert.raised_at + timedelta(hours=2))

    assert alert.level == 3
    assert _told_about(alert) == {"sup@x.test": 1, "quality@x.test": 1, "safeguarding@x.test": 1}
    for email in ("sup@x.test", "quality@x.test", "safeguarding@x.test"):
        assert can_handle_alert(_user(email), alert), email
    for email in ("sup-south@x.test", "ops@x.test", "manager@x.test", "admin@x.test", "nurse@x.test"):
        assert not can_handle_alert(_user(email), alert), email


def test_an_ordinary_alert_goes_to_the_regions_supervisors_then_the_organisation_wide_leads(org, ctx):
    report_id = org.report("dsp@x.test", still_at_risk=True)
    alert = _alert_for(report_id)
    raised = alert.raised_at
    assert _told_about(alert) == {"sup@x.test": 1}
    assert not can_handle_alert(_user("quality@x.test"), alert)

    escalate_overdue_alerts(now=raised + timedelta(minutes=15))
    assert alert.level == 2
    assert _told_about(alert) == {"sup@x.test": 1, "quality@x.test": 1, "safeguarding@x.test": 1}
    assert can_handle_alert(_user("quality@x.test"), alert)
    assert not can_handle_alert(_user("manager@x.test"), alert)

    escalate_overdue_alerts(now=raised + timedelta(minutes=30))
    assert alert.level == 3
    assert _told_about(alert) == {
        "sup@x.test": 1,
        "quality@x.test": 1,
        "safeguarding@x.test": 1,
        "manager@x.test": 1,
    }
    assert can_handle_alert(_user("manager@x.test"), alert)
    for email in ("sup-south@x.test", "ops@x.test", "admin@x.test", "nurse@x.test"):
        assert not can_handle_alert(_user(email), alert), email


def _signed_in(app, email):
    client = app.test_client()
    login(client, email)
    return client


@pytest.mark.parametrize("category", ["safeguarding_rights", "medication"])
def test_the_alert_page_opens_exactly_for_those_who_may_open_the_report(app, org, category):
    report_id = org.report("dsp@x.test", category=category, still_at_risk=True)
    with app.app_context():
        alert = _alert_for(report_id)
        alert_id = alert.id
        escalate_overdue_alerts(now=alert.raised_at + timedelta(hours=2))
        db.session.commit()
    answers = {}
    for email in STAFF:
        client = _signed_in(app, email)
        report_status = client.get(f"/reports/{report_id}").status_code
        alert_status = client.get(f"/alerts/{alert_id}").status_code
        assert alert_status == report_status, email
        answers[email] = alert_status
    # The reporter reads their report in the reporter's view only: who acknowledged the alert and
    # the safeguards are staff work, so the alert page is not theirs.
    reporter = _signed_in(app, "dsp@x.test")
    assert reporter.get(f"/reports/{report_id}").status_code == 200
    assert reporter.get(f"/alerts/{alert_id}").status_code == 404
    assert answers["sup-south@x.test"] == 404
    assert answers["sup@x.test"] == answers["quality@x.test"] == 200
    if category == "safeguarding_rights":
        for email in ("ops@x.test", "manager@x.test", "nurse@x.test", "admin@x.test"):
            assert answers[email] == 404, email


def test_a_forbidden_alert_cannot_be_acted_on_and_looks_like_an_unknown_one(app, org):
    report_id = org.report("dsp@x.test", category="safeguarding_rights", still_at_risk=True)
    with app.app_context():
        alert = _alert_for(report_id)
        alert_id = alert.id
        escalate_overdue_alerts(now=alert.raised_at + timedelta(hours=2))
        db.session.commit()
    for email in ("sup-south@x.test", "ops@x.test"):
        client = _signed_in(app, email)
        token = csrf_from_page(client, "/report")
        unknown = client.get(f"/alerts/{alert_id + 1000}")
        forbidden = client.get(f"/alerts/{alert_id}")
        assert forbidden.status_code == unknown.status_code == 404
        assert forbidden.get_data() == unknown.get_data()
        for action in ("acknowledge", "safeguards"):
            answer = client.post(
                f"/alerts/{alert_id}/{action}", data={"csrf_token": token, "safeguards": "Stayed with them"}
            )
            assert answer.status_code == 404, (email, action)
    with app.app_context():
        assert _alert_for(report_id).acknowledged_at is None


def test_an_organisation_wide_lead_told_at_level_two_can_acknowledge(app, org):
    report_id = org.report("dsp@x.test", category="safeguarding_rights", still_at_risk=True)
    client = _signed_in(app, "safeguarding@x.test")
    token = csrf_from_page(client, "/report")
    with app.app_context():
        alert_id = _alert_for(report_id).id
    assert client.post(f"/alerts/{alert_id}/acknowledge", data={"csrf_token": token}).status_code == 403
    with app.app_context():
        alert = _alert_for(report_id)
        escalate_overdue_alerts(now=alert.raised_at + timedelta(minutes=16))
        db.session.commit()
    assert client.post(f"/alerts/{alert_id}/acknowledge", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert _alert_for(report_id).acknowledged_by.email == "safeguarding@x.test"


def test_the_reporter_cannot_learn_of_an_external_duty_on_their_report(app, org):
    """Recording an external report is staff work: to the reporter the duty does not exist (404, as an
    unknown id), where a 403 would tell them that their report was reported outside."""
    report_id = org.report("dsp@x.test", still_at_risk=True)
    with app.app_context():
        report = db.session.get(Report, report_id)
        body = db.session.scalar(select(ExternalBody).where(ExternalBody.code == "licensing"))
        duty_id = add_external_duty(report, body, tz=ZoneInfo("America/New_York")).id
        db.session.commit()
    reporter = _signed_in(app, "dsp@x.test")
    token = csrf_from_page(reporter, "/report")
    answer = reporter.post(f"/duties/{duty_id}/done", data={"csrf_token": token, "reference": "X-1"})
    assert answer.status_code == 404


def test_a_manager_who_filed_a_safeguarding_report_is_not_told_of_its_alert(org, ctx):
    """Having filed the report gives the reporter's view only: the manager's role does not see
    safeguarding reports, so the escalation never reaches them (and they cannot act on it)."""
    org.user("manager-north@x.test", roles=[Role.MANAGER], regions=["North"])
    report_id = org.report("manager-north@x.test", category="safeguarding_rights", still_at_risk=True)
    alert = _alert_for(report_id)
    escalate_overdue_alerts(now=alert.raised_at + timedelta(hours=2))
    assert alert.level == 3
    assert "manager-north@x.test" not in _told_about(alert)
    assert not can_handle_alert(_user("manager-north@x.test"), alert)
