"""Stop-the-line, escalation, safeguarding routing and external duties, called without HTTP."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.core.audit.models import AuditEvent
from app.core.models import now_utc
from app.core.roles import Role
from app.escalations.models import ExternalBody, SafeguardingCase, StopTheLineAlert
from app.escalations.operations import (
    EscalationError,
    acknowledge_alert,
    add_external_duty,
    can_handle_alert,
    decide_safeguarding,
    escalate_overdue_alerts,
    record_safeguards,
)
from app.extensions import db
from app.notifications.models import Notification
from app.reports.models import Report


@pytest.fixture
def org(make):
    make.user("dsp@x.test", regions=["North"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("sup-south@x.test", roles=[Role.SUPERVISOR], regions=["South"])
    make.user("ops@x.test", roles=[Role.OPERATIONS_LEAD], regions=["North", "South"])
    make.user("safe@x.test", roles=[Role.SAFEGUARDING_LEAD], regions=[])
    return make


def user(email):
    return db.session.scalar(select(User).where(User.email == email))


def notified(email):
    return [
        n.title
        for n in db.session.scalars(select(Notification).where(Notification.user_id == user(email).id))
    ]


def test_still_at_risk_alerts_the_regions_supervisors_at_once(org, ctx):
    report_id = org.report("dsp@x.test", still_at_risk=True, what_happened="Heel redness not handed over")
    alert = db.session.scalar(select(StopTheLineAlert))
    assert alert.report_id == report_id and alert.level == 1
    titles = notified("sup@x.test")
    assert titles == [f"Stop the line: report NM-{report_id} in North"]
    assert notified("sup-south@x.test") == [] and notified("ops@x.test") == []
    assert "Heel" not in titles[0], "notifications carry no health information"


def test_not_at_risk_raises_no_alert(org, ctx):
    org.report("dsp@x.test", still_at_risk=False)
    assert db.session.scalar(select(StopTheLineAlert)) is None


def test_stop_the_line_category_alerts_even_when_not_at_risk(org, ctx):
    from app.taxonomy.models import Category

    db.session.scalar(select(Category).where(Category.code == "falls_mobility")).is_stop_the_line = True
    db.session.commit()
    org.report("dsp@x.test", category="falls_mobility", still_at_risk=False)
    assert db.session.scalar(select(StopTheLineAlert)) is not None


def test_unacknowledged_alert_escalates_to_the_leads_then_the_manager(org, ctx):
    org.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    org.user("manager@x.test", roles=[Role.MANAGER], regions=[])
    org.report("dsp@x.test", still_at_risk=True)
    alert = db.session.scalar(select(StopTheLineAlert))
    raised = alert.raised_at
    assert escalate_overdue_alerts(now=raised + timedelta(minutes=14)) == []
    assert escalate_overdue_alerts(now=raised + timedelta(minutes=15)) == [alert]
    assert alert.level == 2 and len(notified("quality@x.test")) == 1 and notified("manager@x.test") == []
    assert notified("sup-south@x.test") == [] and notified("ops@x.test") == []
    assert can_handle_alert(user("quality@x.test"), alert)
    assert not can_handle_alert(user("sup-south@x.test"), alert)
    escalate_overdue_alerts(now=raised + timedelta(minutes=31))
    assert alert.level == 3 and len(notified("manager@x.test")) == 1
    assert can_handle_alert(user("manager@x.test"), alert)
    assert not can_handle_alert(user("ops@x.test"), alert)
    escalate_overdue_alerts(now=raised + timedelta(hours=5))
    assert alert.level == 3 and len(notified("manager@x.test")) == 1, "no repeat at the top level"


def test_acknowledged_alert_does_not_escalate_and_times_are_kept(org, ctx):
    org.report("dsp@x.test", still_at_risk=True)
    alert = db.session.scalar(select(StopTheLineAlert))
    ack_time = alert.raised_at + timedelta(minutes=4)
    acknowledge_alert(alert, user("sup@x.test"), now=ack_time)
    record_safeguards(
        alert,
        user("sup@x.test"),
        "Repositioned; nurse review booked today",
        now=ack_time + timedelta(minutes=6),
    )
    assert alert.acknowledged_at == ack_time
    assert alert.safeguards_at == ack_time + timedelta(minutes=6)
    assert escalate_overdue_alerts(now=alert.raised_at + timedelta(hours=1)) == []
    actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))
    assert actions[-2:] == ["stop_the_line.acknowledge", "stop_the_line.safeguards"]


def test_safeguards_need_words(org, ctx):
    org.report("dsp@x.test", still_at_risk=True)
    alert = db.session.scalar(select(StopTheLineAlert))
    with pytest.raises(EscalationError) as caught:
        record_safeguards(alert, user("sup@x.test"), "  ")
    assert "safeguards" in caught.value.errors


def test_safeguarding_category_routes_at_submission_and_restricts(org, ctx):
    report_id = org.report("dsp@x.test", category="safeguarding_rights")
    case = db.session.scalar(select(SafeguardingCase))
    assert case.report_id == report_id and case.routed_because == "category"
    assert db.session.get(Report, report_id).safeguarding_restricted
    assert notified("safe@x.test") == [f"Safeguarding signal: report NM-{report_id} in North"]


def test_safeguarding_decision_needs_a_rationale(org, ctx):
    org.report("dsp@x.test", category="safeguarding_rights")
    case = db.session.scalar(select(SafeguardingCase))
    with pytest.raises(EscalationError) as caught:
        decide_safeguarding(case, user("safe@x.test"), decision="maybe", rationale="")
    assert set(caught.value.errors) == {"decision", "rationale"}
    decide_safeguarding(
        case,
        user("safe@x.test"),
        decision="raise_concern",
        rationale="Pattern of financial pressure from a visitor.",
        persons_views="Wants the visitor kept away.",
    )
    assert case.decided_at is not None and case.decided_by_id == user("safe@x.test").id


def test_external_duty_due_time_follows_the_bodys_rule(app, org, ctx):
    from zoneinfo import ZoneInfo

    report = db.session.get(Report, org.report("dsp@x.test"))
    licensing = db.session.scalar(select(ExternalBody).where(ExternalBody.code == "licensing"))
    aps = db.session.scalar(select(ExternalBody).where(ExternalBody.code == "adult_protective_services"))
    tz = ZoneInfo(app.config["ORG_TIMEZONE"])
    duty = add_external_duty(report, aps, tz=tz)
    assert duty.due_at == report.received_at + timedelta(hours=24)
    business = add_external_duty(report, licensing, tz=tz)
    assert business.due_at > report.received_at + timedelta(days=1, hours=23)
    assert business.due_at.astimezone(tz).weekday() < 5
    assert add_external_duty(report, aps, tz=tz) is duty, "one duty per body"


def test_alert_time_is_the_reports_arrival(org, ctx):
    before = now_utc()
    org.report("dsp@x.test", still_at_risk=True)
    alert = db.session.scalar(select(StopTheLineAlert))
    assert before - timedelta(seconds=5) <= alert.raised_at <= now_utc()
