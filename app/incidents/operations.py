"""Incident writes: recording that a report reached the person (at triage or later), linking near
misses to the incidents they warned of, and the administration of the critical-incident categories.
Each flushes and writes its audit event; callers commit."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.core.audit.operations import record_event
from app.core.models import now_utc
from app.core.permissions import can_view_report
from app.core.validation import InvalidInput, Problems
from app.escalations.models import ExternalBody
from app.escalations.operations import add_external_duty
from app.extensions import db
from app.incidents.models import IncidentCategory, IncidentRecord, WarningLink
from app.incidents.queries import is_incident, may_handle_incidents
from app.incidents.signals import report_became_incident
from app.incidents.vocabulary import REASON_MIN, IncidentVia
from app.reports.models import Report, ReportStatus
from app.reports.queries import UNSEEN_REPORT
from app.taxonomy.vocabulary import EventClass

CHOOSE_CATEGORY = _l("Choose the critical-incident category.")
NAME_MAX = 120
CODE_MAX = 40
TEXT_MAX = 2000
CODE_PATTERN = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")


class IncidentInvalid(InvalidInput):
    """An incident, link or category change was refused; ``errors`` says why."""


def _category_problem(category: IncidentCategory | None) -> str | None:
    if category is None or not category.active:
        return CHOOSE_CATEGORY
    return None


def record_incident(
    report: Report,
    category: IncidentCategory,
    *,
    actor,
    via: IncidentVia,
    now: datetime,
    reason: str = "",
) -> IncidentRecord:
    """Record (or re-categorise) ``report`` as an incident. The report's class and status are the
    caller's (triage sets them with its own audit event; :func:`reclassify_as_incident` here)."""
    record = report.incident
    before = None if record is None else {"category": record.category.code, "via": record.recorded_via}
    if record is not None and record.category_id == category.id:
        return record
    if record is None:
        record = IncidentRecord(
            report=report,
            recorded_via=via.value,
            recorded_by_id=actor.id,
            recorded_at=now,
            reason=reason or None,
        )
        db.session.add(record)
    record.category = category
    db.session.flush()
    record_event(
        "incident.record" if before is None else "incident.recategorise",
        actor=actor,
        object_type="report",
        object_id=report.id,
        region_id=report.region_id,
        before=before,
        after={"category": category.code, "via": record.recorded_via},
    )
    return record


def reclassify_as_incident(
    report: Report, actor, *, category_id: int | None, reason: str, tz: ZoneInfo, now: datetime | None = None
) -> IncidentRecord:
    """After triage (or before it), record that ``report`` reached the person: it becomes an incident
    with its category, is handed to the incident process, and gets its external-reporting duties
    (the bodies that take every incident), as a triage to *incident* does. Also re-categorises an
    incident. Only for someone who may handle the report (:func:`may_handle_incidents`)."""
    if not may_handle_incidents(actor, report):
        raise IncidentInvalid(
            {"category_id": [_("Only those who triage or review this report may do this.")]}
        )
    category = db.session.get(IncidentCategory, category_id) if category_id is not None else None
    problems = Problems()
    problems.need("category_id", _category_problem(category) is None, CHOOSE_CATEGORY)
    reason = (reason or "").strip()
    already = is_incident(report)
    if not already:
        problems.need(
            "reason",
            REASON_MIN <= len(reason) <= TEXT_MAX,
            _(
                "Say how it reached the person in at least %(least)s characters (under %(most)s).",
                least=REASON_MIN,
                most=TEXT_MAX,
            ),
        )
    if problems:
        raise IncidentInvalid(problems)
    now = now or now_utc()
    if already:
        return record_incident(report, category, actor=actor, via=IncidentVia.TRIAGE, now=now)
    before = {"status": report.status, "event_class": report.event_class}
    report.event_class = EventClass.INCIDENT.value
    report.status = ReportStatus.HANDED_OFF.value
    triage = getattr(report, "triage", None)
    if triage is not None:
        # The triage form shows the class it stored: an incident must not be saved back to a near miss.
        triage.event_class = EventClass.INCIDENT.value
        triage.version += 1
    db.session.flush()
    record_event(
        "incident.reclassify",
        actor=actor,
        object_type="report",
        object_id=report.id,
        region_id=report.region_id,
        before=before,
        after={"status": report.status, "event_class": report.event_class, "category": category.code},
    )
    record = record_incident(
        report, category, actor=actor, via=IncidentVia.RECLASSIFIED, now=now, reason=reason
    )
    for body in db.session.scalars(
        select(ExternalBody).where(ExternalBody.for_incidents, ExternalBody.active)
    ):
        add_external_duty(report, body, tz=tz, actor=actor, now=now)
    report_became_incident.send(report, actor=actor)
    return record


def _sees_both(actor, near_miss: Report | None, incident: Report | None) -> bool:
    return (
        near_miss is not None
        and incident is not None
        and can_view_report(actor, near_miss)
        and can_view_report(actor, incident)
    )


