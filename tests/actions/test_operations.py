"""The action register's operations: creation rules, verification and spot checks."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from app.actions.measure import MeasureFilter
from app.actions.models import Action, SpotCheck
from app.actions.operations import (
    ActionInput,
    ActionInvalid,
    mark_done,
    notify_due,
    record_spot_check,
    save_action,
    verify,
)
from app.auth.models import User
from app.core.roles import Role
from app.extensions import db
from app.feedback.operations import FeedbackInput, FeedbackInvalid, publish
from app.notifications.models import Notification
from app.reports.models import Report
from app.taxonomy.models import Category

TZ = ZoneInfo("America/New_York")
# A fixed day; the clock is pinned 150 days after it (below), so the whole test window lies in the
# past, where reports may be filed, on any day the tests run.
TODAY = date(2026, 4, 15)


@pytest.fixture(autouse=True)
def _clock_after_the_window():
    with time_machine.travel(datetime.combine(TODAY + timedelta(days=150), time(12), tzinfo=UTC), tick=True):
        yield


@pytest.fixture
def org(make):
    make.user("dsp@x.test", regions=["North"])
    make.user("dsp2@x.test", regions=["North"])
    make.user("owner@x.test", roles=[Role.SCHEDULER], regions=["North"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    return make


def user(email):
    return db.session.scalar(select(User).where(User.email == email))


def category_id(code):
    return db.session.scalar(select(Category.id).where(Category.code == code))


def at(day: date, hour=12):
    return datetime.combine(day, time(hour), tzinfo=TZ).isoformat()


def action_input(**overrides):
    data = {
        "title": "Check addresses when the rota changes",
        "change": "Rota changes need an address check",
        "owner_id": user("owner@x.test").id,
        "due_date": TODAY + timedelta(days=7),
        "strength": "strong",
        "window_start": TODAY + timedelta(days=7),
        "window_end": TODAY + timedelta(days=34),
        "measure": MeasureFilter(category_ids=(category_id("scheduling_rota"),)),
        "target_reduction_percent": 50.0,
    }
    data.update(overrides)
    return ActionInput(**data)


def test_baseline_is_counted_from_the_weeks_before_the_start(org, ctx):
    for days_before in (1, 10, 30, 55, 70):
        org.report(
            "dsp@x.test",
            category="scheduling_rota",
            occurred_at=at(TODAY + timedelta(days=7) - timedelta(days=days_before)),
        )
    org.report("dsp@x.test", category="medication", occurred_at=at(TODAY - timedelta(days=3)))
    action = save_action(user("quality@x.test"), action_input(), tz=TZ, today=TODAY)
    assert action.baseline_weeks == 8 and action.baseline_count == 4


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"due_date": TODAY - timedelta(days=1)}, "due_date"),
        ({"window_start": TODAY - timedelta(days=1)}, "window_start"),
        ({"window_end": TODAY + timedelta(days=6)}, "window_end"),
        ({"due_date": TODAY + timedelta(days=60)}, "due_date"),
        ({"measure": MeasureFilter()}, "measure"),
        ({"measure": MeasureFilter(category_ids=(99999,))}, "measure"),
        ({"measure": MeasureFilter(interface_types=("telepathy",))}, "measure"),
        ({"report_ids": [99999]}, "report_ids"),
        ({"review_ids": [99999]}, "review_ids"),
        ({"target_reduction_percent": 0.0}, "target_reduction_percent"),
        ({"owner_id": 99999}, "owner_id"),
        ({"strength": "mighty"}, "strength"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_input_is_refused_on_the_field(org, ctx, overrides, field):
    with pytest.raises(ActionInvalid) as caught:
        save_action(user("quality@x.test"), action_input(**overrides), tz=TZ, today=TODAY)
    assert field in caught.value.errors


def test_linking_reports_plans_an_action_for_them(org, ctx):
    report = db.session.get(Report, org.report("dsp@x.test", category="scheduling_rota"))
    report.status = "triaged"
    save_action(user("quality@x.test"), action_input(report_ids=[report.id]), tz=TZ, today=TODAY)
    assert report.status == "action_planned"


def test_measure_is_fixed_once_the_test_starts(org, ctx):
    action = save_action(user("quality@x.test"), action_input(), tz=TZ, today=TODAY)
    later = TODAY + timedelta(days=10)
    with pytest.raises(ActionInvalid) as caught:
        save_action(
            user("owner@x.test"),
            action_input(measure=MeasureFilter(category_ids=(1,))),
            tz=TZ,
            today=later,
            action=action,
        )
    assert "fixed" in caught.value.errors["measure"][0]
    save_action(
        user("owner@x.test"),
        action_input(title="Address check on every rota change"),
        tz=TZ,
        today=later,
        action=action,
    )
    assert action.title == "Address check on every rota change"


def _verified(org, verdict="effective"):
    start = TODAY + timedelta(days=7)
    for days_before in range(2, 56, 4):
        org.report(
            "dsp@x.test", category="scheduling_rota", occurred_at=at(start - timedelta(days=days_before))
        )
    org.report("dsp@x.test", category="scheduling_rota", occurred_at=at(start + timedelta(days=3)))
    action = save_action(user("quality@x.test"), action_input(), tz=TZ, today=TODAY)
    mark_done(action, user("owner@x.test"))
    after_end = action.window_end + timedelta(days=1)
    verification = verify(
        action,
        user("quality@x.test"),
        verdict=verdict,
        note="",
        reason="The address check is in every rota change we sampled." if verdict == "effective" else "",
        tz=TZ,
        today=after_end,
        new_window_end=after_end + timedelta(days=14) if verdict == "extend" else None,
    )
    return action, verification


def test_verification_computes_the_comparison(org, ctx):
    action, verification = _verified(org)
    assert (verification.before_count, verification.before_days) == (14, 56)
    assert (verification.after_count, verification.after_days) == (1, 28)
    # RR = (1/28)/(14/56) = 0.142857
    assert abs(verification.rate_ratio - 1 / 7) < 1e-9
    # SE = sqrt(1/14 + 1/1) = 1.03510: one report after is too few to be sure, though the target is met
    assert abs(verification.ci_high - 1.08637) < 1e-4 and abs(verification.ci_low - 0.018785) < 1e-4
    assert verification.target_met
    assert action.status == "effective"
    assert db.session.scalar(select(SpotCheck.due_date)) == action.window_end + timedelta(days=1 + 90)


def test_the_owner_never_verifies_and_not_before_the_window_ends(org, ctx):
    action = save_action(
        user("quality@x.test"), action_input(owner_id=user("quality@x.test").id), tz=TZ, today=TODAY
    )
    with pytest.raises(ActionInvalid) as caught:
        verify(
            action,
            user("quality@x.test"),
            verdict="effective",
            note="",
            tz=TZ,
            today=action.window_end + timedelta(days=1),
        )
    assert "owner cannot verify" in caught.value.errors["verdict"][0]
    with pytest.raises(ActionInvalid) as caught:
        verify(action, user("owner@x.test"), verdict="effective", note="", tz=TZ, today=action.window_end)
    assert any("verify after it ends" in m for m in caught.value.errors["verdict"])


def test_extend_moves_the_window(org, ctx):
    action, _ = _verified(org, verdict="extend")
    assert action.status == "done" and action.window_end == TODAY + timedelta(days=34 + 15)


def test_failed_spot_check_reopens_the_action(org, ctx):
    action, _ = _verified(org)
    check = action.spot_checks[0]
    with pytest.raises(ActionInvalid):
        record_spot_check(check, user("owner@x.test"), passed=None, note="", today=TODAY)
    record_spot_check(check, user("owner@x.test"), passed=False, note="Checklist no longer used", today=TODAY)
    assert action.status == "open" and action.reopened_at is not None


def test_passed_spot_check_schedules_the_next(org, ctx):
    action, _ = _verified(org)
    record_spot_check(
        action.spot_checks[0], user("owner@x.test"), passed=True, note="Seen in use", today=TODAY
    )
    db.session.flush()
    assert len(action.spot_checks) == 2 and action.status == "effective"


def test_due_soon_and_overdue_reminders_are_sent_once(org, ctx):
    action = save_action(user("quality@x.test"), action_input(), tz=TZ, today=TODAY)
    assert notify_due(TODAY) == 0
    assert notify_due(action.due_date - timedelta(days=2)) == 1
    assert notify_due(action.due_date - timedelta(days=1)) == 0
    assert notify_due(action.due_date + timedelta(days=1)) == 1
    titles = sorted(
        db.session.scalars(select(Notification.title).where(Notification.user_id == user("owner@x.test").id))
    )
    assert titles == [
        f"Action A-{action.id} is due {action.due_date:%d %b}",
        f"Action A-{action.id} is overdue (due {action.due_date:%d %b})",
    ]


def test_feedback_tells_every_linked_reporter_even_confidential(org, ctx):
    confidential = org.report("dsp@x.test", category="scheduling_rota", confidential=True)
    other = org.report("dsp2@x.test", category="scheduling_rota")
    action = save_action(user("quality@x.test"), action_input(report_ids=[other]), tz=TZ, today=TODAY)
    post = publish(
        user("quality@x.test"),
        FeedbackInput(
            title="Addresses are now checked",
            what_changed="Rota changes include an address check",
            why="Three visits went to an old address",
            action_ids=[action.id],
            report_ids=[confidential],
        ),
    )
    told = {
        n.user_id: n for n in db.session.scalars(select(Notification).where(Notification.kind == "feedback"))
    }
    assert set(told) == {user("dsp@x.test").id, user("dsp2@x.test").id}
    assert told[user("dsp@x.test").id].link == f"/feedback/{post.id}"
    assert "Addresses" not in told[user("dsp@x.test").id].title


def test_feedback_needs_links_and_text(org, ctx):
    with pytest.raises(FeedbackInvalid) as caught:
        publish(user("quality@x.test"), FeedbackInput(title="", what_changed="", why="", action_ids=[99999]))
    assert {"title", "what_changed", "why", "action_ids"} <= set(caught.value.errors)


def test_actions_table_has_the_action(org, ctx):
    save_action(user("quality@x.test"), action_input(), tz=TZ, today=TODAY)
    assert db.session.scalar(select(Action.title)) == "Check addresses when the rota changes"


def test_effective_while_the_interval_includes_one_needs_a_reason(org, ctx):
    start = TODAY + timedelta(days=7)
    for days_before in range(2, 56, 4):
        org.report(
            "dsp@x.test", category="scheduling_rota", occurred_at=at(start - timedelta(days=days_before))
        )
    org.report("dsp@x.test", category="scheduling_rota", occurred_at=at(start + timedelta(days=3)))
    action = save_action(user("quality@x.test"), action_input(), tz=TZ, today=TODAY)
    after_end = action.window_end + timedelta(days=1)
    # 14 before, 1 after: the interval (0.019-1.086) includes 1.
    with pytest.raises(ActionInvalid) as refused:
        verify(action, user("quality@x.test"), verdict="effective", note="", tz=TZ, today=after_end)
    assert refused.value.errors["reason"] == [
        "The 95% interval (0.02 to 1.09) includes 1: the data do not show a reduction. To call the action "
        "effective anyway, give your reason (what else shows it works)."
    ]
    verification = verify(
        action,
        user("quality@x.test"),
        verdict="effective",
        note="",
        reason="Spot checks found the address check on every rota change.",
        tz=TZ,
        today=after_end,
    )
    assert verification.reason.startswith("Spot checks") and action.status == "effective"


def test_not_effective_needs_no_reason(org, ctx):
    _, verification = _verified(org, verdict="not_effective")
    assert verification.reason is None


def test_moving_the_due_date_keeps_the_first_and_lateness_counts_against_it(org, ctx):
    """Issue 17, point 10: a moved due date keeps the original, and the "in place by their due date"
    measure judges the action by the first one."""
    from app.core.dates import monday
    from app.dashboard.queries import Scope, action_timeliness

    action = save_action(user("quality@x.test"), action_input(), tz=TZ, today=TODAY)
    first = action.due_date
    save_action(
        user("quality@x.test"),
        action_input(due_date=first + timedelta(days=14), window_end=TODAY + timedelta(days=40)),
        action=action,
        tz=TZ,
        today=TODAY + timedelta(days=1),
    )
    assert (action.first_due_date, action.due_date) == (first, first + timedelta(days=14))
    action.completed_at = datetime.combine(first + timedelta(days=10), time(12), tzinfo=TZ)
    db.session.flush()
    scope = Scope(monday(first), monday(first + timedelta(days=14)), None)
    share = action_timeliness(scope, TZ, first + timedelta(days=20))
    assert (sum(share.met), sum(share.total)) == (0, 1), "in place by the moved date, but late on the first"


def test_an_action_not_yet_due_has_missed_nothing(org, ctx):
    """Weeks reaching into the future: an open action due next week is not counted as late."""
    from app.core.dates import monday
    from app.dashboard.queries import Scope, action_timeliness

    action = save_action(user("quality@x.test"), action_input(), tz=TZ, today=TODAY)
    scope = Scope(monday(TODAY), monday(action.due_date), None)
    assert sum(action_timeliness(scope, TZ, TODAY).total) == 0
    assert sum(action_timeliness(scope, TZ, action.due_date + timedelta(days=1)).total) == 1
