"""Reading the process measure's forms: its definition, one week's counts, and a CSV upload."""

from app.actions.process import ProcessInput
from app.actions.process_csv import MAX_UPLOAD_BYTES, WeekEntry, read_entry
from app.core.forms import form_text, yes_no


def process_input(form) -> ProcessInput:
    """The process measure's definition as typed (``higher_is_better`` is a yes/no question)."""
    return ProcessInput(
        name=form_text(form, "process_name"),
        numerator_label=form_text(form, "numerator_label"),
        denominator_label=form_text(form, "denominator_label"),
        higher_is_better=yes_no(form, "higher_is_better"),
    )


def week_entry(form) -> WeekEntry:
    """One week's counts typed into the form."""
    return read_entry(*(form_text(form, name) for name in ("week", "numerator", "denominator")))


def uploaded_csv(files) -> str | None:
    """The uploaded CSV's text; None when no file was chosen, or it is empty or too large."""
    upload = files.get("file")
    if upload is None or not upload.filename:
        return None
    raw = upload.read(MAX_UPLOAD_BYTES + 1)
    return raw.decode("utf-8-sig", errors="replace") if 0 < len(raw) <= MAX_UPLOAD_BYTES else None
