"""Small helpers for reading plain HTML forms: bad values become None, and validation says why."""

from datetime import date


def form_int(value) -> int | None:
    text = str(value or "").strip()
    # isascii: "²".isdigit() is True, but int("²") fails.
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def form_float(value) -> float | None:
    try:
        number = float(str(value or "").strip())
    except ValueError:
        return None
    return number if number == number and abs(number) < 1e9 else None


def form_date(value) -> date | None:
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


def form_ids(values) -> list[int]:
    """Ids from a multi-value field or a comma/space separated text ('NM-12, 14')."""
    ids = []
    for value in values:
        for piece in str(value).replace(",", " ").split():
            piece = piece.upper().removeprefix("NM-").removeprefix("A-").removeprefix("R-")
            ids.append(int(piece) if piece.isdigit() and len(piece) < 10 else -1)
    return ids
