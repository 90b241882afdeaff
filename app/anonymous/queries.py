"""Reading public reporting links and anonymous reports: by token, by receipt code, for the admin
page, the guides and triage."""

from sqlalchemy import func, select

from app.anonymous.models import AnonymousReport, ReportingLink
from app.anonymous.receipts import receipt_hash
from app.anonymous.vocabulary import plain_category
from app.core.audit.queries import events_for
from app.extensions import db
from app.feedback.queries import posts_about
from app.reports.models import Report
from app.reports.presenters import REPORTER_STATUS, reporter_progress
from app.taxonomy.models import Program, Region


def link_by_token(token: str) -> ReportingLink | None:
    """The link with this token, open or ended; None for a token that never existed."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(ReportingLink).where(ReportingLink.token == token))


def usable(link: ReportingLink) -> bool:
    """Whether a link takes reports: open, and its program still active."""
    return link.is_open and link.program.active


def open_links() -> list[ReportingLink]:
    """Every open link of an active program, by program name (the guides print their QR codes)."""
    return list(
        db.session.scalars(
            select(ReportingLink)
            .join(Program, Program.id == ReportingLink.program_id)
            .where(ReportingLink.ended_at.is_(None), Program.active)
            .order_by(Program.name)
        )
    )


def open_link_for_program(program_id: int) -> ReportingLink | None:
    link = db.session.scalar(
        select(ReportingLink).where(ReportingLink.program_id == program_id, ReportingLink.ended_at.is_(None))
    )
    return link if link is not None and link.program.active else None


def programs_with_links() -> list[tuple[Program, ReportingLink | None, int]]:
    """For the admin page: every active program, its open link (or None) and how many anonymous
    reports came through any of its links."""
    programs = list(db.session.scalars(select(Program).where(Program.active).order_by(Program.name)))
    links = {
        link.program_id: link
        for link in db.session.scalars(select(ReportingLink).where(ReportingLink.ended_at.is_(None)))
    }
    counts = dict(
        db.session.execute(
            select(ReportingLink.program_id, func.count(AnonymousReport.report_id))
            .join(AnonymousReport, AnonymousReport.link_id == ReportingLink.id)
            .group_by(ReportingLink.program_id)
        ).all()
    )
    return [(p, links.get(p.id), counts.get(p.id, 0)) for p in programs]


def regions_for_link(link: ReportingLink) -> list[Region]:
    """The regions a sender may choose: none when the program runs in one region (it is that one)."""
    if link.program.region_id is not None:
        return []
    return list(db.session.scalars(select(Region).where(Region.active).order_by(Region.name)))


def report_by_receipt(code: str) -> Report | None:
    """The one report whose receipt code this is; None for a wrong, unknown or malformed code alike."""
    hashed = receipt_hash(code)
    if hashed is None:
        return None
    return db.session.scalar(
        select(Report)
        .join(AnonymousReport, AnonymousReport.report_id == Report.id)
        .where(AnonymousReport.receipt_hash == hashed)
    )


def receipt_view(report: Report) -> dict:
    """All the status page shows: when it arrived, what kind of report, its status and progress in the
    reporter's words, and the updates published about it (title, what changed, date). No staff names,
    no triage, no other report."""
    return {
        "received_at": report.received_at,
        "category": plain_category(report.category)[0],
        "program": report.program.name if report.program else None,
        "status": REPORTER_STATUS[report.status],
        "progress": reporter_progress(report, events_for("report", report.id)),
        "updates": [
            {"title": post.title, "what_changed": post.what_changed, "published_at": post.published_at}
            for post in posts_about(report)
        ],
    }


def anonymous_marks(report_ids) -> dict[int, AnonymousReport]:
    """The anonymous reports among ``report_ids``, by report id (one query, for a list page)."""
    ids = list({int(i) for i in report_ids})
    if not ids:
        return {}
    rows = db.session.scalars(select(AnonymousReport).where(AnonymousReport.report_id.in_(ids)))
    return {row.report_id: row for row in rows}


def link_accounts():
    """The ids of the links' own accounts, as a subquery: they are no one's, so the user list leaves
    them out and they can't be opened, reactivated or given a password."""
    return select(ReportingLink.reporter_id)


def is_link_account(user_id: int) -> bool:
    return db.session.scalar(select(ReportingLink.id).where(ReportingLink.reporter_id == user_id)) is not None
