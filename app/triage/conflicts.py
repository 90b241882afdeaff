"""A refused triage save (someone else triaged first): their answers beside the refused ones."""

from flask_babel import gettext as _

from app.core.concurrency import ConflictView, conflict_view
from app.core.i18n import N_
from app.escalations.operations import active_external_bodies
from app.escalations.vocabulary import SAFEGUARDING_TRIGGERS
from app.reports.models import Report
from app.taxonomy.vocabulary import EventClass, InterfaceType
from app.triage.matrix import Recurrence, ReviewLevel, Severity
from app.triage.vocabulary import DowngradeReason

_QUESTIONS = [
    ("still_at_risk_now", N_("Anyone still at risk now")),
    ("safeguarding_triggers", N_("Safeguarding triggers")),
    ("external_body_ids", N_("External bodies")),
    ("recurrence", N_("Repeat theme")),
    ("severity", N_("Severity potential")),
    ("minimum_investigation", N_("Minimum investigation")),
    ("interface", N_("Interface failure")),
    ("event_class", N_("Event class")),
    ("review_level", N_("Review level")),
    ("override_reason", N_("Reason for another level")),
    ("downgrade_reason", N_("Reason for less than the floor")),
    ("downgrade_text", N_("Downgrade explained")),
]


def _label(vocabulary, value: str) -> str:
    try:
        return vocabulary(value).label
    except ValueError:
        return value or ""


def _readable(values: dict) -> dict:
    """Triage answers as a person reads them, for the side-by-side of a conflict."""
    bodies = {str(b.id): b.label for b in active_external_bodies()}
    return {
        "still_at_risk_now": {"yes": _("Yes"), "no": _("No")}.get(values.get("still_at_risk_now", ""), ""),
        "safeguarding_triggers": "; ".join(
            str(SAFEGUARDING_TRIGGERS.get(t, t)) for t in sorted(values.get("safeguarding_triggers", []))
        ),
        "external_body_ids": "; ".join(sorted(bodies.get(i, i) for i in values.get("external_body_ids", []))),
        "recurrence": _label(Recurrence, values.get("recurrence") or ""),
        "severity": _label(Severity, values.get("severity") or ""),
        "minimum_investigation": (values.get("minimum_investigation") or "").strip(),
        "interface": _label(InterfaceType, values.get("interface_type", ""))
        if values.get("interface_flag")
        else "No",
        "event_class": _label(EventClass, values.get("event_class", "")),
        "review_level": _label(ReviewLevel, values.get("review_level", "")),
        "override_reason": (values.get("override_reason") or "").strip(),
        "downgrade_reason": _label(DowngradeReason, values.get("downgrade_reason", "")),
        "downgrade_text": (values.get("downgrade_text") or "").strip(),
    }


def triage_conflict(report: Report, stored: dict, submitted: dict) -> ConflictView:
    """``stored`` and ``submitted`` are form values (the report's triage and the refused form's)."""
    triage = report.triage
    saved_by, saved_at = (triage.triaged_by, triage.triaged_at) if triage else (None, None)
    questions = [(key, _(label)) for key, label in _QUESTIONS]
    return conflict_view(saved_by, saved_at, questions, _readable(stored), _readable(submitted))
