"""Reading the escalation forms into the keyword arguments of their operations."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from app.core.concurrency import form_version
from app.core.forms import EARLIEST_DATE, LATEST_DATE, form_int, form_text
from app.escalations.nurse_reviews import NurseReviewInvalid
from app.escalations.on_call import ShiftInput


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


def _local_time(value, tz: ZoneInfo) -> datetime | None:
    """A ``datetime-local`` field ("2026-12-01T19:00") read in the organisation's time zone."""
    try:
        moment = datetime.fromisoformat(str(value or "").strip())
    except ValueError:
        return None
    if moment.tzinfo is not None or not EARLIEST_DATE <= moment.date() <= LATEST_DATE:
        return None
    return moment.replace(tzinfo=tz)


def nurse_outcome_from_form(form, tz: ZoneInfo, now: datetime) -> dict:
    """The nurse's outcome, notes and the local time they saw the person (blank: now)."""
    typed = str(form.get("seen_at") or "").strip()
    seen_at = _local_time(typed, tz) if typed else now
    if seen_at is None:
        raise NurseReviewInvalid({"seen_at": [_("Give the date and time you saw them.")]})
    return {"outcome": form.get("outcome", ""), "notes": form_text(form, "notes"), "seen_at": seen_at}


def shift_from_form(form, tz: ZoneInfo) -> ShiftInput:
    """An on-call shift as typed: region, supervisor, phone, from and to (local times)."""
    return ShiftInput(
        region_id=form_int(form.get("region_id")),
        user_id=form_int(form.get("user_id")),
        phone=form_text(form, "phone", 40),
        starts_at=_local_time(form.get("starts_at"), tz),
        ends_at=_local_time(form.get("ends_at"), tz),
    )
