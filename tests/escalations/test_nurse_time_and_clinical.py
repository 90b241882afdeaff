"""Issue 17, point 2, the parts a nurse and a triager use: triage can mark a report clinical (a nurse
review at triage), and the nurse gives the time they saw the person, by which the same-day target is
judged (the write-up may come later)."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.core.dates import monday
from app.dashboard.queries import Scope, nurse_review_timeliness
from app.escalations.models import NurseReview, StopTheLineAlert
from app.escalations.nurse_reviews import NurseReviewInvalid, record_nurse_outcome
from app.escalations.operations import record_safeguards
from app.extensions import db
from app.reports.models import Report
from app.triage.operations import TriageAnswers, TriageInvalid, triage_report
from tests.escalations.test_nurse_reviews import T0, org, user  # noqa: F401 (org: the fixture)
from tests.factories import csrf_from_page, login

UTC_ZONE = ZoneInfo("UTC")


def answers(clinical: bool) -> TriageAnswers:
    return TriageAnswers(
        still_at_risk_now=False,
        severity="medium",
        recurrence="single",
        minimum_investigation="Look at the skin care plan with the nurse",
        event_class="near_miss",
        review_level="none",
        override_reason="Low risk once the nurse has looked.",
        clinical=clinical,
    )


def test_triage_marks_a_report_clinical_and_the_regions_nurses_get_a_review(org, ctx):  # noqa: F811
    report = db.session.get(Report, org.report("dsp@x.test", category="skin_integrity"))
    triage_report(report, user("sup@x.test"), answers(clinical=True), tz=UTC_ZONE, now=T0)
    review = db.session.scalar(select(NurseReview))
    assert (review.report_id, review.requested_because, review.requested_by) == (
        report.id,
        "triage",
        user("sup@x.test"),
    )
    triage_report(
        report, user("sup@x.test"), answers(clinical=True), tz=UTC_ZONE, now=T0 + timedelta(hours=1)
    )
    assert db.session.scalar(select(func.count(NurseReview.id))) == 1, "triaged again: still one review"


def test_a_report_no_nurse_may_read_cannot_be_marked_clinical(org, ctx):  # noqa: F811
    report = db.session.get(Report, org.report("dsp@x.test", category="safeguarding_rights"))
    with pytest.raises(TriageInvalid) as refused:
        triage_report(report, user("sup@x.test"), answers(clinical=True), tz=UTC_ZONE, now=T0)
    assert "phone the nurse" in refused.value.errors["clinical"][0]
    assert db.session.scalar(select(NurseReview)) is None


def test_clinical_with_a_safeguarding_trigger_is_refused_on_the_clinical_question(org, ctx):  # noqa: F811
    """Triage routes it to safeguarding in the same save, so no nurse could read it: the refusal is
    on the field the form shows, not an error it has nowhere to put."""
    report = db.session.get(Report, org.report("dsp@x.test", category="skin_integrity"))
    answers_with_trigger = answers(clinical=True)
    answers_with_trigger.safeguarding_triggers = ["financial_exploitation"]
    with pytest.raises(TriageInvalid) as refused:
        triage_report(report, user("sup@x.test"), answers_with_trigger, tz=UTC_ZONE, now=T0)
    assert set(refused.value.errors) == {"clinical"}


def requested(org):  # noqa: F811
    """A nurse review requested at T0 of a near miss an hour before it (pinned, whatever today is)."""
    report = db.session.get(Report, org.report("dsp@x.test", still_at_risk=True))
    report.occurred_at = T0 - timedelta(hours=1)
    alert = db.session.scalar(select(StopTheLineAlert))
    record_safeguards(alert, user("sup@x.test"), "Repositioned; area kept dry", nurse_review=True, now=T0)
    return db.session.scalar(select(NurseReview))


def test_the_target_is_judged_by_when_the_nurse_saw_them_not_when_it_was_typed(org, ctx):  # noqa: F811
    review = requested(org)
    record_nurse_outcome(
        review,
        user("nurse@x.test"),
        outcome="seen",
        notes="Skin intact on review.",
        seen_at=T0 + timedelta(hours=6),
        now=T0 + timedelta(hours=10),
    )
    assert review.seen_at == T0 + timedelta(hours=6) and review.outcome_at == T0 + timedelta(hours=10)
    week = monday(T0.date())
    share = nurse_review_timeliness(Scope(week, week, None), UTC_ZONE, T0 + timedelta(hours=11))
    assert (sum(share.met), sum(share.total)) == (1, 1), "seen within the 8 hours, typed up after"


@pytest.mark.parametrize(
    ("seen", "field_message"),
    [
        (timedelta(hours=2), "cannot be in the future"),
        (-timedelta(days=30), "before the near miss happened"),
    ],
)
def test_a_time_in_the_future_or_before_the_near_miss_is_refused(org, ctx, seen, field_message):  # noqa: F811
    review = requested(org)
    with pytest.raises(NurseReviewInvalid) as refused:
        record_nurse_outcome(
            review, user("nurse@x.test"), outcome="seen", notes="Skin intact.", seen_at=T0 + seen, now=T0
        )
    assert field_message in refused.value.errors["seen_at"][0]
    assert review.outcome is None


def test_the_page_asks_for_the_time_and_refuses_an_unreadable_one(app, org):  # noqa: F811
    org.report("dsp@x.test", still_at_risk=True)
    with app.app_context():
        alert = db.session.scalar(select(StopTheLineAlert))
        record_safeguards(alert, user("sup@x.test"), "Stayed with them", nurse_review=True)
        db.session.commit()
        review_id = db.session.scalar(select(NurseReview.id))
    nurse = app.test_client()
    login(nurse, "nurse@x.test")
    page = nurse.get(f"/nurse-reviews/{review_id}").get_data(as_text=True)
    assert 'name="seen_at" value=""' in page, "empty: the time it is sent, not when the page was opened"
    token = csrf_from_page(nurse, f"/nurse-reviews/{review_id}")
    form = {"csrf_token": token, "outcome": "seen", "notes": "All well on review."}
    refused = nurse.post(f"/nurse-reviews/{review_id}/outcome", data={**form, "seen_at": "yesterday-ish"})
    assert refused.status_code == 422
    assert "Give the date and time you saw them." in refused.get_data(as_text=True)
    assert "All well on review." in refused.get_data(as_text=True), "nothing typed is lost"
    done = nurse.post(f"/nurse-reviews/{review_id}/outcome", data=form)
    assert done.status_code == 302
    assert "seen " in nurse.get(f"/nurse-reviews/{review_id}").get_data(as_text=True)
