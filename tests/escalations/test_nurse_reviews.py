"""Nurse reviews (issue 17, point 2): a supervisor's safeguards request one; the region's nurses are
alerted; one takes it and records the outcome; the share done within the same-day target is measured
on the dashboard (and so in the pack)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.auth.models import User
from app.core.audit.models import AuditEvent
from app.core.clock import org_tz
from app.core.dates import monday
from app.core.roles import Role
from app.dashboard.queries import Scope, nurse_review_timeliness
from app.escalations.models import NurseReview, StopTheLineAlert
from app.escalations.nurse_reviews import NurseReviewInvalid, record_nurse_outcome, take_nurse_review
from app.escalations.operations import record_safeguards
from app.extensions import db
from app.notifications.models import Notification
from app.notifications.operations import unread_count
from app.work.queries import work_for
from tests.factories import csrf_from_page, login

T0 = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


@pytest.fixture
def org(make):
    make.user("dsp@x.test", regions=["North"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("nurse@x.test", roles=[Role.NURSE], regions=["North"])
    make.user("nurse2@x.test", roles=[Role.NURSE], regions=["North"])
    make.user("nurse-south@x.test", roles=[Role.NURSE], regions=["South"])
    return make


def user(email):
    return db.session.scalar(select(User).where(User.email == email))


def requested(org):
    org.report("dsp@x.test", still_at_risk=True)
    alert = db.session.scalar(select(StopTheLineAlert))
    record_safeguards(alert, user("sup@x.test"), "Repositioned; area kept dry", nurse_review=True, now=T0)
    return db.session.scalar(select(NurseReview))


def test_safeguards_request_a_same_day_review_and_the_regions_nurses_are_alerted(org, ctx):
    review = requested(org)
    assert review.requested_because == "safeguards" and review.requested_by == user("sup@x.test")
    assert review.due_at == T0 + timedelta(hours=8)
    assert unread_count(user("nurse@x.test")) == unread_count(user("nurse2@x.test")) == 1
    assert unread_count(user("nurse-south@x.test")) == 0
    titles = [
        n.title for n in db.session.scalars(select(Notification).where(Notification.kind == "nurse_review"))
    ]
    assert titles == [f"Nurse review today: report NM-{review.report_id} in North"] * 2


def test_one_nurse_takes_it_and_records_the_outcome(org, ctx):
    review = requested(org)
    take_nurse_review(review, user("nurse@x.test"), now=T0 + timedelta(minutes=20))
    with pytest.raises(NurseReviewInvalid):
        take_nurse_review(review, user("nurse2@x.test"))
    with pytest.raises(NurseReviewInvalid):
        take_nurse_review(review, user("nurse-south@x.test"))
    with pytest.raises(NurseReviewInvalid) as caught:
        record_nurse_outcome(review, user("nurse@x.test"), outcome="maybe", notes="")
    assert set(caught.value.errors) == {"outcome", "notes"}
    record_nurse_outcome(
        review,
        user("nurse@x.test"),
        outcome="advice_given",
        notes="Barrier cream, 2-hourly turns.",
        now=T0 + timedelta(hours=3),
    )
    assert (review.owner, review.outcome) == (user("nurse@x.test"), "advice_given")
    assert unread_count(user("nurse2@x.test")) == 0, "done: the alert is settled for every nurse"
    actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq))]
    assert [a for a in actions if a.startswith("nurse_review.")] == [
        "nurse_review.request",
        "nurse_review.take",
        "nurse_review.outcome",
    ]


def test_my_work_shows_open_reviews_to_the_regions_nurses(org, ctx):
    review = requested(org)
    work = work_for(user("nurse@x.test"), T0 + timedelta(hours=1), org_tz())
    assert [i.title for i in work["Nurse reviews"]] == [f"NM-{review.report_id} in North: not taken yet"]
    assert "Nurse reviews" not in work_for(user("nurse-south@x.test"), T0, org_tz())
    take_nurse_review(review, user("nurse2@x.test"))
    assert "Nurse reviews" not in work_for(user("nurse@x.test"), T0, org_tz()), "taken by another nurse"


def test_the_share_done_within_target(org, ctx):
    review = requested(org)
    tz = ZoneInfo("UTC")
    week = monday(T0.date())
    scope = Scope(first_week=week, last_week=week, region_ids=None)
    assert sum(nurse_review_timeliness(scope, tz, T0 + timedelta(hours=1)).total) == 0, (
        "still inside its target"
    )
    assert (
        sum(nurse_review_timeliness(scope, tz, T0 + timedelta(hours=9)).met),
        sum(nurse_review_timeliness(scope, tz, T0 + timedelta(hours=9)).total),
    ) == (0, 1)
    record_nurse_outcome(
        review,
        user("nurse@x.test"),
        outcome="seen",
        notes="Skin intact on review.",
        now=T0 + timedelta(hours=7),
    )
    share = nurse_review_timeliness(scope, tz, T0 + timedelta(hours=9))
    assert (sum(share.met), sum(share.total)) == (1, 1)


def test_the_pages_request_take_and_record(app, org):
    org.report("dsp@x.test", still_at_risk=True)
    with app.app_context():
        alert_id = db.session.scalar(select(StopTheLineAlert.id))
    sup = app.test_client()
    login(sup, "sup@x.test")
    token = csrf_from_page(sup, f"/alerts/{alert_id}")
    answer = sup.post(
        f"/alerts/{alert_id}/safeguards",
        data={"csrf_token": token, "safeguards": "Stayed with them", "nurse_review": "on"},
    )
    assert answer.status_code == 302
    with app.app_context():
        review_id = db.session.scalar(select(NurseReview.id))
    nurse = app.test_client()
    login(nurse, "nurse@x.test")
    token = csrf_from_page(nurse, f"/nurse-reviews/{review_id}")
    assert nurse.post(f"/nurse-reviews/{review_id}/take", data={"csrf_token": token}).status_code == 302
    refused = nurse.post(f"/nurse-reviews/{review_id}/outcome", data={"csrf_token": token, "outcome": "seen"})
    assert refused.status_code == 422
    done = nurse.post(
        f"/nurse-reviews/{review_id}/outcome",
        data={"csrf_token": token, "outcome": "seen", "notes": "All well on review."},
    )
    assert done.status_code == 302
    page = nurse.get(f"/nurse-reviews/{review_id}").get_data(as_text=True)
    assert "Seen: nothing more needed" in page and "Nurse review ✓" in page
    south = app.test_client()
    login(south, "nurse-south@x.test")
    assert south.get(f"/nurse-reviews/{review_id}").status_code == 404


def test_a_clinical_category_asks_for_a_nurse_review_at_submission(org, ctx):
    from app.taxonomy.models import Category

    db.session.scalar(select(Category).where(Category.code == "skin_integrity")).is_clinical = True
    db.session.commit()
    report_id = org.report("dsp@x.test", category="skin_integrity")
    review = db.session.scalar(select(NurseReview))
    assert (review.report_id, review.requested_because, review.requested_by) == (report_id, "category", None)
    org.report("dsp@x.test", category="medication")
    assert db.session.scalar(select(func.count(NurseReview.id))) == 1


def test_the_admin_marks_a_category_clinical(app, make):
    from app.taxonomy.models import Category

    make.user("admin@x.test", roles=[Role.ADMIN], regions=[])
    client = app.test_client()
    login(client, "admin@x.test")
    with app.app_context():
        skin = db.session.scalar(select(Category).where(Category.code == "skin_integrity"))
        fields = {
            "name": skin.name,
            "description": skin.description,
            "examples": skin.examples,
            "sort_order": skin.sort_order,
        }
        skin_id = skin.id
    token = csrf_from_page(client, "/admin/categories")
    answer = client.post(
        f"/admin/categories/{skin_id}", data={**fields, "is_clinical": "on", "csrf_token": token}
    )
    assert answer.status_code in (302, 303), answer.status_code
    with app.app_context():
        assert db.session.get(Category, skin_id).is_clinical
