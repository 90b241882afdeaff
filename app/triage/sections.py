"""The triage section of a report's page."""

from flask import render_template

from app.core.permissions import can_triage
from app.reports.signals import report_page_sections
from app.triage.matrix import ReviewLevel


def _on_report_page(report, viewer):
    triage = getattr(report, "triage", None)
    if triage is None and not can_triage(viewer, report):
        return None
    return render_template(
        "triage/_section.html",
        report=report,
        triage=triage,
        can_triage=can_triage(viewer, report),
        ReviewLevel=ReviewLevel,
    )


report_page_sections.connect(_on_report_page)
