"""Reading the escalation forms into the keyword arguments of their operations."""

from app.core.concurrency import form_version
from app.core.forms import form_int, form_text


def decision_from_form(form) -> dict:
    """The safeguarding lead's decision, and the case version the form was read from.

    The answers stay as typed: ``decide_safeguarding`` trims them, and measures what was typed
    against its length limits."""
    answers = {name: form.get(name, "") for name in ("decision", "rationale", "persons_views")}
    return {
        **answers,
        "external_body_id": form_int(form.get("external_body_id")),
        "based_on": form_version(form),
    }


def duty_completion_from_form(form) -> dict:
    """The reference the external body gave, and any notes."""
    return {"reference": form_text(form, "reference"), "notes": form_text(form, "notes")}


def shows_all_cases(args) -> bool:
    """Whether the safeguarding list shows decided cases too (``?show=all``), not only open ones."""
    return args.get("show") == "all"
