"""On call (issue 17, point 6): each region's rota; a stop-the-line alert goes first to whoever is on
call, alone, then to the region's other supervisors, then up as before; the report form carries the rota
so a phone offline can show whom to call. Times are pinned relative to one instant."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.core.roles import Role
from app.escalations.models import StopTheLineAlert
from app.escalations.on_call import RotaInvalid, ShiftInput, add_shift, on_call_at
from app.escalations.operations import can_handle_alert, escalate_overdue_alerts
from app.extensions import db
from app.notifications.models import Notification
from tests.factories import csrf_from_page, login

T0 = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)


@pytest.fixture
def org(make):
    make.user("dsp@x.test", regions=["North"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("sup2@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("sup-south@x.test", roles=[Role.SUPERVISOR], regions=["South"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    return make


def user(email):
    return db.session.scalar(select(User).where(User.email == email))


def told(email):
    return [
        n.kind for n in db.session.scalars(select(Notification).where(Notification.user_id == user(email).id))
    ]


def shift(
    email="sup2@x.test", *, by="sup@x.test", starts=T0 - timedelta(hours=1), hours=12, phone="+1 555 010 2000"
):
    person = user(email)
    region_id = (person.region_ids or user(by).region_ids) and sorted(
        person.region_ids or user(by).region_ids
    )[0]
    return add_shift(
        user(by),
        ShiftInput(region_id, person.id, phone, starts, starts + timedelta(hours=hours)),
    )


def test_the_shift_covering_a_moment(org, ctx):
    first = shift(starts=T0, hours=12)
    second = shift("sup@x.test", starts=T0 + timedelta(hours=12), hours=12)
    region = first.region_id
    assert on_call_at(region, T0 - timedelta(minutes=1)) is None
    assert on_call_at(region, T0) == first
    assert on_call_at(region, T0 + timedelta(hours=12)) == second, "a shift ends where the next starts"


@pytest.mark.parametrize(
    ("email", "by", "phone", "hours", "field"),
    [
        ("sup-south@x.test", "sup@x.test", "555 0101", 8, "user_id"),  # not a supervisor of North
        ("dsp@x.test", "sup@x.test", "555 0101", 8, "user_id"),  # not a supervisor
        ("sup2@x.test", "sup@x.test", "call me", 8, "phone"),
        ("sup2@x.test", "sup@x.test", "555 0101", 8 * 24, "ends_at"),  # longer than a week
        ("sup2@x.test", "sup@x.test", "555 0101", -1, "ends_at"),
    ],
)
def test_a_shift_is_refused_with_the_reason(org, ctx, email, by, phone, hours, field):
    north = sorted(user("sup@x.test").region_ids)[0]
    with pytest.raises(RotaInvalid) as caught:
        add_shift(user(by), ShiftInput(north, user(email).id, phone, T0, T0 + timedelta(hours=hours)))
    assert list(caught.value.errors) == [field]


def test_only_the_regions_supervisors_keep_its_rota(org, ctx):
    north = sorted(user("sup@x.test").region_ids)[0]
    with pytest.raises(RotaInvalid) as caught:
        add_shift(
            user("sup-south@x.test"),
            ShiftInput(north, user("sup@x.test").id, "5550101", T0, T0 + timedelta(hours=2)),
        )
    assert "region_id" in caught.value.errors


def test_the_alert_goes_to_the_on_call_supervisor_alone_then_the_others_then_up(org, ctx, time_machine):
    time_machine.move_to(T0, tick=False)
    shift("sup2@x.test")
    db.session.commit()
    org.report("dsp@x.test", still_at_risk=True)
    alert = db.session.scalar(select(StopTheLineAlert))
    assert alert.on_call_user == user("sup2@x.test")
    assert told("sup2@x.test") == ["stop_the_line"] and told("sup@x.test") == []
    assert can_handle_alert(user("sup2@x.test"), alert) and not can_handle_alert(user("sup@x.test"), alert)
    escalate_overdue_alerts(now=alert.raised_at + timedelta(minutes=15))
    assert alert.level == 2 and told("sup@x.test") == ["stop_the_line_escalated"]
    assert told("sup2@x.test") == ["stop_the_line"], "the on-call person is not told twice"
    assert told("quality@x.test") == [] and told("sup-south@x.test") == []
    escalate_overdue_alerts(now=alert.raised_at + timedelta(minutes=30))
    assert alert.level == 3 and told("quality@x.test") == ["stop_the_line_escalated"]
    escalate_overdue_alerts(now=alert.raised_at + timedelta(hours=3))
    assert alert.level == 4, "with someone on call the ladder has one more step"


def test_with_nobody_on_call_every_supervisor_is_told_at_once(org, ctx, time_machine):
    time_machine.move_to(T0, tick=False)
    shift("sup2@x.test", starts=T0 + timedelta(hours=1))
    db.session.commit()
    org.report("dsp@x.test", still_at_risk=True)
    alert = db.session.scalar(select(StopTheLineAlert))
    assert alert.on_call_user_id is None
    assert told("sup@x.test") == told("sup2@x.test") == ["stop_the_line"]


def test_the_rota_page_adds_and_removes_a_shift(app, org):
    client = app.test_client()
    login(client, "sup@x.test")
    with app.app_context():
        north, sup2 = sorted(user("sup@x.test").region_ids)[0], user("sup2@x.test").id
    token = csrf_from_page(client, "/on-call")
    answers = {"csrf_token": token, "region_id": north, "user_id": sup2, "phone": "555 0101"}
    refused = client.post(
        "/on-call", data={**answers, "starts_at": "2026-12-01T19:00", "ends_at": "2026-12-01T18:00"}
    )
    assert refused.status_code == 422 and "The shift ends after it starts." in refused.get_data(as_text=True)
    saved = client.post(
        "/on-call", data={**answers, "starts_at": "2026-12-01T19:00", "ends_at": "2026-12-02T07:00"}
    )
    assert saved.status_code == 302
    with app.app_context():
        shift_id = db.session.scalar(
            select(
                StopTheLineAlert.id.__class__.__call__
                and __import__("app.escalations.models", fromlist=["OnCallShift"]).OnCallShift.id
            )
        )
    south = app.test_client()
    login(south, "sup-south@x.test")
    assert (
        south.post(
            f"/on-call/{shift_id}/remove", data={"csrf_token": csrf_from_page(south, "/on-call")}
        ).status_code
        == 404
    )
    assert client.post(f"/on-call/{shift_id}/remove", data={"csrf_token": token}).status_code == 302
    dsp = app.test_client()
    login(dsp, "dsp@x.test")
    assert dsp.get("/on-call").status_code == 403


def test_the_form_carries_the_rota_of_the_reporters_regions(app, org):
    with app.app_context():
        now = datetime.now(UTC)
        shift("sup2@x.test", starts=now - timedelta(hours=1))
        shift("sup-south@x.test", by="quality@x.test", starts=now - timedelta(hours=1))
        db.session.commit()
    client = app.test_client()
    login(client, "dsp@x.test")
    page = client.get("/report").get_data(as_text=True)
    rota = json.loads(
        re.search(r'<script type="application/json" id="on-call-rota">(.*?)</script>', page, re.S).group(1)
    )
    assert [(s["name"], s["phone"]) for s in rota] == [("Sup2", "+1 555 010 2000")]
