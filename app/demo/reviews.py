"""The demo's reviews: the reviews triage opened are held and completed as the year goes by, most
before they are due and about one in ten a few days late, so the "review completed in time" measure
has something true to show and the last weeks' reviews are still open for their owners."""

import random
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select, update

from app.core.models import now_utc
from app.escalations.models import NurseReview
from app.escalations.nurse_reviews import record_nurse_outcome, take_nurse_review
from app.extensions import db
from app.notifications.models import WAITING_FOR, Notification
from app.reviews.models import Review
from app.reviews.operations import OWED_BY_TRIAGE, ReviewInput, save_review

FINDINGS = {
    "brief_structured_review": "Talked it through at the team huddle: the check that caught it was luck, "
    "not design.",
    "barrier_review": "Walked through the theme's reports with the people involved.",
    "full_systems_review": "Mapped the visit across the office, the schedule and the home; two handovers "
    "had no confirmation step.",
}
ROOT_PATTERN = "The same step relies on memory on every visit."
PARTICIPANTS = {
    "brief_structured_review": [{"role": "Supervisor", "name": ""}, {"role": "DSP", "name": ""}],
    "barrier_review": [{"role": "Quality lead", "name": ""}, {"role": "Supervisor", "name": ""}],
    "full_systems_review": [
        {"role": "Quality lead", "name": ""},
        {"role": "Operations lead", "name": ""},
        {"role": "Nurse", "name": ""},
    ],
}


def held_on(review: Review) -> date:
    """The day the review is held: a day or more before it is due, or (one in ten) a few days late.
    Seeded by the review's id, so the same review is held on the same day however often it is asked."""
    chance = random.Random(review.id)
    if chance.random() < 0.1:
        return review.due_date + timedelta(days=chance.randint(1, 6))
    if review.kind == "full_systems_review":  # booked within a few weeks, well before its 60 days
        return review.created_at.date() + timedelta(days=chance.randint(10, 35))
    return max(review.created_at.date(), review.due_date - timedelta(days=chance.randint(1, 4)))


def hold_reviews_due_by(moment: datetime, tz) -> None:
    """Complete every review triage opened whose day to be held has come by ``moment``."""
    today = moment.astimezone(tz).date()
    candidates = db.session.scalars(
        select(Review).where(
            Review.kind.in_(OWED_BY_TRIAGE),
            Review.status != "completed",
            Review.created_at <= moment,
        )
    ).all()
    for review in candidates:
        day = held_on(review)
        if day > today:
            continue
        kind = review.kind
        save_review(
            review.owner,
            ReviewInput(
                kind=kind,
                title=review.title,
                reports=list(review.reports),
                held_on=day,
                duration_minutes={"brief_structured_review": 15, "barrier_review": 30}.get(kind, 90),
                participants=PARTICIPANTS[kind],
                findings=FINDINGS[kind],
                root_pattern="The same step relies on memory on every visit."
                if kind == "barrier_review"
                else "",
                complete=True,
            ),
            review,
            today=day,
        )
        held_at = datetime.combine(day, datetime.min.time(), tzinfo=tz) + timedelta(hours=15)
        review.completed_at = min(held_at, moment)


NURSE_NOTES = {
    "seen": "Skin checked on the visit: intact; plan unchanged.",
    "advice_given": "Advised two-hourly repositioning and barrier cream; plan updated.",
    "escalated": "Redness spreading: primary care provider asked to see the person today.",
}


def see_nurse_reviews_before(cutoff: datetime, nurse, rng: random.Random) -> None:
    """The nurse takes and closes each review requested before ``cutoff``, mostly within the day
    (about one in eight late); later ones stay open on the nurse's work."""
    reviews = db.session.scalars(
        select(NurseReview).where(NurseReview.outcome.is_(None), NurseReview.requested_at < cutoff)
    ).all()
    for review in reviews:
        late = rng.random() < 0.12
        seen = review.requested_at + timedelta(hours=rng.randint(9, 30) if late else rng.randint(1, 7))
        take_nurse_review(review, nurse, now=review.requested_at + timedelta(minutes=rng.randint(10, 50)))
        outcome = rng.choice(["seen", "seen", "advice_given", "escalated"])
        record_nurse_outcome(
            review,
            nurse,
            outcome=outcome,
            notes=NURSE_NOTES[outcome],
            seen_at=seen,
            now=seen + timedelta(hours=1),
        )


def read_what_only_informed() -> None:
    """Every notification whose work is done, or that only informed, is read: the inbox counts what
    still needs each person (notifications are stamped with the real time the demo was loaded, so their
    age cannot tell)."""
    db.session.execute(
        update(Notification)
        .where(
            Notification.read_at.is_(None),
            or_(Notification.settled_at.is_not(None), Notification.kind.not_in(tuple(WAITING_FOR))),
        )
        .values(read_at=now_utc())
    )
