"""Nurse reviews: a same-day clinical look at a report. A supervisor's safeguards can request one;
the region's nurses are alerted, one takes it (becoming its owner) and records the outcome (seen,
advice given or escalated) with notes. Every step is audited. Callers commit."""

from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.auth.queries import users_with_role
from app.core.audit.operations import record_event
from app.core.models import now_utc
from app.core.permissions import sees_report_through_role
from app.core.roles import Role
from app.core.settings import get_setting
from app.core.validation import InvalidInput
from app.escalations.models import NurseReview
from app.extensions import db
from app.notifications.operations import notify, settle, settle_others
from app.reports.models import Report

NURSE_REVIEW_OUTCOMES = {
    "seen": _l("Seen: nothing more needed"),
    "advice_given": _l("Advice given to the team"),
    "escalated": _l("Escalated (primary care provider, 911 or the clinical lead)"),
}


SEEN_AT_SLACK = timedelta(minutes=5)
"""A phone's clock may run a little ahead of the server's."""


class NurseReviewInvalid(InvalidInput):
    """A nurse-review step was refused; ``errors`` says why."""


def nurse_review_link(review: NurseReview) -> str:
    return f"/nurse-reviews/{review.id}"


def region_nurses(review: NurseReview) -> list:
    """The region's nurses who may read the report."""
    return [
        nurse
        for nurse in users_with_role(Role.NURSE, region_id=review.region_id)
        if sees_report_through_role(nurse, review.report)
    ]


def a_nurse_can_read(report: Report) -> bool:
    """Whether one of the region's nurses may read ``report`` (not when it is restricted to
    safeguarding)."""
    return any(
        sees_report_through_role(n, report) for n in users_with_role(Role.NURSE, region_id=report.region_id)
    )


def request_nurse_review(
    report: Report, *, because: str, actor=None, now: datetime | None = None
) -> NurseReview | None:
    """Ask the region's nurses for a same-day review of ``report`` (once per report), due within the
    organisation's target (``nurse_review_target_hours``)."""
    existing = db.session.scalar(select(NurseReview).where(NurseReview.report_id == report.id))
    if existing is not None:
        return existing
    now = now or now_utc()
    if not a_nurse_can_read(report):
        if because == "category":
            return None  # no nurse of the region may read it (a safeguarding report): triage sees it
        raise NurseReviewInvalid(
            {
                "nurse_review": [
                    _(
                        "No nurse of this region may read this report (it is restricted to safeguarding): "
                        "phone the nurse and say so in the safeguards."
                    )
                ]
            }
        )
    review = NurseReview(
        report=report,
        region_id=report.region_id,
        requested_at=now,
        requested_by_id=actor.id if actor is not None else None,
        requested_because=because,
        due_at=now + timedelta(hours=get_setting("nurse_review_target_hours")),
    )
    db.session.add(review)
    db.session.flush()
    notify(
        region_nurses(review),
        kind="nurse_review",
        title=_l(
            "Nurse review today: report NM-%(id)s in %(region)s", id=report.id, region=report.region.name
        ),
        link=nurse_review_link(review),
    )
    record_event(
        "nurse_review.request",
        actor=actor,
        object_type="report",
        object_id=report.id,
        region_id=report.region_id,
        after={"nurse_review_id": review.id, "because": because, "due_at": review.due_at.isoformat()},
    )
    return review


def can_take(user, review: NurseReview) -> bool:
    return (
        Role.NURSE in user.roles
        and review.region_id in user.region_ids
        and sees_report_through_role(user, review.report)
    )


def take_nurse_review(review: NurseReview, nurse, *, now: datetime | None = None) -> None:
    """A nurse takes the review: they own it now (taking one already taken is refused)."""
    if not can_take(nurse, review):
        raise NurseReviewInvalid({"owner": [_("Nurse reviews are taken by the region's nurses.")]})
    if review.owner_id is not None and review.owner_id != nurse.id:
        raise NurseReviewInvalid({"owner": [_("%(name)s has already taken it.", name=review.owner.name)]})
    if review.owner_id == nurse.id:
        return
    review.owner_id = nurse.id
    review.taken_at = now or now_utc()
    settle_others(
        nurse_review_link(review),
        keep_user_id=nurse.id,
        kinds=("nurse_review",),
        outcome="taken",
        now=review.taken_at,
    )
    record_event(
        "nurse_review.take",
        actor=nurse,
        object_type="report",
        object_id=review.report_id,
        region_id=review.region_id,
        after={"nurse_review_id": review.id},
    )


def record_nurse_outcome(
    review: NurseReview,
    nurse,
    *,
    outcome: str,
    notes: str,
    seen_at: datetime | None = None,
    now: datetime | None = None,
) -> None:
    """The owner records what came of it and when they saw the person (or the report), taking it on
    the way if nobody had. The target is judged by ``seen_at``: the write-up may come later."""
    now = now or now_utc()
    seen_at = seen_at or now
    errors = {}
    if outcome not in NURSE_REVIEW_OUTCOMES:
        errors["outcome"] = [_("Choose the outcome.")]
    if len((notes or "").strip()) < 5:
        errors["notes"] = [_("Say in a few words what you found or advised.")]
    if len(notes or "") > 4000:
        errors.setdefault("notes", []).append(_("Keep the notes under 4000 characters."))
    if seen_at > now + SEEN_AT_SLACK:
        errors["seen_at"] = [_("The time you saw them cannot be in the future.")]
    elif seen_at < review.report.occurred_at:
        errors["seen_at"] = [_("The time you saw them is before the near miss happened.")]
    if review.outcome is not None:
        errors["outcome"] = [_("The outcome is already recorded.")]
    if errors:
        raise NurseReviewInvalid(errors)
    take_nurse_review(review, nurse, now=now)
    review.outcome = outcome
    review.notes = notes.strip()
    review.outcome_at = now
    review.seen_at = seen_at
    settle(nurse_review_link(review), kinds=("nurse_review",), outcome="done", now=now)
    record_event(
        "nurse_review.outcome",
        actor=nurse,
        object_type="report",
        object_id=review.report_id,
        region_id=review.region_id,
        after={
            "nurse_review_id": review.id,
            "outcome": outcome,
            "seen_at": seen_at.isoformat(),
            "within_target": seen_at <= review.due_at,
        },
    )
