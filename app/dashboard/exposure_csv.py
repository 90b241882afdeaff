"""Reading exposure (visits per region per week) from CSV. Pure: text and known regions in, rows or
a list of row errors out - a file with any bad row imports nothing."""

import csv
import io
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from app.core.forms import form_int

REQUIRED = ("region", "week_start", "visits")
MAX_ROWS = 50_000


@dataclass(frozen=True)
class ExposureSubmission:
    """Exposure figures sent as CSV text: an uploaded file, pasted text or one week typed in.

    ``pasted`` is what was pasted (shown again when the figures are refused); ``errors`` says why
    an upload could not be read at all."""

    text: str
    pasted: str = ""
    errors: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExposureRow:
    region_id: int
    week_start: date
    visits: int
    service_hours: float | None


def parse_exposure_csv(text: str, regions_by_name: dict[str, int]) -> tuple[list[ExposureRow], list[str]]:
    """Rows to import, or errors naming each bad line. ``region`` may be a name or an id."""
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        return [], [
            _("The first line must name the columns: missing %(columns)s.", columns=", ".join(missing))
        ]
    reader.fieldnames = header
    known_ids = set(regions_by_name.values())
    lookup = {name.casefold(): rid for name, rid in regions_by_name.items()}
    rows, errors, seen = [], [], {}
    for line, raw in enumerate(reader, start=2):
        if line - 1 > MAX_ROWS:
            errors.append(_("More than %(max)s rows: split the file.", max=MAX_ROWS))
            break
        problems = []
        region_text = (raw.get("region") or "").strip()
        region_id = lookup.get(region_text.casefold())
        if region_id is None and form_int(region_text) in known_ids:
            region_id = form_int(region_text)
        if region_id is None:
            problems.append(_("unknown region “%(region)s”", region=region_text))
        week = None
        try:
            week = date.fromisoformat((raw.get("week_start") or "").strip())
            if week.weekday() != 0:
                problems.append(_("week_start %(week)s is not a Monday", week=week))
        except ValueError:
            problems.append("week_start must be a date like 2026-03-02")
        visits_text = (raw.get("visits") or "").strip()
        visits = form_int(visits_text)
        if visits is None:
            problems.append("visits must be a whole number, 0 or more")
        hours_text = (raw.get("service_hours") or "").strip()
        hours = None
        if hours_text:
            try:
                hours = float(hours_text)
                if not 0 <= hours < 1e7:
                    raise ValueError
            except ValueError:
                problems.append("service_hours must be a number, 0 or more")
        key = (region_id, week)
        if not problems and key in seen:
            problems.append(_("the same region and week as line %(line)s", line=seen[key]))
        if problems:
            errors.append(_("Line %(line)s: %(text)s", line=line, text="; ".join(problems) + "."))
            continue
        seen[key] = line
        rows.append(ExposureRow(region_id, week, visits, hours))
    if not rows and not errors:
        errors.append(_("The file has no data rows."))
    return ([] if errors else rows), errors


def single_week_csv(region: str, week_start: str, visits: str, service_hours: str) -> str:
    """One week typed into the form, as the CSV a file would hold, so it is checked the same way."""
    return f"region,week_start,visits,service_hours\n{region},{week_start},{visits},{service_hours}"
