"""Writes for public reporting links and the anonymous reports filed through them. Operations flush
and audit; the request commits."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select, update

from app.anonymous.models import AnonymousReport, ReportingLink
from app.anonymous.receipts import new_receipt_code, receipt_hash
from app.auth.models import LINK_ACCOUNT_DOMAIN, User
from app.core.audit.operations import record_event
from app.core.concurrency import EditConflict
from app.core.models import now_utc
from app.core.validation import InvalidInput
from app.extensions import db
from app.reports.models import Report, ReportStatus
from app.reports.operations import SubmissionSettings, audit_snapshot
from app.reports.signals import report_submitted
from app.reports.validation import check_against_taxonomy, content_hash, parse_payload
from app.taxonomy.models import Program
from app.taxonomy.reference import taxonomy_reference

ALERT_SPACING = timedelta(minutes=1)
"""At most one stop-the-line alert from a link's anonymous reports in this time; the others stay at the
top of triage (``AnonymousReport.alert_held``)."""


class LinkError(InvalidInput):
    """A link cannot be opened, rotated or closed as asked; ``errors`` says why."""


class AnonymousReportInvalid(InvalidInput):
    """The anonymous form's answers need attention; ``errors`` by field."""


class AnonymousConflict(EditConflict):
    """The form's one-time id was already used for other content: a fresh form is shown (409)."""


@dataclass(frozen=True)
class AnonymousSubmission:
    """A stored anonymous report. ``receipt_code`` is the only copy of the code (None on a replay of
    the same form: the code was shown when it was first sent)."""

    report_id: int
    receipt_code: str | None
    alert_raised: bool


def open_link(program: Program, *, actor, now: datetime | None = None) -> ReportingLink:
    """Turn on a public reporting link for ``program`` with a new unguessable token."""
    if not program.active:
        raise LinkError({"program": [_("This program is switched off; switch it on first.")]})
    if open_link_of(program.id) is not None:
        raise LinkError({"program": [_("This program already has a reporting link.")]})
    return _new_link(program, actor=actor, now=now or now_utc(), action="reporting_link.open")


def rotate_link(link: ReportingLink, *, actor, now: datetime | None = None) -> ReportingLink:
    """Replace ``link`` with a new token: the old address is refused from now on."""
    now = now or now_utc()
    _end(link, "rotated", actor=actor, now=now)
    return _new_link(
        link.program, actor=actor, now=now, action="reporting_link.rotate", after={"replaces": link.id}
    )


def close_link(link: ReportingLink, *, actor, now: datetime | None = None) -> None:
    """Close ``link``: its address is refused, and the program has no link until one is turned on."""
    _end(link, "closed", actor=actor, now=now or now_utc())
    record_event(
        "reporting_link.close",
        actor=actor,
        object_type="reporting_link",
        object_id=link.id,
        region_id=link.program.region_id,
        after={"program_id": link.program_id},
    )


def open_link_of(program_id: int) -> ReportingLink | None:
    return db.session.scalar(
        select(ReportingLink).where(ReportingLink.program_id == program_id, ReportingLink.ended_at.is_(None))
    )


def _end(link: ReportingLink, reason: str, *, actor, now: datetime) -> None:
    if not link.is_open:
        raise LinkError({"link": [_("This link was already replaced or closed.")]})
    link.ended_at = now
    link.end_reason = reason
    link.ended_by_id = getattr(actor, "id", None)
    db.session.flush()


def _new_link(
    program: Program, *, actor, now: datetime, action: str, after: dict | None = None
) -> ReportingLink:
    # The link's own account: never signed in to (inactive, no password, no role), so notifications to
    # "the reporter" go nowhere and the audit trail names the link, not a person.
    account = User(
        email=f"anonymous-{secrets.token_hex(8)}@{LINK_ACCOUNT_DOMAIN}",
        name="Anonymous via link",
        active=False,
    )
    link = ReportingLink(
        program=program,
        token=secrets.token_urlsafe(18),
        reporter=account,
        opened_at=now,
        opened_by_id=getattr(actor, "id", None),
    )
    db.session.add(link)
    db.session.flush()
    account.name = f"Anonymous via link {link.id}"
    db.session.flush()
    record_event(
        action,
        actor=actor,
        object_type="reporting_link",
        object_id=link.id,
        region_id=program.region_id,
        after={"program_id": program.id, **(after or {})},
    )
    return link


