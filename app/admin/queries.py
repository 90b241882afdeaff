"""Reads for the administration pages: lists of rows to manage, and counts of what points at them."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, or_, select

from app.anonymous.queries import link_accounts
from app.auth.models import Passkey, User, UserRole, user_regions
from app.core.roles import Role
from app.escalations.clocks import WorkingCalendar
from app.escalations.models import ExternalBody
from app.escalations.working_days import supported_countries, working_calendar
from app.extensions import db
from app.taxonomy.models import Category, Program, Region
from app.triage.models import TriageMatrixVersion

MAX_LISTED_USERS = 500
SORT_ORDER_STEP = 10
"""A new category goes this far after the last one, leaving room to slot others in between."""


def row_by_id(model, row_id: int | None):
    """The row of ``model`` (a region, program, category, user or external body) with this id, or
    None when there is none (or no id was given)."""
    return db.session.get(model, row_id) if row_id else None


# Users -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UserFilters:
    """The user list's search: text in the name or e-mail, a role, and active/inactive/all."""

    query: str
    role: str
    status: str

    def as_dict(self) -> dict[str, str]:
        return {"q": self.query, "role": self.role, "status": self.status}


def users_matching(filters: UserFilters) -> list[User]:
    """The accounts the user list shows: by name, matching the search, the role and the status
    (at most ``MAX_LISTED_USERS``)."""
    statement = select(User).where(User.id.not_in(link_accounts())).order_by(User.name)
    if filters.query:
        pattern = f"%{filters.query.lower()}%"
        statement = statement.where(
            or_(func.lower(User.name).like(pattern), func.lower(User.email).like(pattern))
        )
    if filters.role in {role.value for role in Role}:
        statement = statement.where(
            User.id.in_(select(UserRole.user_id).where(UserRole.role == filters.role))
        )
    if filters.status == "active":
        statement = statement.where(User.active)
    elif filters.status == "inactive":
        statement = statement.where(User.active.is_(False))
    return list(db.session.scalars(statement.limit(MAX_LISTED_USERS)))


def passkey_counts() -> dict[int, int]:
    """How many passkeys (not revoked) each user holds, by user id; users without any are absent."""
    return dict(
        db.session.execute(
            select(Passkey.user_id, func.count())
            .where(Passkey.revoked_at.is_(None))
            .group_by(Passkey.user_id)
        ).all()
    )


def regions_with_ids(region_ids: list[int]) -> list[Region]:
    """The regions among ``region_ids`` (ids of no region are left out)."""
    if not region_ids:
        return []
    return list(db.session.scalars(select(Region).where(Region.id.in_(region_ids))))


# Settings pages --------------------------------------------------------------------------------


def matrix_versions() -> list[TriageMatrixVersion]:
    """Every version of the triage matrix, newest first."""
    return list(db.session.scalars(select(TriageMatrixVersion).order_by(TriageMatrixVersion.version.desc())))


def external_bodies() -> list[ExternalBody]:
    """Every external reporting body, by name."""
    return list(db.session.scalars(select(ExternalBody).order_by(ExternalBody.name)))


# Regions, programs, categories -----------------------------------------------------------------


def reports_per(column) -> dict[int, int]:
    """How many reports point at each region, program or category (``Report.region_id``, ...)."""
    rows = db.session.execute(select(column, func.count()).where(column.is_not(None)).group_by(column))
    return dict(rows.all())


def regions_listed() -> list[Region]:
    """Every region, active ones first, then by name."""
    return list(db.session.scalars(select(Region).order_by(Region.active.desc(), Region.name)))


def active_users_per_region() -> dict[int, int]:
    """How many active users work in each region, by region id."""
    return dict(
        db.session.execute(
            select(user_regions.c.region_id, func.count())
            .join(User, User.id == user_regions.c.user_id)
            .where(User.active)
            .group_by(user_regions.c.region_id)
        ).all()
    )


def programs_per_region() -> dict[int, int]:
    """How many programs each region has, by region id."""
    return dict(db.session.execute(select(Program.region_id, func.count()).group_by(Program.region_id)).all())


def programs_listed() -> list[Program]:
    """Every program, active ones first, then by name."""
    return list(db.session.scalars(select(Program).order_by(Program.active.desc(), Program.name)))


def categories_listed() -> list[Category]:
    """Every category, active ones first, then in the report form's order."""
    return list(
        db.session.scalars(
            select(Category).order_by(Category.active.desc(), Category.sort_order, Category.name)
        )
    )


def next_category_sort_order() -> int:
    """The sort order a new category gets by default: after the last one."""
    return (db.session.scalar(select(func.max(Category.sort_order))) or 0) + SORT_ORDER_STEP


# Business-day calendar -------------------------------------------------------------------------

CALENDAR_PREVIEW_DAYS = 366


def calendar_form_values(calendar: WorkingCalendar | None = None) -> dict[str, str]:
    """The business-day calendar form's fields as stored (or for ``calendar``): the added days one a
    line, "YYYY-MM-DD why"."""
    calendar = calendar or working_calendar()
    lines = [f"{day.isoformat()} {reason}".strip() for day, reason in sorted(calendar.added_days.items())]
    return {"country": calendar.country, "subdivision": calendar.subdivision, "added_days": "\n".join(lines)}


@dataclass(frozen=True)
class CalendarPreview:
    """What the calendar page shows beside its form: the countries and states the holiday package
    knows, and the weekdays that are not business days in the coming year, with why."""

    countries: dict[str, list[str]]
    days_off: list[tuple[date, str]]


def calendar_preview(today: date) -> CalendarPreview:
    calendar = working_calendar()
    last = today + timedelta(days=CALENDAR_PREVIEW_DAYS)
    return CalendarPreview(supported_countries(), calendar.days_off(today, last))
