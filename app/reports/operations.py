"""Writes for near-miss reports. Operations flush and audit; the request or command commits."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from app.auth.models import User
from app.core.audit.operations import record_event
from app.core.models import now_utc
from app.core.validation import InvalidInput
from app.extensions import db
from app.reports.models import Report, ReportPhoto, ReportStatus
from app.reports.photos import CleanPhoto, PhotoRejected, check_photo, sanitise_photo
from app.reports.signals import report_submitted
from app.reports.validation import ReportPayload, check_against_taxonomy, content_hash
from app.taxonomy.reference import taxonomy_reference

# A plain insert that returns the new id, or nothing when the client UUID is taken - another device
# that sent the same report a moment before (a replay found earlier is answered before any insert), or a
# UUID someone else used - without spoiling the transaction. Plain, not through the unit of
# work: every submission goes through here, and the ORM's bookkeeping was a sixth of its cost.
_reports = Report.__table__
_INSERT_REPORT = {
    dialect: insert_for(_reports)
    .on_conflict_do_nothing(index_elements=["client_uuid"])
    .returning(_reports.c.id)
    for dialect, insert_for in (("postgresql", postgresql_insert), ("sqlite", sqlite_insert))
}


def _stored(report_id: int, values: dict) -> Report:
    """The row just inserted as a persistent object in the session, without reading it back."""
    report = Report(id=report_id, **values)
    make_transient_to_detached(report)
    db.session.add(report)
    return report


class ReportInvalid(InvalidInput):
    """A report failed the checks that need the taxonomy or the clock."""


class RegionForbidden(PermissionError):
    """The reporter does not belong to the region named in the report."""


class ClientUUIDConflict(ValueError):
    """The client UUID was already used for a report with other content (or by someone else)."""

    def __init__(self, existing: Report):
        super().__init__("client_uuid already used for different content")
        self.existing = existing


@dataclass(frozen=True)
class SubmissionSettings:
    tz: ZoneInfo
    clock_skew: timedelta
    max_age: timedelta

    @classmethod
    def from_config(cls, config) -> "SubmissionSettings":
        return cls(
            tz=ZoneInfo(config["ORG_TIMEZONE"]),
            clock_skew=timedelta(minutes=config["CLOCK_SKEW_MINUTES"]),
            max_age=timedelta(days=config["MAX_REPORT_AGE_DAYS"]),
        )


@dataclass(frozen=True)
class Submission:
    """A stored report, and whether this submission created it (False: a replay of one stored before).

    ``receipt`` is what the API answers, ``id`` and ``client_uuid``, read while the row is loaded:
    the commit expires it, and reading them after would fetch the report again.
    """

    report: Report
    created: bool
    receipt: dict = field(init=False)

    def __post_init__(self):
        receipt = {"id": self.report.id, "client_uuid": str(self.report.client_uuid)}
        object.__setattr__(self, "receipt", receipt)


def _replay_or_conflict(existing: Report, reporter: User, content_hash: str) -> Submission:
    if existing.reporter_id == reporter.id and existing.content_hash == content_hash:
        return Submission(existing, created=False)
    raise ClientUUIDConflict(existing)


def _replay_of(reporter: User, payload: ReportPayload, taxonomy, tz: ZoneInfo) -> Submission | None:
    """The reporter's stored report with this ``client_uuid`` as a replay (or a conflict), else None.

    Compared by content hash, which needs the category's code but not that it is still active.
    """
    existing = db.session.scalar(
        select(Report).where(Report.client_uuid == payload.client_uuid, Report.reporter_id == reporter.id)
    )
    if existing is None:
        return None
    if isinstance(payload.category, int):
        category = taxonomy.categories_by_id.get(payload.category)
        category_code = category.code if category is not None else None
    else:
        category_code = payload.category
    return _replay_or_conflict(existing, reporter, content_hash(payload, category_code, tz))


def _decoded_photo(payload: ReportPayload) -> CleanPhoto | None:
    """The photo decoded and re-encoded: last, once everything else has passed (it is the costly part)."""
    if payload.photo is None:
        return None
    try:
        return sanitise_photo(payload.photo.data)
    except PhotoRejected as exc:
        raise ReportInvalid({"photo": [str(exc)]}) from None


def submit_report(
    reporter: User,
    payload: ReportPayload,
    settings: SubmissionSettings,
    *,
    now: datetime | None = None,
) -> Submission:
    """Store a report exactly once per ``client_uuid``.

    A replay by its reporter is answered from the stored row before anything is checked: the same
    content returns the stored report (``created=False``), other content raises ``ClientUUIDConflict``,
    whatever changed since it was stored (a category or program deactivated, the maximum age passed,
    stricter photo rules, the reporter's regions). A UUID someone else stored is checked as a new
    report of this reporter's and ends in ``ClientUUIDConflict`` at the insert, which reveals nothing
    of the stored one. Two devices racing with one UUID are settled by the unique index in the insert
    itself; the loser is answered as a replay or a conflict. The photo is decoded last, so a refused
    report never decodes one.
    """
    now = now or now_utc()
    taxonomy = taxonomy_reference()
    replay = _replay_of(reporter, payload, taxonomy, settings.tz)
    if replay is not None:
        return replay
    region_exists = payload.region_id in taxonomy.active_region_ids
    if region_exists and payload.region_id not in reporter.region_ids:
        raise RegionForbidden(payload.region_id)
    checked, errors = check_against_taxonomy(
        payload,
        categories=taxonomy.active_categories,
        programs=taxonomy.active_programs,
        region_exists=region_exists,
        now=now,
        tz=settings.tz,
        clock_skew=settings.clock_skew,
        max_age=settings.max_age,
    )
    if payload.photo is not None:
        try:
            check_photo(payload.photo.data)
        except PhotoRejected as exc:
            errors["photo"] = [str(exc)]
    if errors:
        raise ReportInvalid(errors)
    photo = _decoded_photo(payload)
    stored_hash = checked.content_hash()
    values = {
        "client_uuid": payload.client_uuid,
        "content_hash": stored_hash,
        "what_happened": payload.what_happened,
        "category_id": checked.category.id,
        "event_class": payload.event_class.value,
        "occurred_at": checked.occurred_at,
        "occurred_at_approximate": payload.occurred_at_approximate,
        "captured_at": checked.captured_at,
        "received_at": now,
        "region_id": payload.region_id,
        "program_id": checked.program.id if checked.program else None,
        "location": payload.location,
        "person_ref": payload.person_ref,
        "still_at_risk": payload.still_at_risk,
        "barrier": payload.barrier,
        "immediate_action": payload.immediate_action,
        "interface_tag": payload.interface_tag.value if payload.interface_tag else None,
        "confidential": payload.confidential,
        "reporter_id": reporter.id,
        "status": ReportStatus.NEW.value,
        "safeguarding_restricted": False,
    }
    connection = db.session.connection()
    report_id = connection.execute(_INSERT_REPORT[connection.dialect.name], values).scalar_one_or_none()
    if report_id is None:
        existing = db.session.scalar(select(Report).where(Report.client_uuid == payload.client_uuid))
        return _replay_or_conflict(existing, reporter, stored_hash)
    report = _stored(report_id, values)
    if photo is not None:
        report.photo = ReportPhoto(
            content_type=photo.content_type, data=photo.data, width=photo.width, height=photo.height
        )
    else:
        # Known to be none: the audit snapshot reads it, and an unloaded one-to-one would be fetched
        # with a query of its own while the audit chain's lock is held.
        set_committed_value(report, "photo", None)

    record_event(
        "report.submit",
        actor=reporter,
        object_type="report",
        object_id=report.id,
        region_id=report.region_id,
        after=audit_snapshot(report),
    )
    report_submitted.send(report)
    return Submission(report, created=True)


def audit_snapshot(report: Report) -> dict:
    """The report's non-PHI state for the audit trail: no free text, no person reference."""
    return {
        "category": report.category_id,
        "event_class": report.event_class,
        "still_at_risk": report.still_at_risk,
        "interface_tag": report.interface_tag,
        "confidential": report.confidential,
        "status": report.status,
        "program_id": report.program_id,
        "photo": report.photo is not None,
    }


# The order a report moves through as work is linked to it; handed-off and closed reports stay put,
# and so does a report nobody has triaged yet: linking work to it must never take it out of the
# triage queue (triage moves it on to where its links put it, through ``report_triaged``).
_PROGRESS = [ReportStatus.TRIAGED, ReportStatus.IN_REVIEW, ReportStatus.REVIEWED, ReportStatus.ACTION_PLANNED]


def advance_status(report: Report, to: ReportStatus, *, actor, event: str, link: dict) -> None:
    """Move a triaged ``report`` forward to ``to`` (never back) and audit the link, which is
    recorded also when the report stays where it is (untriaged, handed off, closed)."""
    before = report.status
    ranks = {status.value: rank for rank, status in enumerate(_PROGRESS)}
    if before in ranks and ranks[before] < ranks[to.value]:
        report.status = to.value
    record_event(
        event,
        actor=actor,
        object_type="report",
        object_id=report.id,
        region_id=report.region_id,
        before={"status": before},
        after={"status": report.status, **link},
    )
