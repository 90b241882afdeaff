"""Weekly counts of a process measure as CSV: reading an import (``week,numerator,denominator``) and
writing an export. Pure: text in, rows or one message per bad line out; a file with any bad line
imports nothing."""

import csv
import io
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from app.core.csv_safe import csv_text

COLUMNS = ("week", "numerator", "denominator")
MAX_ROWS = 1000
MAX_COUNT = 1_000_000
MAX_UPLOAD_BYTES = 256 * 1024


@dataclass(frozen=True)
class WeekEntry:
    """Counts given for one week; ``line`` is where they came from (1 for the form)."""

    week_start: date | None
    numerator: int | None
    denominator: int | None
    line: int = 1


def _count(text: str) -> int | None:
    text = text.strip()
    # isascii: "²".isdigit() is True, but int("²") fails.
    return int(text) if text.isascii() and text.isdigit() and int(text) <= MAX_COUNT else None


def entry_problems(entry: WeekEntry) -> list[str]:
    """What is wrong with one week's counts on their own (its place in the action's weeks aside)."""
    problems = []
    if entry.week_start is None:
        problems.append(_("week must be a date like 2026-03-02"))
    elif entry.week_start.weekday() != 0:
        problems.append(_("week %(week)s is not a Monday (weeks start on Monday)", week=entry.week_start))
    if entry.numerator is None:
        problems.append(_("numerator must be a whole number from 0 to %(max)s", max=f"{MAX_COUNT:,}"))
    if entry.denominator is None:
        problems.append(_("denominator must be a whole number from 0 to %(max)s", max=f"{MAX_COUNT:,}"))
    if entry.numerator is not None and entry.denominator is not None and entry.numerator > entry.denominator:
        problems.append(
            _(
                "numerator %(numerator)s is more than denominator %(denominator)s",
                numerator=entry.numerator,
                denominator=entry.denominator,
            )
        )
    return problems


def read_entry(week: str, numerator: str, denominator: str, line: int = 1) -> WeekEntry:
    """One week's counts as typed: unreadable parts become None, for :func:`entry_problems` to name."""
    try:
        week_start = date.fromisoformat(week.strip())
    except ValueError:
        week_start = None
    return WeekEntry(week_start, _count(numerator), _count(denominator), line)


def parse_process_csv(text: str) -> tuple[list[WeekEntry], list[str]]:
    """The well-formed entries, and the problems of the others, each naming its line (a file with
    any problem is refused whole by the caller)."""
    try:
        return _parse(csv.DictReader(io.StringIO(text)))
    except csv.Error as error:
        return [], [_("The file could not be read as CSV (%(error)s).", error=error)]


def _parse(reader: csv.DictReader) -> tuple[list[WeekEntry], list[str]]:
    header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        return [], [
            f"The first line must name the columns week,numerator,denominator: missing {', '.join(missing)}."
        ]
    reader.fieldnames = header
    entries, errors, seen = [], [], {}
    for line, raw in enumerate(reader, start=2):
        if line - 1 > MAX_ROWS:
            errors.append(f"More than {MAX_ROWS} rows: split the file.")
            break
        entry = read_entry(*((raw.get(name) or "") for name in COLUMNS), line=line)
        problems = entry_problems(entry)
        if not problems and entry.week_start in seen:
            problems.append(f"the same week as line {seen[entry.week_start]}")
        if problems:
            errors.append(f"Line {line}: " + "; ".join(problems) + ".")
            continue
        seen[entry.week_start] = line
        entries.append(entry)
    if not entries and not errors:
        errors.append(_("The file has no data rows."))
    return entries, errors


def process_csv(weeks) -> str:
    """The weekly counts (rows with ``week_start``, ``numerator``, ``denominator``) as the CSV the
    import reads, every text cell neutralised against spreadsheet formulas."""
    return csv_text(COLUMNS, ((w.week_start.isoformat(), w.numerator, w.denominator) for w in weeks))
