"""The one validation for a report, shared by the capture form and the JSON API.

Two steps: ``ReportPayload`` checks shape and types (pydantic); ``check_against_taxonomy`` checks
what needs the database and the clock (known category and program, dates not in the future).
Both produce ``{field: [messages]}`` so the form and the API show the same words.
"""

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pydantic import AfterValidator, Base64Bytes, BaseModel, ConfigDict, Field, ValidationError

from app.core.ids import MAX_DB_ID
from app.taxonomy.vocabulary import CAPTURE_EVENT_CLASSES, EventClass, InterfaceType


def _storable_text(value: str) -> str:
    """Refuse text a database cannot store (NUL, lone surrogates) instead of failing on insert."""
    if "\x00" in value:
        raise ValueError(_("Contains a character that cannot be stored."))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(_("Contains a character that cannot be stored.")) from None
    return value


def _plausible_time(value: datetime) -> datetime:
    if not 2000 <= value.year <= 2100:
        raise ValueError(_("Give a date and time like 2026-03-01T14:30."))
    return value


def _text(max_length: int, min_length: int = 0):
    return Annotated[str, Field(min_length=min_length, max_length=max_length), AfterValidator(_storable_text)]


DbId = Annotated[int, Field(ge=1, le=MAX_DB_ID)]
DeviceTime = Annotated[datetime, AfterValidator(_plausible_time)]

LIMITS = {
    "what_happened": 2000,
    "barrier": 1000,
    "immediate_action": 2000,
    "location": 200,
    "person_ref": 40,
}


class PhotoUpload(BaseModel):
    """A photo as the device sends it: base64 bytes; the claimed type is checked against content."""

    model_config = ConfigDict(extra="ignore")

    content_type: _text(80) | None = None
    data: Base64Bytes


