"""Plain-dict views of reports: the JSON answer, and the reporter's own view of their report.

The reporter's view is an allow-list: it names every field it shows and the few audit event kinds it
reads (and of those only the status they moved the report to). Safeguarding routing, external duties,
stop-the-line alerts, who looked at the report, triage answers, reviews and any event kind added later
are not on it because nothing here puts them there.
"""

import json
from dataclasses import dataclass

from flask_babel import gettext as _

from app.core.i18n import N_
from app.core.permissions import reporter_is_visible, sees_report_through_role
from app.reports.models import Report, ReportStatus
from app.reports.signals import report_json_fields


@dataclass(frozen=True)
class ReporterStatus:
    """A report's status as its reporter reads it."""

    # Marked English (N_), read in the person's language through the properties.
    marked_words: str
    marked_meaning: str

    @property
    def words(self) -> str:
        return _(self.marked_words)

    @property
    def meaning(self) -> str:
        return _(self.marked_meaning)


REPORTER_STATUS = {
    ReportStatus.NEW.value: ReporterStatus(
        N_("Received"), N_("Your report has arrived. It will be looked at soon.")
    ),
    ReportStatus.TRIAGED.value: ReporterStatus(
        N_(N_("Being looked at")), N_("Someone has read it and is deciding what should happen next.")
    ),
    ReportStatus.IN_REVIEW.value: ReporterStatus(
        N_(N_("Being looked into")),
        N_("People are looking into what led to it and how to stop it happening again."),
    ),
    ReportStatus.REVIEWED.value: ReporterStatus(
        N_(N_("Looked into")),
        N_("The look into what led to it is finished; what was learned is shared in updates."),
    ),
    ReportStatus.ACTION_PLANNED.value: ReporterStatus(
        N_("Action planned"), N_("A change is planned because of it.")
    ),
    ReportStatus.HANDED_OFF.value: ReporterStatus(
        N_(N_("Passed to the incident process")), N_("It is being followed up as an incident.")
    ),
    ReportStatus.CLOSED.value: ReporterStatus(N_("Closed"), N_("The work on it is finished.")),
}

PROGRESS_EVENT_KINDS = frozenset({"triage.record", "review.link", "review.complete", "action.link"})
"""The audit events whose new status a reporter sees in their report's progress (nothing else of them)."""

ACKNOWLEDGED = ReporterStatus(
    N_(N_("A supervisor has it")),
    N_("You said someone was still at risk: a supervisor has acknowledged it and is acting on it."),
)
"""The step a reporter sees when the stop-the-line alert their report raised is acknowledged (the
event's time only: who acknowledged and what they did stay on the staff pages)."""


def sees_only_as_reporter(viewer, report: Report) -> bool:
    """Whether having filed ``report`` is ``viewer``'s only reason to see it: they get the reporter's
    view. Someone whose role shows them the report anyway (a supervisor who reported) gets the full page."""
    return report.reporter_id == viewer.id and not sees_report_through_role(viewer, report)


def reporter_progress(report: Report, events) -> list[dict]:
    """When the report arrived and each change of its status since, in the reporter's words.

    ``events`` is the report's audit trail in order; only ``PROGRESS_EVENT_KINDS`` are read, and of
    them only the status recorded after the change; and when a stop-the-line alert was acknowledged.
    """
    steps = [{"at": report.received_at, "status": REPORTER_STATUS[ReportStatus.NEW.value]}]
    shown = ReportStatus.NEW.value
    for event in events:
        if event.action == "stop_the_line.acknowledge":
            if report.still_at_risk:
                steps.append({"at": event.occurred_at, "status": ACKNOWLEDGED})
            continue
        if event.action not in PROGRESS_EVENT_KINDS:
            continue
        status = (json.loads(event.after) if event.after else {}).get("status")
        if status in REPORTER_STATUS and status != shown:
            steps.append({"at": event.occurred_at, "status": REPORTER_STATUS[status]})
            shown = status
    return steps


def reporter_view(report: Report, events) -> dict:
    """Everything the reporter's page shows, and nothing more: what they sent, the status in plain
    words and its progress."""
    photo = report.photo
    progress = reporter_progress(report, events)
    return {
        "id": report.id,
        "category": report.category.label,
        "what_happened": report.what_happened,
        "barrier": report.barrier,
        "immediate_action": report.immediate_action,
        "occurred_at": report.occurred_at,
        "occurred_at_approximate": report.occurred_at_approximate,
        "region": report.region.name,
        "program": report.program.name if report.program else None,
        "location": report.location,
        "person_ref": report.person_ref,
        "still_at_risk": report.still_at_risk,
        "confidential": report.confidential,
        "captured_at": report.captured_at,
        "received_at": report.received_at,
        "photo": {"width": photo.width, "height": photo.height} if photo else None,
        "status": _headline(report.status, progress),
        "progress": progress,
    }


def _headline(status: str, progress: list[dict]) -> ReporterStatus:
    """The status the reporter reads first: the latest step, so a supervisor's acknowledgement shows
    while the report still waits for triage (not "it will be looked at soon")."""
    if status == ReportStatus.NEW.value and progress[-1]["status"] is ACKNOWLEDGED:
        return ACKNOWLEDGED
    return REPORTER_STATUS[status]


def report_as_json(report: Report, viewer) -> dict:
    """The report for the API. People who see it through their role also get the fields other
    features add (``report_json_fields``); a reporter's own view carries only the report itself."""
    body = _report_fields(report, viewer)
    if not sees_only_as_reporter(viewer, report):
        for _, extra in report_json_fields.send(report, viewer=viewer):
            for key, value in (extra or {}).items():
                body.setdefault(key, value)
    return body


def _report_fields(report: Report, viewer) -> dict:
    show_reporter = reporter_is_visible(viewer, report)
    return {
        "id": report.id,
        "client_uuid": str(report.client_uuid),
        "what_happened": report.what_happened,
        "category": report.category.code,
        "event_class": report.event_class,
        "occurred_at": report.occurred_at.isoformat(),
        "occurred_at_approximate": report.occurred_at_approximate,
        "captured_at": report.captured_at.isoformat(),
        "received_at": report.received_at.isoformat(),
        "region_id": report.region_id,
        "program_id": report.program_id,
        "location": report.location,
        "person_ref": report.person_ref,
        "still_at_risk": report.still_at_risk,
        "barrier": report.barrier,
        "immediate_action": report.immediate_action,
        "interface_tag": report.interface_tag,
        "confidential": report.confidential,
        "status": report.status,
        "reporter": ({"id": report.reporter.id, "name": report.reporter.name} if show_reporter else None),
    }
