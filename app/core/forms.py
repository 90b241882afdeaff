"""Small helpers for reading plain HTML forms: bad values become None, and validation says why."""

from datetime import date

from flask import abort
from flask_babel import gettext as _

# Nothing the app records lies outside these years, and dates near the calendar's ends overflow the
# week arithmetic a date filter does (9999-12-31 plus a week does not exist).
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2999, 12, 31)


def form_int(value) -> int | None:
    text = str(value or "").strip()
    # isascii: "²".isdigit() is True, but int("²") fails.
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def checked(values, name: str) -> bool:
    """Whether a checkbox (or a yes/no radio) named ``name`` was ticked."""
    return str(values.get(name) or "").strip().lower() in {"on", "yes", "true", "1"}


def yes_no(values, name: str) -> bool | None:
    """A yes/no question's answer: True, False, or None when it was not answered yes or no."""
    return {"yes": True, "no": False}.get(str(values.get(name) or "").strip())


def typed_values(form, multi: tuple[str, ...] = ()) -> dict:
    """What was typed into ``form``, to show it again as it was: one value per field, and every value
    of the fields named in ``multi`` (ticked boxes, multiple selects)."""
    return {**form.to_dict(), **{name: form.getlist(name) for name in multi}}


def form_text(values, name: str, limit: int | None = None) -> str:
    """The trimmed text of a field ('' when absent), cut to ``limit`` characters when given."""
    text = str(values.get(name) or "").strip()
    return text[:limit] if limit else text


def form_lines(values, name: str) -> list[str]:
    """The non-empty, trimmed lines of a text area."""
    return [line.strip() for line in str(values.get(name) or "").splitlines() if line.strip()]


def form_float(value) -> float | None:
    try:
        number = float(str(value or "").strip())
    except ValueError:
        return None
    return number if number == number and abs(number) < 1e9 else None


def form_date(value) -> date | None:
    """A YYYY-MM-DD date between ``EARLIEST_DATE`` and ``LATEST_DATE``, or None."""
    try:
        day = date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None
    return day if EARLIEST_DATE <= day <= LATEST_DATE else None


def date_argument(values, name: str) -> date | None:
    """The date in ``values[name]`` (query arguments or a form); None when absent or empty.

    An unreadable or far date is refused with 400 and a message saying what is accepted, never
    ignored (the person would see another period than the one they asked for) and never a 500."""
    text = str(values.get(name) or "").strip()
    if not text:
        return None
    day = form_date(text)
    if day is None:
        abort(
            400,
            _(
                "Give %(name)s= as a date, YYYY-MM-DD, between %(earliest)s and %(latest)s.",
                name=name,
                earliest=EARLIEST_DATE,
                latest=LATEST_DATE,
            ),
        )
    return day


def form_id_each(values) -> list[int]:
    """One id per value (ticked boxes, a multiple select); an unreadable value reads as -1, which no
    row has, so validation refuses it with a message instead of dropping it."""
    return [-1 if (number := form_int(value)) is None else number for value in values]


def form_ids(values) -> list[int]:
    """Ids from a multi-value field or a comma/space separated text ('NM-12, 14')."""
    ids = []
    for value in values:
        for piece in str(value).replace(",", " ").split():
            piece = piece.upper().removeprefix("NM-").removeprefix("A-").removeprefix("R-")
            number = form_int(piece)
            ids.append(-1 if number is None else number)
    return ids
