"""The incident section of a report's page: whether it reached the person (and its critical-incident
category), the near misses that warned of it or the incidents it warned of, and the forms to record
and link for those who may. Never shown to a reporter as such (``report_page_sections`` only)."""

from flask import render_template

from app.incidents.queries import incidents_after, is_incident, may_handle_incidents, warnings_before
from app.reports.signals import report_page_sections


def _on_report_page(report, viewer):
    incident = is_incident(report)
    linked = warnings_before(report, viewer) if incident else incidents_after(report, viewer)
    may_handle = may_handle_incidents(viewer, report)
    if not (incident or linked or may_handle):
        return None
    return render_template(
        "incidents/_section.html",
        report=report,
        incident=incident,
        record=report.incident,
        linked=linked,
        may_handle=may_handle,
    )


report_page_sections.connect(_on_report_page)
