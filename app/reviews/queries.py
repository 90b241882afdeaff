"""Who may run and read reviews (shared by the review pages and by actions that link reviews), and
the reads the review pages make."""

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.auth.queries import active_users
from app.core.permissions import can_view_report
from app.core.roles import REVIEW_ROLES, Role
from app.extensions import db
from app.reports.models import Report
from app.reports.queries import UNSEEN_REPORT, visible_report
from app.reviews.models import Review

RECENT_REVIEWS = 200


def can_run_reviews(user) -> bool:
    return bool(user.roles & REVIEW_ROLES)


def can_view_review(user, review) -> bool:
    """Reviews are internal learning records: for those who run reviews and the organisation-wide
    leads, and only when they may see every report the review covers. Reporters hear the outcome
    through feedback updates instead."""
    if Role.QUALITY_LEAD in user.roles:
        return True
    if not (can_run_reviews(user) or user.is_organisation_wide):
        return False
    return all(can_view_report(user, r) for r in review.reports)


def recent_reviews_visible_to(user) -> list[Review]:
    """The latest reviews (newest first) that ``user`` may read."""
    reviews = db.session.scalars(
        select(Review)
        .options(selectinload(Review.owner), selectinload(Review.reports))
        .order_by(Review.created_at.desc())
        .limit(RECENT_REVIEWS)
    )
    return [r for r in reviews if can_view_review(user, r)]


def visible_review_or_404(user, review_id: int) -> Review:
    """The review if ``user`` may read it; 404 for unknown and forbidden alike."""
    review = db.session.get(Review, review_id)
    if review is None or not can_view_review(user, review):
        abort(404)
    return review


def linkable_reports(user, report_ids) -> tuple[list[Report], list[str]]:
    """The reports ``user`` may link, and one problem per id that is unknown or not theirs to see
    (the same answer for both, so an id's existence is not told)."""
    found = [visible_report(user, report_id) for report_id in report_ids]
    return [r for r in found if r is not None], [UNSEEN_REPORT for r in found if r is None]


def possible_review_owners() -> list:
    """Everyone who runs reviews, by name: the owner list of the review form (the save then checks
    that the one chosen may see every report the review covers)."""
    return [user for user in active_users() if can_run_reviews(user)]
