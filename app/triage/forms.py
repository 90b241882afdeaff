"""Reading the triage form into ``TriageAnswers``."""

from app.core.forms import form_int
from app.triage.operations import TriageAnswers

_YES_NO = {"yes": True, "no": False}


def _ids(values) -> list[int]:
    ids = []
    for value in values:
        number = form_int(value)
        ids.append(-1 if number is None else number)  # -1 is refused by validation with a message
    return ids


def answers_from_form(form) -> TriageAnswers:
    return TriageAnswers(
        still_at_risk_now=_YES_NO.get(form.get("still_at_risk_now", "")),
        severity=form.get("severity", ""),
        recurrence=form.get("recurrence", ""),
        minimum_investigation=form.get("minimum_investigation", ""),
        event_class=form.get("event_class", ""),
        review_level=form.get("review_level", ""),
        override_reason=form.get("override_reason", ""),
        interface_flag=form.get("interface_flag") == "on",
        interface_type=form.get("interface_type", ""),
        safeguarding_triggers=form.getlist("safeguarding_triggers"),
        external_body_ids=_ids(form.getlist("external_body_ids")),
    )
