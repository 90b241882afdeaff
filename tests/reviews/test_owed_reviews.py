"""The review triage decides is opened with an owner and a due date (issue 17, point 4): nothing a
triage decided can be forgotten. Time is pinned by ``now=``."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.auth.models import User
from app.core.audit.models import AuditEvent
from app.core.roles import Role
from app.extensions import db
from app.incidents.models import IncidentCategory
from app.notifications.models import Notification
from app.reports.models import Report
from app.reviews.models import Review
from app.reviews.operations import ReviewInput, save_review
from app.triage.operations import TriageAnswers, triage_report
from tests.actions.test_linking import NOW, TZ


@pytest.fixture
def org(make):
    make.user("dsp@x.test", regions=["North"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    return make


def user(email):
    return db.session.scalar(select(User).where(User.email == email))


def triage(report_id, level, *, by="sup@x.test", event_class="near_miss", now=NOW):
    report = db.session.get(Report, report_id)
    triage_report(
        report,
        user(by),
        TriageAnswers(
            still_at_risk_now=False,
            severity="medium",
            recurrence="single",
            minimum_investigation="Talk it through with the team that visits",
            event_class=event_class,
            review_level=level,
            override_reason="The family raised it twice; worth a deeper look.",
            incident_category_id=db.session.scalar(
                select(IncidentCategory.id).where(IncidentCategory.code == "neglect")
            ),
        ),
        tz=TZ,
        now=now,
    )
    db.session.flush()
    return report


def reviews_of(report):
    return [r for r in report.reviews if r.kind != "pathway_map"]


def test_a_brief_review_is_owned_by_the_supervisor_who_triaged_and_due_in_a_week(org, ctx):
    report = triage(org.report("dsp@x.test"), "brief_structured_review")
    [review] = reviews_of(report)
    assert (review.kind, review.owner, review.status) == (
        "brief_structured_review",
        user("sup@x.test"),
        "open",
    )
    assert review.due_date == review.first_due_date == NOW.date() + timedelta(days=7)
    assert review.created_at == NOW and report.status == "in_review"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "review.create"))
    after = json.loads(event.after)
    assert after["because"] == "triage" and after["owner_id"] == user("sup@x.test").id
    assert db.session.scalar(select(Notification).where(Notification.kind == "review_assigned")) is None, (
        "nobody is told of work they just gave themselves"
    )


def test_a_full_review_goes_to_a_quality_lead_who_is_told(org, ctx):
    report = triage(org.report("dsp@x.test"), "full_systems_review")
    [review] = reviews_of(report)
    assert review.owner == user("quality@x.test")
    assert review.due_date == NOW.date() + timedelta(days=60)
    [told] = db.session.scalars(select(Notification).where(Notification.kind == "review_assigned")).all()
    assert told.user_id == user("quality@x.test").id and told.link == f"/reviews/{review.id}"
    assert f"NM-{report.id}" in told.title and told.waiting_for == "needs the review"


def test_a_barrier_review_is_one_per_theme_and_new_reports_of_the_theme_join_it(org, ctx):
    ids = [
        org.report("dsp@x.test"),
        org.report("dsp@x.test"),
        org.report("dsp@x.test", category="falls_mobility"),
    ]
    first = triage(ids[0], "barrier_review")
    second = triage(ids[1], "barrier_review", now=NOW + timedelta(days=3))
    other = triage(ids[2], "barrier_review")
    theme = db.session.scalars(
        select(Review).where(Review.kind == "barrier_review").order_by(Review.id)
    ).all()
    assert [sorted(r.id for r in review.reports) for review in theme] == [[first.id, second.id], [other.id]]
    assert theme[0].due_date == NOW.date() + timedelta(days=30), "joining does not move the due date"
    assert theme[0].title.startswith("Barrier review: ") and second.status == "in_review"


def test_no_review_for_log_and_learn_an_incident_or_a_triage_done_again(org, ctx):
    ids = [org.report("dsp@x.test") for _ in range(3)]
    none = triage(ids[0], "none")
    incident = triage(ids[1], "brief_structured_review", event_class="incident")
    assert reviews_of(none) == [] and reviews_of(incident) == [] and incident.status == "handed_off"
    again = triage(ids[2], "brief_structured_review")
    triage(again.id, "brief_structured_review", now=NOW + timedelta(hours=2))
    assert len(reviews_of(again)) == 1


def test_completing_it_settles_the_owners_notification_and_the_report_is_reviewed(org, ctx):
    report = triage(org.report("dsp@x.test"), "full_systems_review")
    [review] = reviews_of(report)
    save_review(
        user("quality@x.test"),
        ReviewInput(
            kind=review.kind,
            title=review.title,
            reports=[report],
            held_on=NOW.date() + timedelta(days=5),
            duration_minutes=60,
            participants=[{"role": "Quality lead", "name": ""}],
            findings="Two handovers had no confirmation step.",
            complete=True,
        ),
        review,
        today=NOW.date() + timedelta(days=5),
    )
    db.session.flush()
    told = db.session.scalar(select(Notification).where(Notification.kind == "review_assigned"))
    assert told.settled_as == "done" and report.status == "reviewed"


def test_a_barrier_review_opened_from_a_cluster_is_joined_too(org, ctx):
    """The quality lead opened a barrier review of the theme from a cluster, under their own title: a
    new report of the theme joins it rather than opening a second one."""
    first, second = org.report("dsp@x.test"), org.report("dsp@x.test")
    opened = save_review(
        user("quality@x.test"),
        ReviewInput(
            kind="barrier_review", title="Cluster: medication, North", reports=[db.session.get(Report, first)]
        ),
        today=NOW.date(),
    )
    triage(second, "barrier_review")
    assert sorted(r.id for r in opened.reports) == [first, second]
    assert db.session.scalar(select(func.count(Review.id))) == 1


def test_handing_a_review_to_someone_else_tells_them_and_releases_the_first_owner(org, make, ctx):
    make.user("quality2@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    report = triage(org.report("dsp@x.test"), "full_systems_review")
    [review] = reviews_of(report)
    save_review(
        user("quality@x.test"),
        ReviewInput(
            kind=review.kind, title=review.title, reports=[report], owner_id=user("quality2@x.test").id
        ),
        review,
        today=NOW.date(),
    )
    db.session.flush()
    told = db.session.scalars(
        select(Notification).where(Notification.kind == "review_assigned").order_by(Notification.id)
    ).all()
    assert [(n.user_id, n.settled_as) for n in told] == [
        (user("quality@x.test").id, "handed over"),
        (user("quality2@x.test").id, None),
    ]


def test_a_form_read_before_a_report_joined_cannot_save_it_away(org, ctx):
    from app.core.concurrency import EditConflict

    ids = [org.report("dsp@x.test"), org.report("dsp@x.test")]
    first = triage(ids[0], "barrier_review")
    [review] = reviews_of(first)
    read_at = review.version  # the owner opens the review's form
    triage(ids[1], "barrier_review", now=NOW + timedelta(hours=1))  # a new report of the theme joins
    with pytest.raises(EditConflict):
        save_review(
            user("quality@x.test"),
            ReviewInput(kind=review.kind, title=review.title, reports=[first], findings="Started"),
            review,
            based_on=read_at,
            today=NOW.date(),
        )


def test_triaged_again_at_another_level_the_untouched_review_is_withdrawn_and_the_new_one_opened(org, ctx):
    report = triage(org.report("dsp@x.test"), "full_systems_review")
    [full] = reviews_of(report)
    full_id = full.id
    again = triage(report.id, "brief_structured_review", now=NOW + timedelta(hours=3))
    [brief] = reviews_of(again)
    assert brief.kind == "brief_structured_review"
    assert db.session.scalars(select(Review.id)).all() == [brief.id], "the full review is gone"
    assert again.status == "in_review"
    withdrawn = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "review.withdraw"))
    before = json.loads(withdrawn.before)
    assert (withdrawn.object_id, before["kind"], before["report_ids"]) == (
        str(full_id),
        "full_systems_review",
        [report.id],
    )
    told = db.session.scalar(select(Notification).where(Notification.kind == "review_assigned"))
    assert told.link == f"/reviews/{full_id}" and told.settled_as == "withdrawn"


def test_triaged_again_as_log_and_learn_or_an_incident_the_report_owes_no_review(org, ctx):
    learn_id, incident_id = org.report("dsp@x.test"), org.report("dsp@x.test")
    learn = triage(learn_id, "brief_structured_review")
    learn = triage(learn.id, "none", now=NOW + timedelta(hours=1))
    assert reviews_of(learn) == [] and learn.status == "triaged"
    incident = triage(incident_id, "full_systems_review")
    later = NOW + timedelta(hours=1)
    incident = triage(incident.id, "full_systems_review", event_class="incident", now=later)
    assert reviews_of(incident) == [] and incident.status == "handed_off"


def test_a_started_review_or_a_themes_shared_review_is_not_withdrawn(org, ctx):
    started_id, *shared = [org.report("dsp@x.test") for _ in range(3)]
    started = triage(started_id, "full_systems_review")
    [review] = reviews_of(started)
    review.findings = "Spoke to the evening team already."
    triage(shared[0], "barrier_review")
    triage(shared[1], "barrier_review")
    triage(started.id, "brief_structured_review", now=NOW + timedelta(hours=1))
    theme_report = triage(shared[0], "brief_structured_review", now=NOW + timedelta(hours=1))
    assert sorted(r.kind for r in reviews_of(started)) == ["brief_structured_review", "full_systems_review"]
    assert sorted(r.kind for r in reviews_of(theme_report)) == ["barrier_review", "brief_structured_review"]
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "review.withdraw")) == 0


def test_recorded_as_an_incident_after_triage_the_untouched_review_is_withdrawn(org, ctx):
    from app.incidents.models import IncidentCategory
    from app.incidents.operations import reclassify_as_incident

    report = triage(org.report("dsp@x.test"), "brief_structured_review")
    assert len(reviews_of(report)) == 1
    category = db.session.scalar(select(IncidentCategory.id).order_by(IncidentCategory.id).limit(1))
    reclassify_as_incident(
        report,
        user("sup@x.test"),
        category_id=category,
        reason="The person took the old dose after all.",
        tz=TZ,
    )
    db.session.flush()
    assert report.status == "handed_off" and db.session.scalars(select(Review.id)).all() == []


def test_a_review_handed_to_someone_else_or_given_a_new_due_date_is_kept(org, ctx):
    first, second = org.report("dsp@x.test"), org.report("dsp@x.test")
    moved = triage(first, "brief_structured_review")
    reviews_of(moved)[0].due_date += timedelta(days=3)
    handed = triage(second, "brief_structured_review")
    reviews_of(handed)[0].owner_id = user("quality@x.test").id
    triage(first, "none", now=NOW + timedelta(hours=1))
    triage(second, "none", now=NOW + timedelta(hours=1))
    assert len(db.session.scalars(select(Review.id)).all()) == 2
