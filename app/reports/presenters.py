"""Plain-dict views of reports for JSON answers, honouring who may see the reporter."""

from app.core.permissions import reporter_is_visible
from app.reports.models import Report


def report_as_json(report: Report, viewer) -> dict:
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