class ReportPayload(BaseModel):
    """What a device sends (SPEC §5). Unknown keys are ignored so older clients keep working."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    client_uuid: uuid.UUID
    what_happened: _text(LIMITS["what_happened"], min_length=3)
    category: _text(40, min_length=1) | DbId
    occurred_at: DeviceTime
    occurred_at_approximate: bool = False
    region_id: DbId
    still_at_risk: bool
    barrier: _text(LIMITS["barrier"], min_length=2)
    program_id: DbId | None = None
    location: _text(LIMITS["location"]) | None = None
    person_ref: _text(LIMITS["person_ref"]) | None = None
    immediate_action: _text(LIMITS["immediate_action"]) | None = None
    interface_tag: InterfaceType | None = None
    event_class: EventClass = EventClass.NEAR_MISS
    confidential: bool = False
    captured_at: DeviceTime | None = None
    photo: PhotoUpload | None = None


_FRIENDLY = {
    "missing": _l("This field is required."),
    "uuid_parsing": _l("Must be a UUID made on the device."),
    "uuid_type": _l("Must be a UUID made on the device."),
    "bool_parsing": _l("Answer yes or no."),
    "bool_type": _l("Answer yes or no."),
    "int_parsing": _l("Must be a whole number."),
    "int_type": _l("Must be a whole number."),
    "int_from_float": _l("Must be a whole number."),
    "datetime_parsing": _l("Give a date and time like 2026-03-01T14:30."),
    "datetime_from_date_parsing": _l("Give a date and time like 2026-03-01T14:30."),
    "datetime_type": _l("Give a date and time like 2026-03-01T14:30."),
    "enum": _l("Choose one of the listed options."),
    "base64_decode": _l("The photo could not be read; take it again."),
    "bytes_type": _l("The photo could not be read; take it again."),
    "model_type": _l("Send an object with the photo's data."),
    "model_attributes_type": _l("Send an object with the photo's data."),
}


_REQUIRED = {
    "still_at_risk": _l("Answer yes or no."),
    "category": _l("Choose one of the listed categories."),
    "region_id": _l("Choose one of your regions."),
    "what_happened": _l("Say in a few words what happened."),
    "barrier": _l("Say what caught it."),
    "occurred_at": _l("Give the date and time it happened."),
}


def _messages_for(error: dict) -> str:
    kind = error["type"]
    if kind == "missing" and error["loc"]:
        return str(_REQUIRED.get(str(error["loc"][0]), _FRIENDLY["missing"]))
    if kind == "string_too_long":
        return _("Keep this under %(count)s characters.", count=error["ctx"]["max_length"])
    if kind == "string_too_short":
        return _("Please write a few words.") if error["ctx"]["min_length"] > 1 else str(_FRIENDLY["missing"])
    if kind == "string_type":
        return _("Must be text.")
    if kind in ("greater_than_equal", "less_than_equal"):
        return _("Choose one of the listed options.")
    if kind == "value_error":
        return str(error["ctx"]["error"])
    return str(_FRIENDLY.get(kind, error["msg"]))


def parse_payload(raw: Any) -> tuple[ReportPayload | None, dict[str, list[str]]]:
    """Check shape and types. Returns the payload, or None and field errors."""
    if not isinstance(raw, dict):
        return None, {"_body": [_("Send a JSON object with the report's fields.")]}
    if not isinstance(raw.get("photo", {}), dict | None):
        return None, {"photo": [str(_FRIENDLY["model_type"])]}
    # A blank form field means "not given", exactly as if the key were absent.
    cleaned = {key: value for key, value in raw.items() if value != ""}
    try:
        return ReportPayload.model_validate(cleaned), {}
    except ValidationError as exc:
        errors: dict[str, list[str]] = {}
        for error in exc.errors(include_url=False):
            field = str(error["loc"][0]) if error["loc"] else "_body"
            message = _messages_for(error)
            bucket = errors.setdefault(field, [])
            if message not in bucket:
                bucket.append(message)
        return None, errors


@dataclass(frozen=True)
class CheckedReport:
    """A payload that passed every check, with names resolved to rows and times in UTC."""

    payload: ReportPayload
    category: Any
    program: Any
    occurred_at: datetime
    captured_at: datetime
    tz: ZoneInfo  # the organisation's, which a device time without an offset was read in

    def content_hash(self) -> str:
        """Identity of the content, for telling a replay from a conflicting re-use of a UUID."""
        return content_hash(self.payload, self.category.code, self.tz)


def content_hash(payload: ReportPayload, category_code: str | None, tz: ZoneInfo) -> str:
    """Identity of what the device sent, for telling a replay from a conflicting re-use of a UUID.

    Needs no active taxonomy and no clock - only the category's code, active or not (None for an id
    that names no category), and the organisation's zone for times without an offset - so a replay is
    recognised whatever changed since the report was stored.
    """
    content = payload.model_dump(mode="json", exclude={"occurred_at", "captured_at", "photo"})
    if payload.photo is not None:
        content["photo"] = hashlib.sha256(payload.photo.data).hexdigest()
    content["category"] = category_code
    content["occurred_at"] = as_utc(payload.occurred_at, tz).isoformat()
    # Only what the device sent: a missing captured_at defaults to the arrival time, which differs on
    # every replay.
    content["captured_at"] = payload.captured_at and as_utc(payload.captured_at, tz).isoformat()
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def as_utc(value: datetime, tz: ZoneInfo) -> datetime:
    """A device time without an offset is read in the organisation's time zone."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(ZoneInfo("UTC"))


def check_against_taxonomy(
    payload: ReportPayload,
    *,
    categories: dict,
    programs: dict,
    region_exists: bool,
    now: datetime,
    tz: ZoneInfo,
    clock_skew: timedelta,
    max_age: timedelta,
) -> tuple[CheckedReport | None, dict[str, list[str]]]:
    """Check what needs the taxonomy and the clock. ``categories`` maps code and id to active rows."""
    errors: dict[str, list[str]] = {}
    category = categories.get(payload.category)
    if category is None:
        errors["category"] = [_("Choose one of the listed categories.")]
    if not region_exists:
        errors["region_id"] = [_("Choose one of your regions.")]
    program = None
    if payload.program_id is not None:
        program = programs.get(payload.program_id)
        if program is None or not program.serves(payload.region_id):
            errors["program_id"] = [_("Choose a program that runs in this region.")]
            program = None
    if payload.event_class not in CAPTURE_EVENT_CLASSES:
        errors["event_class"] = [_("A report is a near miss or an unsafe condition.")]
    occurred_at = as_utc(payload.occurred_at, tz)
    if occurred_at > now + clock_skew:
        errors["occurred_at"] = [_("This time is in the future; check the date and time.")]
    elif occurred_at < now - max_age:
        errors["occurred_at"] = [_("Reports must be about the last %(days)s days.", days=max_age.days)]
    captured_at = as_utc(payload.captured_at, tz) if payload.captured_at else now
    if captured_at > now + clock_skew:
        errors["captured_at"] = [_("The device clock is ahead of the server; check its time.")]
    if errors:
        return None, errors
    return CheckedReport(payload, category, program, occurred_at, captured_at, tz), {}
