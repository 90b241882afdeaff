"""Interface failures routed (issue 17, point 3): a report flagged as an interface failure, by its
reporter or at triage, becomes an information-pathway task for the region's operations lead (else its
scheduler); operations can open an action from it."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.core.roles import Role
from app.extensions import db
from app.notifications.models import Notification
from app.reports.models import Report
from app.reviews.models import Review
from tests.actions.test_linking import NOW, TZ
from tests.factories import csrf_from_page, login


@pytest.fixture
def org(make):
    make.user("dsp@x.test", regions=["North"])
    make.user("dsp-south@x.test", regions=["South"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("ops@x.test", roles=[Role.OPERATIONS_LEAD], regions=["North"])
    make.user("sched@x.test", roles=[Role.SCHEDULER], regions=["North"])
    make.user("sched-south@x.test", roles=[Role.SCHEDULER], regions=["South"])
    return make


def user(email):
    return db.session.scalar(select(User).where(User.email == email))


def told(email):
    return [
        n.title
        for n in db.session.scalars(
            select(Notification).where(
                Notification.user_id == user(email).id, Notification.kind == "interface_task"
            )
        )
    ]


def test_a_reporters_interface_tag_opens_a_pathway_task_for_operations(org, ctx):
    report_id = org.report("dsp@x.test", interface_tag="handover")
    review = db.session.scalar(select(Review))
    assert (review.kind, review.owner, [r.id for r in review.reports]) == (
        "pathway_map",
        user("ops@x.test"),
        [report_id],
    )
    assert review.due_date - review.created_at.astimezone(TZ).date() <= timedelta(days=14)
    title = f"Interface failure to map: report NM-{report_id} in North"
    assert told("ops@x.test") == told("sched@x.test") == [title]
    assert told("sched-south@x.test") == [] and told("sup@x.test") == []
    org.report("dsp@x.test")
    assert db.session.scalar(select(Review).where(Review.id != review.id)) is None, "untagged: no task"


def test_without_an_operations_lead_the_scheduler_owns_it(org, ctx):
    report_id = org.report("dsp-south@x.test", region="South", interface_tag="scheduling_change")
    review = db.session.scalar(select(Review))
    assert review.owner == user("sched-south@x.test") and review.reports[0].id == report_id


def test_flagged_at_triage_opens_it_too_once(org, ctx):
    from app.triage.operations import TriageAnswers, triage_report

    report = db.session.get(Report, org.report("dsp@x.test"))
    answers = TriageAnswers(
        still_at_risk_now=False,
        severity="medium",
        recurrence="single",
        minimum_investigation="Map the handover between the day and night teams",
        event_class="near_miss",
        review_level="brief_structured_review",
        interface_flag=True,
        interface_type="handover",
    )
    triage_report(report, user("sup@x.test"), answers, tz=TZ, now=NOW)
    [review] = db.session.scalars(select(Review).where(Review.kind == "pathway_map")).all()
    assert review.owner == user("ops@x.test")
    assert report.status == "in_review"


def test_operations_opens_an_action_from_the_pathway_map(app, org):
    from app.core.clock import org_today
    from app.taxonomy.models import Category, Region

    org.report("dsp@x.test", interface_tag="handover")
    with app.app_context():
        review_id = db.session.scalar(select(Review.id))
        rota = db.session.scalar(select(Category.id).where(Category.code == "scheduling_rota"))
        north = db.session.scalar(select(Region.id).where(Region.name == "North"))
        sched = user("sched@x.test").id
        today = org_today()
    ops = app.test_client()
    login(ops, "ops@x.test")
    assert "Add an action" in ops.get(f"/reviews/{review_id}").get_data(as_text=True)
    answer = ops.post(
        "/actions/new",
        data={
            "csrf_token": csrf_from_page(ops, f"/actions/new?review={review_id}"),
            "title": "Confirm every handover by message",
            "change": "The night team confirms each handover",
            "owner_id": str(sched),
            "due_date": str(today + timedelta(days=7)),
            "strength": "strong",
            "window_start": str(today + timedelta(days=7)),
            "window_end": str(today + timedelta(days=35)),
            "target_reduction_percent": "50",
            "category_ids": [str(rota)],
            "region_ids": [str(north)],
            "review_ids": f"R-{review_id}",
        },
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)[:500]
    with app.app_context():
        from app.actions.models import Action

        action = db.session.scalar(select(Action))
        assert [r.id for r in action.reviews] == [review_id] and action.created_by == user("ops@x.test")


def test_a_failure_of_an_interface_already_being_mapped_joins_its_map(org, ctx):
    first = org.report("dsp@x.test", interface_tag="handover")
    second = org.report("dsp@x.test", interface_tag="handover")
    other = org.report("dsp@x.test", interface_tag="plan_update")
    maps = db.session.scalars(select(Review).order_by(Review.id)).all()
    assert [sorted(r.id for r in m.reports) for m in maps] == [[first, second], [other]]
    assert len(told("ops@x.test")) == 2, "told once per map, not per report"


def test_a_report_its_owner_may_not_see_does_not_join_the_map(org, ctx):
    """A safeguarding report tagged with the same interface: the operations lead may not read it, so it
    does not join (and lock them out of) their map."""
    first = org.report("dsp@x.test", interface_tag="handover")
    org.report("dsp@x.test", interface_tag="handover", category="safeguarding_rights")
    [mapped] = db.session.scalars(select(Review)).all()
    assert [r.id for r in mapped.reports] == [first]


def test_the_operations_lead_opens_actions_but_changes_only_their_own(app, org):
    from app.actions.models import Action
    from app.actions.queries import can_change_action

    with app.app_context():
        ops = user("ops@x.test")
        assert can_change_action(ops)
        assert not can_change_action(ops, Action(owner_id=user("sched@x.test").id))
        assert can_change_action(ops, Action(owner_id=ops.id))
