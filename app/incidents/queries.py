"""Reads of incidents and warning links, always through the report permission layer: a link is
shown only to someone who may read the reports at both ends."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from app.core.permissions import can_view_report, sees_report_through_role
from app.core.roles import REVIEW_ROLES
from app.extensions import db
from app.incidents.models import IncidentCategory, IncidentRecord, WarningLink
from app.reports.models import Report
from app.taxonomy.models import Category, Region
from app.taxonomy.vocabulary import EventClass


def may_handle_incidents(user, report: Report) -> bool:
    """Whether ``user`` may record ``report`` as an incident or link it: the roles that triage or
    review reports (supervisors and other region reviewers of its region, the quality lead), and
    only for a report they see through that role."""
    return bool(user.roles & REVIEW_ROLES) and sees_report_through_role(user, report)


def is_incident(report: Report) -> bool:
    return report.event_class == EventClass.INCIDENT.value


def active_incident_categories() -> list[IncidentCategory]:
    """The categories an incident may be given now, in their order."""
    return list(
        db.session.scalars(
            select(IncidentCategory)
            .where(IncidentCategory.active)
            .order_by(IncidentCategory.sort_order, IncidentCategory.id)
        )
    )


def incident_categories_listed() -> list[IncidentCategory]:
    """Every category, deactivated ones included, for the administration page."""
    return list(
        db.session.scalars(
            select(IncidentCategory).order_by(IncidentCategory.sort_order, IncidentCategory.id)
        )
    )


def incident_category(category_id: int | None) -> IncidentCategory | None:
    return db.session.get(IncidentCategory, category_id) if category_id is not None else None


def incidents_per_category() -> dict[int, int]:
    """How many incidents each category holds (the administration page shows it)."""
    rows = db.session.execute(
        select(IncidentRecord.category_id, func.count()).group_by(IncidentRecord.category_id)
    )
    return dict(rows.all())


def next_incident_category_sort_order() -> int:
    highest = db.session.scalar(select(func.max(IncidentCategory.sort_order)))
    return (highest or 0) + 10


def warning_link(link_id: int) -> WarningLink | None:
    return db.session.get(WarningLink, link_id)


@dataclass
class LinkedReport:
    link_id: int
    report: Report
    linked_at: datetime
    linked_by: str


def _linked(links, other, viewer) -> list[LinkedReport]:
    return [
        LinkedReport(link.id, other(link), link.linked_at, link.linked_by.name)
        for link in links
        if can_view_report(viewer, other(link))
    ]


def warnings_before(incident: Report, viewer) -> list[LinkedReport]:
    """The near misses linked to ``incident`` as its warnings that ``viewer`` may read, oldest first."""
    links = db.session.scalars(
        select(WarningLink)
        .join(Report, Report.id == WarningLink.near_miss_id)
        .where(WarningLink.incident_id == incident.id)
        .order_by(Report.occurred_at, Report.id)
    )
    return _linked(links, lambda link: link.near_miss, viewer)


def incidents_after(near_miss: Report, viewer) -> list[LinkedReport]:
    """The later incidents ``near_miss`` was a warning of that ``viewer`` may read, oldest first."""
    links = db.session.scalars(
        select(WarningLink)
        .join(Report, Report.id == WarningLink.incident_id)
        .where(WarningLink.near_miss_id == near_miss.id)
        .order_by(Report.occurred_at, Report.id)
    )
    return _linked(links, lambda link: link.incident, viewer)


@dataclass
class ThemeWarnings:
    """One theme (a report category in a region) over a period: its near misses (and unsafe
    conditions, which did not reach the person either), its incidents, and how many of those
    incidents had a linked warning first."""

    region: str
    category: str
    near_misses: int
    incidents: int
    warned: int

    @property
    def per_incident(self) -> float | None:
        return self.near_misses / self.incidents if self.incidents else None


def incident_totals(start: datetime, end: datetime, region_ids) -> tuple[int, int]:
    """``(incidents, warned)``: the incidents between ``start`` and ``end`` (when they occurred) in
    the regions ``region_ids`` (None: all), and how many of them had a linked warning first; what
    ``theme_warnings`` adds up to, without counting the period's near misses."""
    incident = Report.event_class == EventClass.INCIDENT.value
    warned_ids = select(WarningLink.incident_id).distinct()
    statement = select(func.count(), func.count().filter(Report.id.in_(warned_ids))).where(
        incident, Report.occurred_at >= start, Report.occurred_at < end
    )
    if region_ids is not None:
        statement = statement.where(Report.region_id.in_(region_ids))
    incidents, warned = db.session.execute(statement).one()
    return incidents or 0, warned or 0


def theme_warnings(start: datetime, end: datetime, region_ids) -> list[ThemeWarnings]:
    """Per theme with an incident between ``start`` and ``end`` (when they occurred), in the regions
    ``region_ids`` (None: all): near misses, incidents and incidents with a warning first; the themes
    with most incidents first."""
    incident = Report.event_class == EventClass.INCIDENT.value
    warned_ids = select(WarningLink.incident_id).distinct()
    statement = (
        select(
            Report.region_id,
            Report.category_id,
            func.count().filter(~incident),
            func.count().filter(incident),
            func.count().filter(incident, Report.id.in_(warned_ids)),
        )
        .where(Report.occurred_at >= start, Report.occurred_at < end)
        .group_by(Report.region_id, Report.category_id)
    )
    if region_ids is not None:
        statement = statement.where(Report.region_id.in_(region_ids))
    rows = [row for row in db.session.execute(statement) if row[3]]
    if not rows:
        return []
    regions = dict(db.session.execute(select(Region.id, Region.name)).all())
    categories = {c.id: c.label for c in db.session.scalars(select(Category))}
    themes = [
        ThemeWarnings(regions.get(r, "—"), categories.get(c, "—"), nm, inc, warned)
        for r, c, nm, inc, warned in rows
    ]
    return sorted(themes, key=lambda t: (-t.incidents, t.region, t.category))