def _claim_alert(link: ReportingLink, now: datetime) -> bool:
    """Whether this report may raise the link's stop-the-line alert: one a minute per link, claimed by
    one conditional UPDATE so two reports at the same moment cannot both raise one."""
    claimed = db.session.execute(
        update(ReportingLink)
        .where(
            ReportingLink.id == link.id,
            or_(ReportingLink.last_alert_at.is_(None), ReportingLink.last_alert_at <= now - ALERT_SPACING),
        )
        .values(last_alert_at=now)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


def submit_anonymous_report(
    link: ReportingLink, raw: dict, settings: SubmissionSettings, *, now: datetime | None = None
) -> AnonymousSubmission:
    """Store a report sent through ``link`` with no account, and make its receipt code.

    The program is the link's; its region too, unless the program runs in every region (then the
    sender picks one). Stored under the link's own account, with nothing about the sender. A
    still-at-risk (or stop-the-line category) report raises the stop-the-line alert unless the link
    raised one within ``ALERT_SPACING``; then it is marked ``alert_held`` for triage instead.
    """
    now = now or now_utc()
    raw = {**raw, "program_id": link.program_id}
    if link.program.region_id is not None:
        raw["region_id"] = link.program.region_id
    payload, errors = parse_payload(raw)
    if errors:
        raise AnonymousReportInvalid(errors)
    taxonomy = taxonomy_reference()
    replay = _replay(link, payload, settings)
    if replay is not None:
        return replay
    checked, errors = check_against_taxonomy(
        payload,
        categories=taxonomy.active_categories,
        programs=taxonomy.active_programs,
        region_exists=payload.region_id in taxonomy.active_region_ids,
        now=now,
        tz=settings.tz,
        clock_skew=settings.clock_skew,
        max_age=settings.max_age,
    )
    if errors:
        raise AnonymousReportInvalid(errors)
    report = Report(
        client_uuid=payload.client_uuid,
        content_hash=checked.content_hash(),
        what_happened=payload.what_happened,
        category_id=checked.category.id,
        event_class=payload.event_class.value,
        occurred_at=checked.occurred_at,
        occurred_at_approximate=payload.occurred_at_approximate,
        captured_at=now,
        received_at=now,
        region_id=payload.region_id,
        program_id=link.program_id,
        still_at_risk=payload.still_at_risk,
        barrier=payload.barrier,
        confidential=False,
        reporter_id=link.reporter_id,
        status=ReportStatus.NEW.value,
        safeguarding_restricted=False,
    )
    report.photo = None
    db.session.add(report)
    db.session.flush()
    code = new_receipt_code()
    wants_alert = payload.still_at_risk or checked.category.is_stop_the_line
    alert = wants_alert and _claim_alert(link, now)
    db.session.add(
        AnonymousReport(
            report_id=report.id,
            link_id=link.id,
            receipt_hash=receipt_hash(code),
            alert_held=wants_alert and not alert,
        )
    )
    record_event(
        "report.submit",
        actor=link.reporter_id,
        object_type="report",
        object_id=report.id,
        region_id=report.region_id,
        after={
            **audit_snapshot(report),
            "via": f"anonymous via link {link.id}",
            "alert_held": wants_alert and not alert,
        },
    )
    report_submitted.send(report, stop_the_line=not wants_alert or alert)
    return AnonymousSubmission(report.id, code, alert)


def _replay(link: ReportingLink, payload, settings: SubmissionSettings) -> AnonymousSubmission | None:
    """The same form sent twice (a double tap, a reload): answered from the stored report, without
    its receipt code. Another report under the same form id is a conflict."""
    existing = db.session.scalar(select(Report).where(Report.client_uuid == payload.client_uuid))
    if existing is None:
        return None
    category = taxonomy_reference().categories_by_id.get(existing.category_id)
    same = (
        existing.reporter_id == link.reporter_id
        and category is not None
        and existing.content_hash == content_hash(payload, category.code, settings.tz)
    )
    if not same:
        raise AnonymousConflict()
    return AnonymousSubmission(existing.id, None, False)
