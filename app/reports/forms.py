"""Turning the capture form's fields into the same payload the JSON API receives, and the report
list's query arguments into its filters."""

import base64
import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.core.forms import checked, date_argument, form_int, yes_no
from app.taxonomy.vocabulary import InterfaceType

_TEXT_FIELDS = (
    "client_uuid",
    "what_happened",
    "category",
    "occurred_at",
    "region_id",
    "barrier",
    "program_id",
    "location",
    "person_ref",
    "immediate_action",
    "interface_tag",
    "event_class",
)


def payload_from_form(form, files=None) -> dict:
    """Map HTML form fields onto the API's payload; types are checked by the shared validator."""
    payload = {name: form.get(name, "").strip() for name in _TEXT_FIELDS}
    upload = files.get("photo") if files else None
    if upload is not None and upload.filename:
        payload["photo"] = {
            "content_type": upload.mimetype,
            "data": base64.b64encode(upload.read()).decode("ascii"),
        }
    still_at_risk = yes_no(form, "still_at_risk")
    # Anything but yes/no goes on as it came, for validation to refuse with its message.
    payload["still_at_risk"] = form.get("still_at_risk") if still_at_risk is None else still_at_risk
    payload["occurred_at_approximate"] = checked(form, "occurred_at_approximate")
    payload["confidential"] = checked(form, "confidential")
    if not payload["event_class"]:
        payload.pop("event_class")
    return payload


def blank_form_values(user, tz: ZoneInfo, now: datetime) -> dict:
    """Sensible defaults: a fresh UUID (so a double tap files once), now, the user's first active region."""
    regions = sorted((r for r in user.regions if r.active), key=lambda r: r.name)
    return {
        "client_uuid": str(uuid.uuid4()),
        "occurred_at": now.astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
        "region_id": str(regions[0].id) if regions else "",
        "event_class": "near_miss",
    }


def list_filters(args, tz: ZoneInfo) -> dict:
    """Filters from the dashboard's drill-down links (see ``reports_visible_to``); malformed ids are
    ignored, an unreadable or far date is refused (400). ``to`` includes its whole week."""
    filters = {}
    for name in ("region", "category", "program"):
        value = form_int(args.get(name))
        if value is not None:
            filters[name] = value
    if "interface" in args:
        filters["interface"] = (
            args["interface"] if args["interface"] in {t.value for t in InterfaceType} else ""
        )
    for name, key, extra in (("from", "start", 0), ("to", "end", 7)):
        day = date_argument(args, name)
        if day is not None:
            filters[key] = datetime.combine(day + timedelta(days=extra), time(), tzinfo=tz)
    return filters
