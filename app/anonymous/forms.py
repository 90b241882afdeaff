"""The anonymous form's fields as the report payload, and its blank values."""

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from app.core.forms import form_text, yes_no

FIELDS = ("client_uuid", "what_happened", "barrier", "category", "occurred_at", "region_id")


def answers_from_form(form) -> dict:
    """The payload the shared validator reads. Only these questions are read: nothing else a browser
    sends (a name, a contact) can reach the report."""
    answers = {name: form.get(name, "").strip() for name in FIELDS}
    still_at_risk = yes_no(form, "still_at_risk")
    answers["still_at_risk"] = form.get("still_at_risk") if still_at_risk is None else still_at_risk
    return answers


def typed_answers(form) -> dict:
    """What was typed, to show the form again as it was."""
    return {name: form.get(name, "") for name in (*FIELDS, "still_at_risk")}


def blank_answers(tz: ZoneInfo, now: datetime) -> dict:
    """A fresh form id (so a double tap files once) and now as the time."""
    return {"client_uuid": str(uuid.uuid4()), "occurred_at": now.astimezone(tz).strftime("%Y-%m-%dT%H:%M")}


def receipt_code(form) -> str:
    """The receipt code typed on the status page (in the form body, never the URL)."""
    return form_text(form, "code")
