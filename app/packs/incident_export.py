"""The export for oversight systems (issue 20 point 4): one record per report of a period, incidents
and near misses alike, mapped to the critical-incident categories, with the timeliness fields that
INCID-1/2/3-shaped measures need; as CSV (the records) and JSON (the records, the category list and a
summary). Documented in docs/oversight-export.md; the JSON Schema is ``SCHEMA_PATH``.

What leaves the app is what the oversight pack lets out: no free text and no reporter, person
references pseudonymised with ``app.core.pseudonyms.pseudonym`` (the pack's stand-in), and the
summary's counts suppressed below the pack's threshold with its ``suppressed``. The rows are those of
the regions the person exporting sees (``visible_region_ids``), as the pack is; links to reports
outside them are left out."""

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.orm import aliased, configure_mappers, selectinload

from app.core.csv_safe import csv_text
from app.core.pseudonyms import pseudonym
from app.core.settings import get_setting
from app.escalations.models import ExternalDuty
from app.extensions import db
from app.incidents.models import IncidentCategory, IncidentRecord, WarningLink
from app.packs.builder import suppressed
from app.reports.models import Report
from app.taxonomy.vocabulary import EventClass

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "oversight_export.schema.json"
SCHEMA_ID = "https://near-miss.example/schemas/oversight-export/v1.json"
FORMATS = ("csv", "json")
LIST_SEPARATOR = ";"

FIELDS = (
    "report_id",
    "event_class",
    "critical_incident_category",
    "critical_incident_category_name",
    "category_mapped_from",
    "report_category",
    "region",
    "program",
    "person_pseudonym",
    "safeguarding",
    "occurred_at",
    "occurred_at_approximate",
    "reported_at",
    "recorded_as_incident_at",
    "recorded_as_incident_via",
    "triaged_at",
    "external_bodies",
    "external_notification_due_at",
    "external_notification_sent_at",
    "external_notification_on_time",
    "investigation_started_at",
    "investigation_due_on",
    "investigation_completed_at",
    "corrective_action_due_on",
    "corrective_action_completed_at",
    "warned_of",
    "warnings",
)
"""The record's fields, in the CSV's column order (the JSON Schema lists the same)."""


@dataclass(frozen=True)
class ExportScope:
    """A period of whole days (the organisation's), and the regions: None for every region."""

    first_day: date
    last_day: date
    region_ids: frozenset[int] | None
    region_name: str
    # The regions whose safeguarding-restricted reports the exporter may read (None: every region, as
    # for the safeguarding lead, the quality lead and the command line run on the server). A restricted
    # report elsewhere is left out, and so is any link to it.
    safeguarding_region_ids: frozenset[int] | None = None

    def shows(self, region_id: int, restricted: bool) -> bool:
        in_regions = self.region_ids is None or region_id in self.region_ids
        may_read = (
            not restricted
            or self.safeguarding_region_ids is None
            or region_id in self.safeguarding_region_ids
        )
        return in_regions and may_read

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        start = datetime.combine(self.first_day, time(), tzinfo=tz)
        return start, datetime.combine(self.last_day + timedelta(days=1), time(), tzinfo=tz)


def _iso(moment: datetime | None, tz: ZoneInfo) -> str | None:
    return moment.astimezone(tz).isoformat() if moment is not None else None


