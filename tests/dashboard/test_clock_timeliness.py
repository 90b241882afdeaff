"""Every clock measured where people look (issue 17, point 10): stop-the-line acknowledgement,
safeguards confirmed, and external reports on time, by week, on the dashboard and so in the pack."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.core.dates import monday
from app.core.roles import Role
from app.dashboard.queries import Scope, alert_timeliness, duty_timeliness
from app.escalations.models import ExternalBody, StopTheLineAlert
from app.escalations.operations import add_external_duty
from app.extensions import db
from app.reports.models import Report

RAISED = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)  # a Wednesday
TZ = ZoneInfo("UTC")


def scope(region_ids=None) -> Scope:
    week = monday(RAISED.date())
    return Scope(
        first_week=week - timedelta(weeks=1), last_week=week + timedelta(weeks=1), region_ids=region_ids
    )


def test_acknowledgement_and_safeguards_against_their_targets(make, ctx):
    make.user("dsp@x.test", regions=["North"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    for _ in range(4):
        make.report("dsp@x.test", still_at_risk=True)
    alerts = db.session.scalars(select(StopTheLineAlert).order_by(StopTheLineAlert.id)).all()
    # (acknowledged after, safeguards after): in time, late, late / never, and one still waiting.
    timings = [(10, 50), (20, 70), (14, None), (None, None)]
    for alert, (ack, safe) in zip(alerts, timings, strict=True):
        alert.raised_at = RAISED
        alert.acknowledged_at = RAISED + timedelta(minutes=ack) if ack is not None else None
        alert.safeguards_at = RAISED + timedelta(minutes=safe) if safe is not None else None
    db.session.flush()
    acknowledged, confirmed = alert_timeliness(
        scope(),
        TZ,
        RAISED + timedelta(minutes=40),
        acknowledge=timedelta(minutes=15),
        safeguards=timedelta(minutes=60),
    )
    middle = 1
    assert (acknowledged.met[middle], acknowledged.total[middle]) == (2, 4), "the waiting one is past 15 min"
    assert (confirmed.met[middle], confirmed.total[middle]) == (1, 2), (
        "50 min counts; 70 min is late; two still inside"
    )
    later = alert_timeliness(
        scope(),
        TZ,
        RAISED + timedelta(hours=2),
        acknowledge=timedelta(minutes=15),
        safeguards=timedelta(minutes=60),
    )[1]
    assert (later.met[middle], later.total[middle]) == (1, 4)
    south = db.session.scalar(select(Report.region_id)) + 1000
    assert (
        sum(
            alert_timeliness(
                scope(frozenset({south})),
                TZ,
                RAISED,
                acknowledge=timedelta(minutes=15),
                safeguards=timedelta(minutes=60),
            )[0].total
        )
        == 0
    )


def test_external_reports_by_their_due_time(make, ctx):
    make.user("dsp@x.test", regions=["North"])
    bodies = {b.code: b for b in db.session.scalars(select(ExternalBody))}
    report_ids = [make.report("dsp@x.test") for _ in range(3)]
    duties = []
    for code, report_id in zip(
        ("adult_protective_services", "state_incident_system", "licensing"), report_ids, strict=True
    ):
        duty = add_external_duty(db.session.get(Report, report_id), bodies[code], tz=TZ)
        duty.due_at = RAISED
        duties.append(duty)
    duties[0].done_at = RAISED - timedelta(hours=1)  # on time
    duties[1].done_at = RAISED + timedelta(hours=1)  # late
    db.session.flush()
    before_due = duty_timeliness(scope(), TZ, RAISED - timedelta(minutes=1))
    assert (sum(before_due.met), sum(before_due.total)) == (1, 2), "the open one is not due yet"
    after_due = duty_timeliness(scope(), TZ, RAISED + timedelta(hours=2))
    assert (after_due.met[1], after_due.total[1]) == (1, 3)


def test_the_dashboard_lists_every_clock(app, make):
    from tests.factories import login

    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    client = app.test_client()
    login(client, "quality@x.test")
    page = client.get("/dashboard/timeliness").get_data(as_text=True)
    for label in (
        "Stop-the-line acknowledged within target",
        "Safeguards confirmed within target",
        "Triaged within target",
        "Safeguarding decided within target",
        "External reports made on time",
        "Reviews completed by their due date",
        "Actions in place by their due date",
    ):
        assert label in page, label
