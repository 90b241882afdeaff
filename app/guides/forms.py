"""The guide editing form: one item per line, "cue | example" (and "who | how") for pairs."""

from datetime import date, timedelta

from flask import abort
from flask_babel import gettext as _

from app.core.forms import date_argument, form_date, form_lines, form_text
from app.guides.operations import PAGE_SIZES


def _pairs(values, name: str) -> list[list[str]]:
    pairs = []
    for line in str(values.get(name) or "").splitlines():
        if line.strip():
            left, _, right = line.partition("|")
            pairs.append([left.strip(), right.strip()])
    return pairs


def content_from_form(form) -> dict:
    """Structured sections from the editing form: one item per line, "cue | example" for pairs."""
    return {
        "title": form_text(form, "title"),
        "definition": form_text(form, "definition"),
        "cues": _pairs(form, "cues"),
        "stop_the_line": form_lines(form, "stop_the_line"),
        "safeguarding": form_lines(form, "safeguarding"),
        "how_to_report": form_text(form, "how_to_report"),
        "contacts": _pairs(form, "contacts"),
    }


def content_as_form(content: dict) -> dict:
    """A guide's sections as the editing form shows them (the reverse of :func:`content_from_form`)."""
    return {
        "title": content["title"],
        "definition": content["definition"],
        "cues": "\n".join(" | ".join(pair) for pair in content["cues"]),
        "stop_the_line": "\n".join(content["stop_the_line"]),
        "safeguarding": "\n".join(content["safeguarding"]),
        "how_to_report": content["how_to_report"],
        "contacts": "\n".join(" | ".join(pair) for pair in content["contacts"]),
    }


def page_size_argument(args, default: str) -> str:
    """The paper size asked for (``default`` when none); anything else is refused with 400."""
    size = args.get("size", default)
    if size not in PAGE_SIZES:
        abort(400, "Choose size=a4 or size=letter.")
    return size


def check_from_form(form) -> dict:
    """A competency check's fields from its form (the operation checks them)."""
    return {
        "skill": form_text(form, "skill"),
        "checked_on": form_date(form.get("checked_on")),
        "result": form_text(form, "result"),
        "note": str(form.get("note") or ""),
    }


def period_arguments(args, today: date) -> tuple[date, date]:
    """The coverage page's period, ``from`` and ``to`` (YYYY-MM-DD, inclusive): the last 90 days
    by default; 400 for an unreadable date or a period that ends before it starts."""
    last = date_argument(args, "to") or today
    first = date_argument(args, "from") or last - timedelta(days=89)
    if first > last:
        abort(400, _("The period ends before it starts."))
    return first, last