def _day(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _in_regions(statement, column, region_ids):
    return statement if region_ids is None else statement.where(column.in_(region_ids))


def _reports(scope: ExportScope, tz: ZoneInfo) -> list[Report]:
    configure_mappers()  # the backrefs loaded below (incident, triage, duties, reviews, actions) exist then
    start, end = scope.bounds(tz)
    statement = (
        select(Report)
        .where(Report.occurred_at >= start, Report.occurred_at < end)
        .order_by(Report.occurred_at, Report.id)
        .options(
            selectinload(Report.incident),
            selectinload(Report.triage),
            selectinload(Report.external_duties),
            selectinload(Report.reviews),
            selectinload(Report.actions),
            selectinload(Report.program),
        )
    )
    reports = db.session.scalars(_in_regions(statement, Report.region_id, scope.region_ids))
    return [report for report in reports if scope.shows(report.region_id, report.safeguarding_restricted)]


def _links(report_ids: list[int], scope: ExportScope) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """(incident ids per near miss, near-miss ids per incident) for the links touching ``report_ids``
    whose both ends the export shows."""
    near, later = aliased(Report), aliased(Report)
    warned_of: dict[int, set[int]] = {}
    warnings: dict[int, set[int]] = {}
    for chunk in range(0, len(report_ids), 900):
        ids = report_ids[chunk : chunk + 900]
        rows = db.session.execute(
            select(
                WarningLink.near_miss_id,
                WarningLink.incident_id,
                near.region_id,
                near.safeguarding_restricted,
                later.region_id,
                later.safeguarding_restricted,
            )
            .join(near, near.id == WarningLink.near_miss_id)
            .join(later, later.id == WarningLink.incident_id)
            .where(or_(WarningLink.near_miss_id.in_(ids), WarningLink.incident_id.in_(ids)))
        )
        for near_id, incident_id, near_region, near_restricted, incident_region, incident_restricted in rows:
            if scope.shows(near_region, near_restricted) and scope.shows(
                incident_region, incident_restricted
            ):
                warned_of.setdefault(near_id, set()).add(incident_id)
                warnings.setdefault(incident_id, set()).add(near_id)
    return {k: sorted(v) for k, v in warned_of.items()}, {k: sorted(v) for k, v in warnings.items()}


def _on_time(duty: ExternalDuty | None, now: datetime) -> bool | None:
    """Sent by its due time; False when sent late or still unsent after it; None while it can still be."""
    if duty is None:
        return None
    if duty.done_at is not None:
        return duty.done_at <= duty.due_at
    return False if now > duty.due_at else None


def _first(items, key):
    items = [i for i in items if key(i) is not None]
    return min(items, key=key) if items else None


def _record(report: Report, tz: ZoneInfo, now: datetime, categories, warned_of, warnings) -> dict:
    incident = report.incident
    category, mapped_from = None, None
    if incident is not None:
        category, mapped_from = incident.category, "incident"
    elif warned_of.get(report.id):
        category = categories.get(warned_of[report.id][0])
        mapped_from = "linked_incident" if category is not None else None
    duty = _first(report.external_duties, lambda d: d.due_at)
    review = _first(report.reviews, lambda r: r.created_at)
    action = _first(report.actions, lambda a: a.due_date)
    triage = report.triage
    return {
        "report_id": report.id,
        "event_class": report.event_class,
        "critical_incident_category": category.code if category else None,
        "critical_incident_category_name": category.name if category else None,
        "category_mapped_from": mapped_from,
        "report_category": report.category.code,
        "region": report.region.name,
        "program": report.program.name if report.program else None,
        "person_pseudonym": pseudonym(report.person_ref) or None,
        "safeguarding": report.safeguarding_restricted,
        "occurred_at": _iso(report.occurred_at, tz),
        "occurred_at_approximate": report.occurred_at_approximate,
        "reported_at": _iso(report.received_at, tz),
        "recorded_as_incident_at": _iso(incident.recorded_at, tz) if incident else None,
        "recorded_as_incident_via": incident.recorded_via if incident else None,
        "triaged_at": _iso(triage.triaged_at, tz) if triage else None,
        "external_bodies": sorted(d.body.code for d in report.external_duties),
        "external_notification_due_at": _iso(duty.due_at, tz) if duty else None,
        "external_notification_sent_at": _iso(duty.done_at, tz) if duty else None,
        "external_notification_on_time": _on_time(duty, now),
        "investigation_started_at": _iso(review.created_at, tz) if review else None,
        "investigation_due_on": _day(review.due_date) if review else None,
        "investigation_completed_at": _iso(review.completed_at, tz) if review else None,
        "corrective_action_due_on": _day(action.due_date) if action else None,
        "corrective_action_completed_at": _iso(action.completed_at, tz) if action else None,
        "warned_of": sorted(warned_of.get(report.id, [])),
        "warnings": sorted(warnings.get(report.id, [])),
    }


def _summary(records: list[dict], threshold: int) -> list[dict]:
    """Per region and critical-incident category: incidents, and near misses mapped to it through a
    link, each count suppressed below ``threshold`` as in the pack."""
    cells: dict[tuple[str, str], list[int]] = {}
    for r in records:
        if r["critical_incident_category"] is None:
            continue
        counts = cells.setdefault((r["region"], r["critical_incident_category"]), [0, 0])
        counts[0 if r["event_class"] == EventClass.INCIDENT.value else 1] += 1
    return [
        {
            "region": region,
            "critical_incident_category": code,
            "incidents": suppressed(incidents, threshold),
            "near_misses_linked": suppressed(near, threshold),
        }
        for (region, code), (incidents, near) in sorted(cells.items())
    ]


def build_export(scope: ExportScope, *, tz: ZoneInfo, now: datetime) -> dict:
    """The export as the JSON document (``records`` are the CSV's rows)."""
    reports = _reports(scope, tz)
    warned_of, warnings = _links([r.id for r in reports], scope)
    incident_ids = sorted({i for ids in warned_of.values() for i in ids})
    categories = {
        report_id: category
        for report_id, category in db.session.execute(
            select(IncidentRecord.report_id, IncidentCategory)
            .join(IncidentCategory)
            .where(IncidentRecord.report_id.in_(incident_ids))
        )
    }
    # A near miss that warned of several incidents is mapped to the earliest one's category.
    occurred = dict(
        db.session.execute(select(Report.id, Report.occurred_at).where(Report.id.in_(incident_ids))).all()
    )
    for ids in warned_of.values():
        ids.sort(key=lambda i: (occurred[i], i))
    records = [_record(r, tz, now, categories, warned_of, warnings) for r in reports]
    threshold = int(get_setting("pack_suppress_below"))
    listed = db.session.scalars(
        select(IncidentCategory).order_by(IncidentCategory.sort_order, IncidentCategory.id)
    )
    return {
        "$schema": SCHEMA_ID,
        "organisation": current_app.config["ORG_NAME"],
        "period": {"from": scope.first_day.isoformat(), "to": scope.last_day.isoformat()},
        "region": scope.region_name,
        "timezone": str(tz),
        "generated_at": now.astimezone(tz).isoformat(),
        "suppress_below": threshold,
        "targets": {
            "triage_hours": get_setting("triage_target_hours"),
            "timeliness_floor_percent": get_setting("timeliness_target_percent"),
        },
        "critical_incident_categories": [
            {"code": c.code, "name": c.name, "active": c.active} for c in listed
        ],
        "records": records,
        "summary": _summary(records, threshold),
    }


def _cell(value):
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return "" if value is None else value


def export_csv(document: dict) -> str:
    """The records as CSV, one column per field in ``FIELDS`` (lists joined by ``;``, nulls empty)."""
    return csv_text(FIELDS, ([_cell(record[name]) for name in FIELDS] for record in document["records"]))


def export_json(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=1)


def export_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def export_body(document: dict, fmt: str) -> tuple[str, str]:
    """(text, content type) of the export in ``fmt`` (``csv`` or ``json``)."""
    if fmt == "csv":
        return export_csv(document), "text/csv; charset=utf-8"
    return export_json(document), "application/json"


def export_filename(scope: ExportScope, fmt: str) -> str:
    return f"oversight-export-{scope.first_day:%Y%m%d}-{scope.last_day:%Y%m%d}.{fmt}"
