"""The triage section of a report's page, and the recurrence proposal in its JSON for people who triage.

Never shown to a reporter as such: it connects to ``report_page_sections`` only, not to
``reporter_page_sections``.
"""

from flask import render_template

from app.core.permissions import can_triage
from app.reports.signals import report_json_fields, report_page_sections
from app.triage.matrix import Recurrence, ReviewLevel, Severity
from app.triage.operations import recurrence_for
from app.triage.vocabulary import DowngradeReason


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
        Severity=Severity,
        Recurrence=Recurrence,
        DowngradeReason=DowngradeReason,
    )


report_page_sections.connect(_on_report_page)


def _downgrade_json(triage) -> dict | None:
    if triage is None or not triage.downgrade_reason:
        return None
    return {
        "reason": triage.downgrade_reason,
        "reason_label": DowngradeReason(triage.downgrade_reason).label,
        "explanation": triage.downgrade_text,
        "from_level": triage.downgrade_from,
        "to_level": triage.downgrade_to,
    }


def _in_report_json(report, viewer):
    """SPEC §5: ``proposed_recurrence`` and ``similar_reports`` (ids and what they share) for people
    who triage the report, as the triage form proposes them; and ``triage_downgrade``, the reason a
    high potential or clustered report got less than the floor's review (null when it did not)."""
    if not can_triage(viewer, report):
        return None
    proposal = recurrence_for(report)
    return {
        "proposed_recurrence": proposal.recurrence.value,
        "similar_reports": [{"id": o.id, "reasons": proposal.matched_on[o.id]} for o in proposal.similar],
        "triage_downgrade": _downgrade_json(getattr(report, "triage", None)),
    }


report_json_fields.connect(_in_report_json)