def link_warning(
    near_miss: Report | None, incident: Report | None, actor, *, now: datetime | None = None
) -> WarningLink:
    """Link a near miss to the later incident it warned of. Both must be reports ``actor`` may read
    (an unknown one and a hidden one get the same answer) and may handle; the near miss did not reach
    the person and happened before the incident."""
    if not _sees_both(actor, near_miss, incident):
        raise IncidentInvalid({"other": [UNSEEN_REPORT]})
    if not (may_handle_incidents(actor, near_miss) and may_handle_incidents(actor, incident)):
        raise IncidentInvalid({"other": [_("Only those who triage or review both reports may link them.")]})
    problems = Problems()
    problems.need("other", near_miss.id != incident.id, _("A report cannot be its own warning."))
    problems.need(
        "other", is_incident(incident), _("NM-%(id)s is not recorded as an incident.", id=incident.id)
    )
    problems.need(
        "other", not is_incident(near_miss), _("NM-%(id)s is an incident, not a near miss.", id=near_miss.id)
    )
    problems.need(
        "other",
        near_miss.occurred_at <= incident.occurred_at,
        _(
            "NM-%(warning)s happened after NM-%(incident)s: a warning comes first.",
            warning=near_miss.id,
            incident=incident.id,
        ),
    )
    if problems:
        raise IncidentInvalid(problems)
    existing = db.session.scalar(
        select(WarningLink).where(
            WarningLink.near_miss_id == near_miss.id, WarningLink.incident_id == incident.id
        )
    )
    if existing is not None:
        return existing
    link = WarningLink(
        near_miss=near_miss, incident=incident, linked_by_id=actor.id, linked_at=now or now_utc()
    )
    db.session.add(link)
    db.session.flush()
    for report, other in ((near_miss, incident), (incident, near_miss)):
        record_event(
            "warning_link.add",
            actor=actor,
            object_type="report",
            object_id=report.id,
            region_id=report.region_id,
            after={"near_miss": near_miss.id, "incident": incident.id, "link": link.id, "other": other.id},
        )
    return link


def unlink_warning(link: WarningLink, actor) -> None:
    """Remove a link made in error; the same rules as making it."""
    if not _sees_both(actor, link.near_miss, link.incident):
        raise IncidentInvalid({"other": [UNSEEN_REPORT]})
    if not (may_handle_incidents(actor, link.near_miss) and may_handle_incidents(actor, link.incident)):
        raise IncidentInvalid({"other": [_("Only those who triage or review both reports may unlink them.")]})
    state = {"near_miss": link.near_miss_id, "incident": link.incident_id, "link": link.id}
    reports = (link.near_miss, link.incident)
    db.session.delete(link)
    db.session.flush()
    for report in reports:
        record_event(
            "warning_link.remove",
            actor=actor,
            object_type="report",
            object_id=report.id,
            region_id=report.region_id,
            before=state,
        )


# Critical-incident categories (administration) ------------------------------------------------


def _category_state(category: IncidentCategory) -> dict:
    return {
        "code": category.code,
        "name": category.name,
        "sort_order": category.sort_order,
        "active": category.active,
    }


def save_incident_category(
    actor,
    *,
    name,
    description="",
    sort_order: int | None,
    code: str | None = None,
    category: IncidentCategory | None = None,
) -> IncidentCategory:
    """Add a category (with a code fixed from then on) or rename / re-describe / re-order one."""
    problems = Problems()
    name = " ".join(str(name or "").split())
    problems.need("name", bool(name), _("Give the category a name."))
    problems.need(
        "name", len(name) <= NAME_MAX, _("Keep the name to %(most)s characters or fewer.", most=NAME_MAX)
    )
    description = str(description or "").strip()
    problems.need(
        "description",
        len(description) <= TEXT_MAX,
        _("Keep this to %(most)s characters or fewer.", most=TEXT_MAX),
    )
    problems.need(
        "sort_order", sort_order is not None and 0 <= sort_order <= 9999, _("Give a whole number, 0 to 9999.")
    )
    if category is None:
        code = str(code or "").strip()
        problems.need(
            "code",
            bool(CODE_PATTERN.fullmatch(code)) and len(code) <= CODE_MAX,
            _("Use lowercase letters, digits and underscores, starting with a letter."),
        )
        if "code" not in problems:
            taken = db.session.scalar(select(IncidentCategory.id).where(IncidentCategory.code == code))
            problems.need("code", taken is None, _("There is already a category with that code."))
    if name and "name" not in problems:
        same_name = select(IncidentCategory.id).where(func.lower(IncidentCategory.name) == name.lower())
        if category is not None:
            same_name = same_name.where(IncidentCategory.id != category.id)
        problems.need(
            "name",
            db.session.scalar(same_name.limit(1)) is None,
            _("There is already a category with that name."),
        )
    if problems:
        raise IncidentInvalid(problems)
    before = None if category is None else _category_state(category)
    category = category or IncidentCategory(code=code, active=True)
    category.name, category.description, category.sort_order = name, description, sort_order
    db.session.add(category)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise IncidentInvalid({"code": [_("There is already a category with that code.")]}) from None
    after = _category_state(category)
    if before != after:
        record_event(
            "incident_category.create" if before is None else "incident_category.edit",
            actor=actor,
            object_type="incident_category",
            object_id=category.id,
            before=before,
            after=after,
        )
    return category


def set_incident_category_active(actor, category: IncidentCategory, active: bool) -> IncidentCategory:
    """Deactivate a category (incidents keep it; it leaves the choices) or bring it back; at least one
    stays active, or no incident could be recorded."""
    if category.active == active:
        return category
    if not active:
        others = db.session.scalar(
            select(func.count(IncidentCategory.id)).where(
                IncidentCategory.active, IncidentCategory.id != category.id
            )
        )
        if not others:
            raise IncidentInvalid({"active": [_("Keep at least one active category: incidents need one.")]})
    before = _category_state(category)
    category.active = active
    db.session.flush()
    record_event(
        "incident_category.activate" if active else "incident_category.deactivate",
        actor=actor,
        object_type="incident_category",
        object_id=category.id,
        before=before,
        after=_category_state(category),
    )
    return category
