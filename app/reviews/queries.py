"""Who may run and read reviews (shared by the review pages and by actions that link reviews)."""

from app.core.permissions import can_view_report
from app.core.roles import REGION_REVIEW_ROLES, Role


def can_run_reviews(user) -> bool:
    return bool(user.roles & (REGION_REVIEW_ROLES | {Role.QUALITY_LEAD}))


def can_view_review(user, review) -> bool:
    """Reviews are internal learning records: for those who run reviews and the organisation-wide
    leads, and only when they may see every report the review covers. Reporters hear the outcome
    through feedback updates instead."""
    if Role.QUALITY_LEAD in user.roles:
        return True
    if not (can_run_reviews(user) or user.is_organisation_wide):
        return False
    return all(can_view_report(user, r) for r in review.reports)
