"""The permission layer every route goes through (SPEC §2, §6).

Region scoping: organisation-wide roles see every region; review roles see their regions; everyone
sees what they reported themselves. Confidential reports hide the reporter from all but the quality
and safeguarding leads (and the reporter). Functions take duck-typed objects so this module depends
on no feature.
"""

from sqlalchemy import or_

from app.core.roles import REGION_REVIEW_ROLES


def visible_region_ids(user) -> frozenset[int] | None:
    """Regions whose reports ``user`` may read; None means all of them."""
    if user.is_organisation_wide:
        return None
    if user.roles & REGION_REVIEW_ROLES:
        return user.region_ids
    return frozenset()


def can_file_in_region(user, region_id: int) -> bool:
    return region_id in user.region_ids


def can_view_report(user, report) -> bool:
    if report.reporter_id == user.id:
        return True
    regions = visible_region_ids(user)
    return regions is None or report.region_id in regions


def reporter_is_visible(user, report) -> bool:
    """Whether ``user`` may see who filed ``report``."""
    return not report.confidential or report.reporter_id == user.id or user.sees_confidential_reporters


def scope_to_viewer(statement, report_model, user):
    """Restrict a SELECT of reports to those ``user`` may read."""
    regions = visible_region_ids(user)
    if regions is None:
        return statement
    return statement.where(or_(report_model.reporter_id == user.id, report_model.region_id.in_(regions)))
