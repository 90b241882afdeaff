"""Reading the incident forms."""

from app.core.forms import form_ids, form_int, form_text


def category_choice(form) -> int | None:
    return form_int(form.get("category_id"))


def reason_text(form) -> str:
    return form_text(form, "reason")


def other_report_id(form) -> int | None:
    """The NM-number typed for the other end of a link; None when nothing readable was typed."""
    ids = [i for i in form_ids([form.get("other", "")]) if i > 0]
    return ids[0] if len(ids) == 1 else None
