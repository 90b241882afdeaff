"""Reads of reports, always through the permission layer."""

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.auth.models import User
from app.core.audit.queries import events_for
from app.core.i18n import N_
from app.core.ids import is_db_id
from app.core.permissions import can_view_report, reporter_is_visible, scope_to_viewer
from app.extensions import db
from app.reports.models import Report

UNSEEN_REPORT = N_("Link only reports you can see (NM-numbers).")
"""The one answer to linking a report id that does not exist or that the person may not see."""


def visible_report(user, report_id: int) -> Report | None:
    """The report if ``user`` may read it; None for unknown and forbidden alike."""
    if not is_db_id(report_id):
        return None
    report = db.session.get(Report, report_id)
    if report is None or not can_view_report(user, report):
        return None
    return report


def reports_by(user, *, limit: int = 50) -> list[Report]:
    """The user's own reports, newest first."""
    return list(
        db.session.scalars(
            select(Report)
            .where(Report.reporter_id == user.id)
            .order_by(Report.received_at.desc(), Report.id.desc())
            .limit(limit)
        )
    )


def reports_visible_to(user, *, limit: int = 100, filters: dict | None = None) -> list[Report]:
    """The newest reports ``user`` may read, optionally narrowed (the dashboard's drill-down):
    ``region``, ``category``, ``program`` (ids), ``interface`` (type or ""), ``start``/``end`` (datetimes)."""
    filters = filters or {}
    statement = (
        select(Report)
        .options(selectinload(Report.reporter))
        .order_by(Report.received_at.desc(), Report.id.desc())
        .limit(limit)
    )
    for name, column in (
        ("region", Report.region_id),
        ("category", Report.category_id),
        ("program", Report.program_id),
    ):
        if filters.get(name) is not None:
            statement = statement.where(column == filters[name])
    if "interface" in filters:
        value = filters["interface"]
        statement = statement.where(
            Report.interface_tag == value if value else Report.interface_tag.is_(None)
        )
    if filters.get("start") is not None:
        statement = statement.where(Report.occurred_at >= filters["start"])
    if filters.get("end") is not None:
        statement = statement.where(Report.occurred_at < filters["end"])
    return list(db.session.scalars(scope_to_viewer(statement, Report, user)))


# What each event of a report's audit trail says in its history panel. An event missing here (one added
# later) shows its code in plain words rather than nothing.
HISTORY_WORDS = {
    "report.submit": N_("Report sent"),
    "report.view": N_("Report opened"),
    "triage.record": N_("Triaged"),
    "review.link": N_("Added to a review"),
    "review.complete": N_("Review completed"),
    "action.link": N_("Linked to an action"),
    "nurse_review.request": N_("Nurse review asked for"),
    "nurse_review.take": N_("Nurse review taken on"),
    "nurse_review.outcome": N_("Nurse review outcome recorded"),
    "stop_the_line.raise": N_("Stop the line raised"),
    "stop_the_line.acknowledge": N_("Stop the line acknowledged"),
    "stop_the_line.safeguards": N_("Stop the line: safeguards recorded"),
    "stop_the_line.escalate": N_("Stop the line escalated"),
    "safeguarding.triggers": N_("Safeguarding signals recorded"),
    "safeguarding.route": N_("Sent to the safeguarding lead"),
    "safeguarding.view": N_("Safeguarding case opened"),
    "safeguarding.decide": N_("Safeguarding decision recorded"),
    "external_duty.add": N_("External report due"),
    "external_duty.warn": N_("Reminder: the external report is nearly due"),
    "external_duty.escalate": N_("The external report's deadline escalated"),
    "external_duty.done": N_("External report made"),
    "safeguarding.warn": N_("Reminder: the safeguarding decision is nearly due"),
    "safeguarding.escalate": N_("The safeguarding decision's deadline escalated"),
    "incident.record": N_("Recorded as an incident"),
    "incident.reclassify": N_("Incident classification changed"),
    "incident.recategorise": N_("Incident category changed"),
    "warning_link.add": N_("Linked as a warning of an incident"),
    "warning_link.remove": N_("Warning link removed"),
}


def history_words(action: str) -> str:
    """An audit event's action as its history line says it, in the reader's language."""
    words = HISTORY_WORDS.get(action)
    return _(words) if words else action.replace("_", " ").replace(".", ": ")


def report_history(report: Report, viewer) -> list[dict]:
    """The report's audit trail (``at``, ``action``, ``actor``), naming each actor except the
    reporter of a report whose reporter ``viewer`` may not see."""
    events = events_for("report", report.id)
    actor_ids = {e.actor_id for e in events if e.actor_id}
    names = {u.id: u.shown_name for u in db.session.scalars(select(User).where(User.id.in_(actor_ids)))}
    show_reporter = reporter_is_visible(viewer, report)
    rows = []
    for event in events:
        hidden = event.actor_id == report.reporter_id and not show_reporter
        actor = _("The reporter (confidential)") if hidden else names.get(event.actor_id, _("The system"))
        rows.append({"at": event.occurred_at, "action": history_words(event.action), "actor": actor})
    return rows
