"""The permission layer every route goes through (SPEC §2, §6).

Region scoping: organisation-wide roles see every region; review roles see their regions; everyone
sees what they reported themselves. Confidential reports hide the reporter from all but the quality
and safeguarding leads (and the reporter). Functions take duck-typed objects so this module depends
on no feature.

Emergency access (break-glass, see ``app.emergency``) widens *reading* only: while a user's grant is
live they see every region's reports, safeguarding ones included. Write checks (``can_triage`` and the
role checks of reviews, actions and administration) never look at it, and the grant is only attached
to reading requests, so it can never be the reason a write is allowed.
"""

from sqlalchemy import and_, false, not_, or_, true

from app.core.models import now_utc
from app.core.roles import REGION_REVIEW_ROLES, SAFEGUARDING_NEED_TO_KNOW, Role


def under_emergency_access(user) -> bool:
    """Whether ``user`` holds a live emergency-access grant on this request.

    ``emergency_access_until`` is set per request by the emergency package; it is checked against the
    clock here, so a grant gives nothing from the moment it expires, with no job having to run.
    """
    until = getattr(user, "emergency_access_until", None)
    return until is not None and now_utc() < until


def visible_region_ids(user) -> frozenset[int] | None:
    """Regions whose reports ``user`` may read; None means all of them."""
    if user.is_organisation_wide or under_emergency_access(user):
        return None
    if user.roles & REGION_REVIEW_ROLES:
        return user.region_ids
    return frozenset()


def can_file_in_region(user, region_id: int) -> bool:
    return region_id in user.region_ids


def sees_safeguarding_in(user, region_id: int) -> bool:
    """Safeguarding reports go to those who need them: the safeguarding and quality leads, and the
    supervisors of the report's region (who protect the person now)."""
    if user.roles & SAFEGUARDING_NEED_TO_KNOW or under_emergency_access(user):
        return True
    return Role.SUPERVISOR in user.roles and region_id in user.region_ids


def can_view_report(user, report) -> bool:
    return report.reporter_id == user.id or sees_report_through_role(user, report)


def sees_report_through_role(user, report) -> bool:
    """Whether ``user`` may read ``report`` whoever filed it (roles, regions, an emergency grant).
    A reporter without it sees only the reporter's view of their own report."""
    regions = visible_region_ids(user)
    if regions is not None and report.region_id not in regions:
        return False
    return not report.safeguarding_restricted or sees_safeguarding_in(user, report.region_id)


def can_triage(user, report) -> bool:
    """Supervisors triage their own regions; the quality lead triages anywhere."""
    if Role.QUALITY_LEAD in user.roles:
        return True
    return Role.SUPERVISOR in user.roles and report.region_id in user.region_ids


def reporter_is_visible(user, report) -> bool:
    """Whether ``user`` may see who filed ``report``."""
    return not report.confidential or report.reporter_id == user.id or user.sees_confidential_reporters


def scope_to_viewer(statement, report_model, user):
    """Restrict a SELECT of reports to those ``user`` may read."""
    regions = visible_region_ids(user)
    in_regions = true() if regions is None else report_model.region_id.in_(regions)
    if user.roles & SAFEGUARDING_NEED_TO_KNOW or under_emergency_access(user):
        safeguarding_ok = true()
    elif Role.SUPERVISOR in user.roles:
        safeguarding_ok = report_model.region_id.in_(user.region_ids)
    else:
        safeguarding_ok = false()
    allowed = and_(in_regions, or_(not_(report_model.safeguarding_restricted), safeguarding_ok))
    return statement.where(or_(report_model.reporter_id == user.id, allowed))
