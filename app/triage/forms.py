"""Reading the triage forms: the queue's filters, and the triage form into ``TriageAnswers``.

Also the other way round: a stored triage as the form's values, so the form and the side-by-side
of an edit conflict show stored and typed answers alike.
"""

from app.core.forms import checked, form_id_each, form_int, typed_values, yes_no
from app.reports.models import Report, ReportStatus
from app.triage.operations import TriageAnswers
from app.triage.queries import QueueFilters

_QUEUE_STATUSES = {"new", "all", *(s.value for s in ReportStatus)}


def queue_filters(args) -> QueueFilters:
    """The queue's filters from its query arguments; an unknown status shows the new reports."""
    status = args.get("status", "new")
    return QueueFilters(
        form_int(args.get("region")),
        form_int(args.get("category")),
        status if status in _QUEUE_STATUSES else "new",
    )


def answers_from_form(form) -> TriageAnswers:
    return TriageAnswers(
        still_at_risk_now=yes_no(form, "still_at_risk_now"),
        severity=form.get("severity", ""),
        recurrence=form.get("recurrence", ""),
        minimum_investigation=form.get("minimum_investigation", ""),
        event_class=form.get("event_class", ""),
        review_level=form.get("review_level", ""),
        override_reason=form.get("override_reason", ""),
        interface_flag=checked(form, "interface_flag"),
        interface_type=form.get("interface_type", ""),
        safeguarding_triggers=form.getlist("safeguarding_triggers"),
        external_body_ids=form_id_each(form.getlist("external_body_ids")),
        downgrade_reason=form.get("downgrade_reason", ""),
        downgrade_text=form.get("downgrade_text", ""),
        clinical=checked(form, "clinical"),
        incident_category_id=form_int(form.get("incident_category_id")),
    )


def submitted_values(form) -> dict:
    """What was typed, as the form shows it again (refused, or beside someone else's save)."""
    values = typed_values(form, multi=("safeguarding_triggers", "external_body_ids"))
    values["interface_flag"] = checked(form, "interface_flag")
    values["clinical"] = checked(form, "clinical")
    return values


def stored_values(report: Report) -> dict:
    """The form's values for ``report``: its triage, or what the reporter said before any triage."""
    triage = report.triage
    if triage is None:
        return {
            "version": "",
            "still_at_risk_now": "yes" if report.still_at_risk else "",
            "event_class": report.event_class,
            "interface_flag": bool(report.interface_tag),
            "clinical": report.nurse_review is not None,
            "interface_type": report.interface_tag or "",
            "safeguarding_triggers": [],
            "external_body_ids": [],
            "incident_category_id": "",
        }
    return {
        "version": str(triage.version),
        "still_at_risk_now": "yes" if triage.still_at_risk_now else "no",
        "severity": triage.severity,
        "recurrence": triage.recurrence,
        "minimum_investigation": triage.minimum_investigation,
        "event_class": triage.event_class,
        "review_level": triage.review_level,
        "override_reason": triage.override_reason or "",
        "interface_flag": triage.interface_flag,
        "clinical": report.nurse_review is not None,
        "interface_type": triage.interface_type or "",
        "safeguarding_triggers": triage.safeguarding_triggers,
        "external_body_ids": [str(i) for i in triage.external_body_ids],
        "downgrade_reason": triage.downgrade_reason or "",
        "downgrade_text": triage.downgrade_text or "",
        "incident_category_id": str(report.incident.category_id) if report.incident else "",
    }
