"""Deadlines that warn (issue 17, point 5): an external duty and a safeguarding decision warn their
owners at the set shares of the time, escalate to the managers when breached, each once and audited;
referring to an external body opens a duty with its clock. Times are pinned (no wall clock)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.core.audit.models import AuditEvent
from app.core.clock import org_tz
from app.core.roles import Role
from app.escalations.clocks import deadline_stage
from app.escalations.deadlines import warn_of_deadlines
from app.escalations.models import ExternalBody, SafeguardingCase
from app.escalations.operations import (
    EscalationError,
    add_external_duty,
    complete_external_duty,
    decide_safeguarding,
)
from app.extensions import db
from app.notifications.models import Notification
from app.notifications.operations import unread_count
from app.reports.models import Report

T0 = datetime(2026, 3, 6, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("hours", "stage"),
    [(0, 0), (11.9, 0), (12, 1), (19.1, 1), (19.2, 2), (23.99, 2), (24, 3), (100, 3)],
)
def test_the_stage_of_a_24_hour_clock_warned_at_half_and_four_fifths(hours, stage):
    assert deadline_stage(T0, T0 + timedelta(hours=24), T0 + timedelta(hours=hours), (0.5, 0.8)) == stage


@pytest.fixture
def org(make):
    make.user("dsp@x.test", regions=["North"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("sup-south@x.test", roles=[Role.SUPERVISOR], regions=["South"])
    make.user("safe@x.test", roles=[Role.SAFEGUARDING_LEAD], regions=[])
    make.user("manager@x.test", roles=[Role.MANAGER], regions=[])
    return make


def user(email):
    return db.session.scalar(select(User).where(User.email == email))


def titles(email, kind=None):
    statement = select(Notification).where(Notification.user_id == user(email).id)
    if kind:
        statement = statement.where(Notification.kind == kind)
    return [n.title for n in db.session.scalars(statement.order_by(Notification.id))]


def events(action_prefix):
    return [
        e.action
        for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq))
        if e.action.startswith(action_prefix)
    ]


def test_an_external_duty_warns_twice_then_escalates_once_each(org, ctx):
    report = db.session.get(Report, org.report("dsp@x.test"))
    aps = db.session.scalar(select(ExternalBody).where(ExternalBody.code == "adult_protective_services"))
    duty = add_external_duty(report, aps, tz=UTC, actor=user("sup@x.test"))
    start = duty.identified_at
    assert warn_of_deadlines(now=start + timedelta(hours=11)) == 0
    assert warn_of_deadlines(now=start + timedelta(hours=12, minutes=1)) == 1
    assert warn_of_deadlines(now=start + timedelta(hours=13)) == 0, "each warning once"
    assert warn_of_deadlines(now=start + timedelta(hours=20)) == 1
    assert (
        titles("sup@x.test", "deadline_warning")
        == [
            f"Due {duty.due_at.astimezone(org_tz()):%d %b %Y %H:%M}: "
            f"the report to Adult protective services for report NM-{report.id}"
        ]
        * 2
    )
    assert titles("manager@x.test") == [] and titles("sup-south@x.test") == []
    assert warn_of_deadlines(now=duty.due_at) == 1
    assert warn_of_deadlines(now=duty.due_at + timedelta(hours=5)) == 0
    breached = f"Overdue: the report to Adult protective services for report NM-{report.id} was due"
    assert titles("manager@x.test")[0].startswith(breached)
    assert titles("sup@x.test", "deadline_breached")[0].startswith(breached)
    assert events("external_duty.") == [
        "external_duty.add",
        "external_duty.warn",
        "external_duty.warn",
        "external_duty.escalate",
    ]
    assert unread_count(user("sup@x.test")) == 3
    complete_external_duty(duty, user("sup@x.test"), reference="APS-1")
    assert unread_count(user("sup@x.test")) == 0, "done: the warnings are settled"


def test_a_done_duty_is_never_warned_about(org, ctx):
    report = db.session.get(Report, org.report("dsp@x.test"))
    aps = db.session.scalar(select(ExternalBody).where(ExternalBody.code == "adult_protective_services"))
    duty = add_external_duty(report, aps, tz=UTC)
    complete_external_duty(duty, user("sup@x.test"), reference="APS-2")
    assert warn_of_deadlines(now=duty.due_at + timedelta(days=3)) == 0


def test_an_undecided_safeguarding_case_warns_its_lead_then_escalates_to_the_manager(org, ctx):
    """A manager never reads a safeguarding report: the breach reaches only those who may."""
    org.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    report_id = org.report("dsp@x.test", category="safeguarding_rights")
    case = db.session.scalar(select(SafeguardingCase))
    routed = case.routed_at
    assert warn_of_deadlines(now=routed + timedelta(hours=12)) == 1
    assert titles("safe@x.test", "deadline_warning") == [
        f"Due {(routed + timedelta(hours=24)).astimezone(org_tz()):%d %b %Y %H:%M}: "
        f"the safeguarding decision for report NM-{report_id}"
    ]
    assert warn_of_deadlines(now=routed + timedelta(hours=24)) == 1
    assert len(titles("safe@x.test", "deadline_breached")) == 1
    assert titles("manager@x.test") == [], "no safeguarding detail to those who may not read it"
    assert events("safeguarding.") == ["safeguarding.route", "safeguarding.warn", "safeguarding.escalate"]
    decide_safeguarding(case, user("safe@x.test"), decision="monitor", rationale="Watched over a week.")
    assert unread_count(user("safe@x.test")) == 0


def test_referring_to_an_external_body_opens_the_duty_with_its_clock(org, ctx):
    report_id = org.report("dsp@x.test", category="safeguarding_rights")
    case = db.session.scalar(select(SafeguardingCase))
    aps = db.session.scalar(select(ExternalBody).where(ExternalBody.code == "adult_protective_services"))
    with pytest.raises(EscalationError) as caught:
        decide_safeguarding(
            case, user("safe@x.test"), decision="refer_external", rationale="Financial abuse signs."
        )
    assert list(caught.value.errors) == ["external_body_id"]
    decide_safeguarding(
        case,
        user("safe@x.test"),
        decision="refer_external",
        rationale="Financial abuse signs.",
        external_body_id=aps.id,
        now=datetime(2026, 3, 6, 16, 0, tzinfo=UTC),
    )
    report = db.session.get(Report, report_id)
    [duty] = report.external_duties
    assert duty.body == aps and duty.identified_by == user("safe@x.test")
    assert duty.due_at == report.received_at + timedelta(hours=24)


def test_the_decision_form_names_the_body_and_opens_the_duty(app, org):
    from tests.factories import csrf_from_page, login

    report_id = org.report("dsp@x.test", category="safeguarding_rights")
    with app.app_context():
        case_id = db.session.scalar(select(SafeguardingCase.id))
        aps_id = db.session.scalar(
            select(ExternalBody.id).where(ExternalBody.code == "adult_protective_services")
        )
    client = app.test_client()
    login(client, "safe@x.test")
    answers = {"decision": "refer_external", "rationale": "Financial abuse signs.", "version": "1"}
    token = csrf_from_page(client, f"/safeguarding/{case_id}")
    refused = client.post(f"/safeguarding/{case_id}", data={**answers, "csrf_token": token})
    assert refused.status_code == 422 and "Choose the body you refer to." in refused.get_data(as_text=True)
    saved = client.post(
        f"/safeguarding/{case_id}", data={**answers, "external_body_id": str(aps_id), "csrf_token": token}
    )
    assert saved.status_code == 302
    with app.app_context():
        assert [d.body_id for d in db.session.get(Report, report_id).external_duties] == [aps_id]
