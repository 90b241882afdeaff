"""Emergency access operations and the permission layer, called without HTTP."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.core.audit.models import AuditEvent
from app.core.models import now_utc
from app.core.permissions import (
    can_triage,
    can_view_report,
    reporter_is_visible,
    sees_safeguarding_in,
    under_emergency_access,
    visible_region_ids,
)
from app.core.settings import set_setting
from app.emergency.models import EmergencyAccess
from app.emergency.operations import (
    EmergencyAccessError,
    active_grant,
    can_end,
    duration_choices,
    end_grant,
    grant_for_request,
    record_lapsed,
    start_grant,
)
from app.extensions import db
from app.notifications.models import Notification
from app.reports.models import Report

REASON = "Night call: person R-17 may be at risk, no lead answering"


def user(email) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def actions(action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.mark.parametrize("reason", ["", "   ", "too short", " " * 20 + "short" + " " * 20])
def test_a_reason_of_ten_characters_or_more_is_required(org, ctx, reason):
    with pytest.raises(EmergencyAccessError) as refused:
        start_grant(user("nurse@x.test"), reason=reason, hours=1)
    assert "reason" in refused.value.errors
    assert db.session.scalar(select(EmergencyAccess)) is None


@pytest.mark.parametrize("hours", [0, -1, 5, 24, "two", "", None, "1.5"])
def test_the_duration_is_a_whole_number_of_hours_up_to_the_setting(org, ctx, hours):
    with pytest.raises(EmergencyAccessError) as refused:
        start_grant(user("nurse@x.test"), reason=REASON, hours=hours)
    assert set(refused.value.errors) == {"hours"}


def test_the_maximum_follows_the_organisation_setting(org, ctx):
    assert duration_choices() == [1, 2, 4]
    set_setting("emergency_access_hours", 2, actor=user("admin@x.test"))
    assert duration_choices() == [1, 2]
    with pytest.raises(EmergencyAccessError):
        start_grant(user("nurse@x.test"), reason=REASON, hours=3)
    set_setting("emergency_access_hours", 10, actor=user("admin@x.test"))
    assert duration_choices() == [1, 2, 4, 8, 10]
    grant = start_grant(user("nurse@x.test"), reason=REASON, hours=10)
    assert grant.expires_at - grant.started_at == timedelta(hours=10)


def test_starting_alerts_active_safeguarding_leads_and_admins_and_is_audited(org, ctx):
    holder = user("nurse@x.test")
    grant = start_grant(holder, reason=REASON, hours="2")
    assert grant.hours == 2 and grant.reason == REASON
    told = {
        db.session.get(User, n.user_id).email
        for n in db.session.scalars(select(Notification).where(Notification.kind == "emergency_access"))
    }
    assert told == {"safeguarding@x.test", "admin@x.test"}  # not the inactive admin, not the quality lead
    note = db.session.scalar(select(Notification).where(Notification.kind == "emergency_access"))
    assert note.link == f"/emergency/grants/{grant.id}"
    assert "R-17" not in note.title
    [event] = actions("emergency_access.start")
    assert event.actor_id == holder.id and event.object_id == str(grant.id)
    assert "R-17" not in (event.after or "")  # the reason may name a person: never in the trail


def test_an_admin_taking_access_is_not_told_about_themselves(org, ctx):
    start_grant(user("admin@x.test"), reason=REASON, hours=1)
    told = {
        n.user_id
        for n in db.session.scalars(select(Notification).where(Notification.kind == "emergency_access"))
    }
    assert told == {user("safeguarding@x.test").id}


def test_one_live_grant_at_a_time(org, ctx):
    start_grant(user("nurse@x.test"), reason=REASON, hours=1)
    with pytest.raises(EmergencyAccessError) as refused:
        start_grant(user("nurse@x.test"), reason=REASON, hours=1)
    assert "grant" in refused.value.errors


def test_ending_early_is_audited_and_cannot_happen_twice(org, ctx):
    holder = user("nurse@x.test")
    grant = start_grant(holder, reason=REASON, hours=4)
    end_grant(grant, holder)
    assert grant.ended_at is not None and grant.ended_by_id == holder.id
    assert active_grant(holder) is None
    [event] = actions("emergency_access.end")
    assert event.actor_id == holder.id
    with pytest.raises(EmergencyAccessError):
        end_grant(grant, holder)
    start_grant(holder, reason=REASON, hours=1)  # a new one may be taken after


def test_a_safeguarding_lead_may_end_anyones_grant_and_the_holder_is_told(org, ctx):
    holder, lead, other = user("nurse@x.test"), user("safeguarding@x.test"), user("dsp2@x.test")
    grant = start_grant(holder, reason=REASON, hours=4)
    assert can_end(holder, grant) and can_end(lead, grant) and can_end(user("admin@x.test"), grant)
    assert not can_end(other, grant) and not can_end(user("quality@x.test"), grant)
    end_grant(grant, lead)
    note = db.session.scalar(select(Notification).where(Notification.user_id == holder.id))
    assert "ended by" in note.title


def test_expiry_needs_no_job_and_is_recorded_once_when_next_seen(org, ctx):
    holder = user("nurse@x.test")
    grant = start_grant(holder, reason=REASON, hours=2)
    now = grant.started_at
    assert grant_for_request(holder, now=now + timedelta(hours=1, minutes=59)) == (grant, [])
    later = now + timedelta(hours=2)
    live, lapsed = grant_for_request(holder, now=later)
    assert live is None and lapsed == [grant]
    assert active_grant(holder, now=later) is None
    [event] = actions("emergency_access.expire")
    assert event.object_id == str(grant.id) and event.actor_id is None
    assert grant_for_request(holder, now=later + timedelta(minutes=5)) == (None, [])
    assert record_lapsed(now=later + timedelta(hours=1)) == []
    assert len(actions("emergency_access.expire")) == 1


def test_a_grant_ended_early_never_records_an_expiry(org, ctx):
    holder = user("nurse@x.test")
    grant = start_grant(holder, reason=REASON, hours=1)
    end_grant(grant, holder)
    assert record_lapsed(now=now_utc() + timedelta(hours=3)) == []


def _as(user_obj, until):
    """The user as the permission layer sees them on a request with (or without) a grant."""
    user_obj.emergency_access_until = until
    return user_obj


def test_the_permission_layer_widens_reading_only_while_the_grant_is_live(org, ctx):
    dsp = user("dsp@x.test")
    south = db.session.get(Report, org["south"])
    safeguarding = db.session.get(Report, org["safeguarding"])
    confidential = db.session.get(Report, org["confidential"])
    assert safeguarding.safeguarding_restricted

    _as(dsp, None)
    assert visible_region_ids(dsp) == frozenset()
    assert not can_view_report(dsp, south) and not can_view_report(dsp, safeguarding)

    _as(dsp, now_utc() + timedelta(hours=1))
    assert under_emergency_access(dsp)
    assert visible_region_ids(dsp) is None
    assert sees_safeguarding_in(dsp, safeguarding.region_id)
    assert can_view_report(dsp, south) and can_view_report(dsp, safeguarding)
    assert not reporter_is_visible(dsp, confidential)

    supervisor = _as(user("sup@x.test"), now_utc() + timedelta(hours=1))
    assert can_view_report(supervisor, south)
    assert not can_triage(supervisor, south)  # reading, never acting

    _as(dsp, now_utc() - timedelta(seconds=1))  # an expired grant gives nothing
    assert not under_emergency_access(dsp)
    assert not can_view_report(dsp, south) and not can_view_report(dsp, safeguarding)


def test_scope_to_viewer_lists_every_report_under_a_live_grant_only(org, ctx):
    from app.reports.queries import reports_visible_to

    dsp = user("dsp@x.test")
    _as(dsp, None)
    assert {r.id for r in reports_visible_to(dsp)} == {org["own"]}
    _as(dsp, now_utc() + timedelta(minutes=5))
    assert {r.id for r in reports_visible_to(dsp)} == set(org.values())
    _as(dsp, now_utc() - timedelta(minutes=5))
    assert {r.id for r in reports_visible_to(dsp)} == {org["own"]}


def test_duck_typed_users_without_the_attribute_are_unaffected():
    assert not under_emergency_access(SimpleNamespace())
    assert not under_emergency_access(SimpleNamespace(emergency_access_until=None))
