"""The guide editing form: one item per line, "cue | example" (and "who | how") for pairs."""

from flask import abort

from app.core.forms import form_lines, form_text
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
