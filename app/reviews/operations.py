"""Reviews in proportion to triage. Callers commit."""

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from app.auth.models import User
from app.auth.queries import users_with_role
from app.core.audit.operations import record_event
from app.core.audit.queries import events_for
from app.core.clock import org_today, org_tz
from app.core.concurrency import UNCHECKED, check_version
from app.core.i18n import lazy, local_datetime
from app.core.models import now_utc
from app.core.permissions import can_view_report, sees_report_through_role
from app.core.roles import REVIEW_ROLES, Role
from app.core.settings import get_setting
from app.core.validation import InvalidInput, Problems
from app.extensions import db
from app.notifications.operations import notify, settle, settle_others
from app.reports.models import Report, ReportStatus
from app.reports.operations import advance_status
from app.reports.queries import UNSEEN_REPORT
from app.reviews.models import Review, review_reports
from app.reviews.titles import BRIEF, FULL, PATHWAY, TITLE_LENGTH, english_title, report_title, theme_title
from app.triage.models import Triage

REVIEW_KINDS = {
    "brief_structured_review": _l("Brief structured review"),
    "pathway_map": _l("Information-pathway map (interface failure)"),
    "barrier_review": _l("Barrier review of a cluster"),
    "full_systems_review": _l("Full systems review"),
}
REVIEW_STATUSES = {"open": _l("Open"), "completed": _l("Completed")}
MAX_STEPS = 8


class ReviewInvalid(InvalidInput):
    """A review was refused; ``errors`` says why."""


@dataclass
class ReviewInput:
    kind: str
    title: str
    reports: list[Report]
    # An automatic title's parts (app.reviews.titles), when the app names the review: ``title`` is
    # then its English text.
    title_parts: dict | None = None
    held_on: date | None = None
    duration_minutes: int | None = None
    participants: list[dict] = field(default_factory=list)
    findings: str = ""
    root_pattern: str = ""
    barriers_held: str = ""
    barriers_failed: str = ""
    pathway_steps: list[dict] = field(default_factory=list)
    complete: bool = False
    owner_id: int | None = None
    due_date: date | None = None


def default_due_date(kind: str, created_on: date) -> date:
    """When a review of ``kind`` opened on ``created_on`` is due: the organisation's setting per kind."""
    return created_on + timedelta(days=int(get_setting(f"review_due_days_{kind}")))


def can_own_review(user, reports) -> bool:
    """An owner runs reviews and may see every report the review covers."""
    return (
        user is not None
        and user.active
        and bool(user.roles & REVIEW_ROLES)
        and all(can_view_report(user, r) for r in reports)
    )


def _check(data: ReviewInput, review: Review | None = None) -> dict[str, list[str]]:
    errors = Problems()
    need = errors.need

    need("kind", data.kind in REVIEW_KINDS, _("Choose the kind of review."))
    need(
        "title",
        _keeps_automatic_title(review, data) or 3 <= len(data.title.strip()) <= TITLE_LENGTH,
        _("Give the review a short title."),
    )
    need("reports", bool(data.reports), _("Link at least one report."))
    need(
        "duration_minutes",
        data.duration_minutes is None or 1 <= data.duration_minutes <= 24 * 60,
        _("Give the duration in minutes."),
    )
    for name in ("findings", "root_pattern", "barriers_held", "barriers_failed"):
        need(name, len(getattr(data, name)) <= 5000, _("Keep this under 5000 characters."))
    if data.complete:
        need("findings", bool(data.findings.strip()), _("Record what the review found before completing it."))
        need("held_on", data.held_on is not None, _("Give the date the review was held."))
        need("participants", bool(data.participants), _("List who took part, by role."))
        if data.kind == "barrier_review":
            need("root_pattern", bool(data.root_pattern.strip()), _("Name the root pattern of the cluster."))
            need("duration_minutes", data.duration_minutes is not None, _("Give the duration in minutes."))
        if data.kind == "pathway_map":
            need("pathway_steps", bool(data.pathway_steps), _("Map at least one step of the pathway."))
            need(
                "pathway_steps",
                any(s.get("broke") for s in data.pathway_steps),
                _("Mark the step where it broke."),
            )
    return errors


def _keeps_automatic_title(review: Review | None, data: ReviewInput) -> bool:
    """The form sent back an automatic title as it was shown or stored (a Spanish one may be longer
    than the column: the English is what is stored)."""
    return bool(
        review is not None
        and data.title_parts is None
        and review.title_parts
        and data.title.strip() in (review.title, review.shown_title)
    )


def _apply_title(review: Review, data: ReviewInput) -> None:
    """An automatic title stays automatic (shown in each reader's language) while it comes back as
    it was shown or stored; any other text is the person's own, kept as typed."""
    typed = data.title.strip()
    if data.title_parts is not None:
        review.title, review.title_parts = typed, data.title_parts
    elif not _keeps_automatic_title(review, data):
        review.title, review.title_parts = typed, None


def _apply(review: Review, data: ReviewInput) -> None:
    review.kind = data.kind
    _apply_title(review, data)
    review.held_on = data.held_on
    review.duration_minutes = data.duration_minutes
    review.participants = data.participants
    review.findings = data.findings.strip()
    review.root_pattern = data.root_pattern.strip()
    review.barriers_held = data.barriers_held.strip()
    review.barriers_failed = data.barriers_failed.strip()
    review.pathway_steps = data.pathway_steps[:MAX_STEPS]


def _owner_and_due(actor, data: ReviewInput, review: Review | None, today: date, errors) -> User | None:
    """The owner (the one who opens it, unless another is named) and checks on the due date."""
    owner = actor if data.owner_id is None else db.session.get(User, data.owner_id)
    if data.owner_id is not None and not can_own_review(owner, data.reports):
        errors.setdefault("owner_id", []).append(
            _("Choose an owner who runs reviews and may see every report it covers.")
        )
    moved = data.due_date is not None and (review is None or data.due_date != review.due_date)
    if moved and data.due_date < today:
        errors.setdefault("due_date", []).append(_("Give a due date from today on."))
    return owner


def save_review(
    actor, data: ReviewInput, review: Review | None = None, *, based_on=UNCHECKED, today: date | None = None
) -> Review:
    """Create or update a review; linking a triaged report puts it "in review", completing it
    "reviewed".

    Only reports ``actor`` may see are linked (an unknown and a forbidden one get the same answer).
    An untriaged report stays "new", in the triage queue; triage then moves it to "in review"
    (``on_report_triaged``). A new review is owned by whoever opens it unless another owner is
    named, and is due by its kind's setting unless a date is given; a moved due date keeps the first.
    """
    today = today or org_today()
    errors = _check(data, review)
    already = set(review.reports) if review is not None else set()
    if any(r not in already and not can_view_report(actor, r) for r in data.reports):
        errors.setdefault("reports", []).append(UNSEEN_REPORT)
    owner = _owner_and_due(actor, data, review, today, errors)
    if errors:
        raise ReviewInvalid(errors)
    check_version(review, based_on)  # a save over someone else's newer one: EditConflict
    created = review is None
    due = data.due_date or (review.due_date if review else None) or default_due_date(data.kind, today)
    review = review or Review(created_by_id=actor.id)
    before = {"owner_id": review.owner_id, "due_date": str(review.due_date) if review.due_date else None}
    before_ids = {r.id for r in review.reports}
    _apply(review, data)
    handed_over = not created and data.owner_id is not None and owner.id != review.owner_id
    if created or data.owner_id is not None:
        review.owner_id = owner.id
    review.due_date = due
    review.first_due_date = review.first_due_date or due
    db.session.add(review)
    review.reports = list(data.reports)
    completing = data.complete and review.status != "completed"
    if completing:
        review.status = "completed"
        review.completed_at = now_utc()
    db.session.add(review)
    db.session.flush()
    if handed_over and not completing:
        _tell_new_owner(review, owner, actor)
    record_event(
        "review.create" if created else "review.update",
        actor=actor,
        object_type="review",
        object_id=review.id,
        before=None if created else before,
        after={
            "kind": review.kind,
            "status": review.status,
            "report_ids": sorted(r.id for r in review.reports),
            "owner_id": review.owner_id,
            "due_date": str(review.due_date),
        },
    )
    for report in review.reports:
        if report.id not in before_ids:
            advance_status(
                report,
                ReportStatus.IN_REVIEW,
                actor=actor,
                event="review.link",
                link={"review_id": review.id},
            )
    if completing:
        _mark_reports_reviewed(review, actor)
        link = f"/reviews/{review.id}"
        settle(link, kinds=("interface_task",), outcome="mapped", now=review.completed_at)
        settle(link, kinds=("review_assigned",), outcome="done", now=review.completed_at)
    return review


def _tell_new_owner(review: Review, owner: User, actor) -> None:
    """A review handed to someone else: the one who had it is no longer waited for; the new owner is
    told (unless they handed it to themselves)."""
    link = f"/reviews/{review.id}"
    settle_others(link, keep_user_id=owner.id, kinds=("review_assigned",), outcome="handed over")
    if owner.id != actor.id:
        notify(
            [owner],
            kind="review_assigned",
            title=lazy(
                lambda: _(
                    "%(kind)s to run, due %(due)s: R-%(id)s",
                    kind=REVIEW_KINDS[review.kind],
                    due=local_datetime(review.due_date, "%d %b"),
                    id=review.id,
                )
            ),
            link=link,
        )


def _mark_reports_reviewed(review: Review, actor) -> None:
    """A completed review moves each report it covers to "reviewed", unless another review of that
    report is still open."""
    for report in review.reports:
        still_open = any(other.status != "completed" for other in report.reviews if other is not review)
        if not still_open:
            advance_status(
                report,
                ReportStatus.REVIEWED,
                actor=actor,
                event="review.complete",
                link={"review_id": review.id},
            )


def on_report_triaged(report: Report, *, actor, **_) -> None:
    """Subscriber to triage's ``report_triaged``: a report linked to a review before it was triaged
    goes "in review" now, or "reviewed" when every review of it is already completed (an incident
    handed off stays where triage put it). A review an earlier triage of the report opened, at a level
    this triage no longer decides, is withdrawn first when nobody has started it."""
    withdraw_superseded_reviews(report, actor=actor)
    if report.status == ReportStatus.TRIAGED.value and report.reviews:
        done = all(review.status == "completed" for review in report.reviews)
        advance_status(
            report,
            ReportStatus.REVIEWED if done else ReportStatus.IN_REVIEW,
            actor=actor,
            event="review.complete" if done else "review.link",
            link={"review_id": report.reviews[-1].id, "after_triage": True},
        )


def _join(review: Review, report: Report, actor) -> Review:
    """``report`` joins an open review of its theme or interface, and is being reviewed now. The
    review's version moves on, so a form read before the report joined cannot save it away."""
    review.reports.append(report)
    review.version += 1
    db.session.flush()
    advance_status(
        report, ReportStatus.IN_REVIEW, actor=actor, event="review.link", link={"review_id": review.id}
    )
    return review


def _open_review(
    report: Report, kind: str, title_parts: dict, *, owner: User, due: date, actor, because: str, now=None
):
    """A review of ``report`` opened for ``owner`` (by triage, or by an interface tag), audited; the
    report is being reviewed from then on. Its title is the app's (``title_parts``), so it reads in
    each reader's language."""
    review = Review(
        kind=kind,
        title=english_title(title_parts),
        title_parts=title_parts,
        created_by_id=(actor or owner).id,
        owner_id=owner.id,
        due_date=due,
        first_due_date=due,
    )
    if now is not None:
        review.created_at = now
    db.session.add(review)
    review.reports = [report]
    db.session.flush()
    record_event(
        "review.create",
        actor=actor,
        object_type="review",
        object_id=review.id,
        after={
            "kind": kind,
            "status": review.status,
            "report_ids": [report.id],
            "owner_id": owner.id,
            "due_date": str(due),
            "because": because,
        },
    )
    advance_status(
        report, ReportStatus.IN_REVIEW, actor=actor, event="review.link", link={"review_id": review.id}
    )
    return review


OWED_BY_TRIAGE = ("brief_structured_review", "barrier_review", "full_systems_review")
"""The review levels triage can decide that are a review to be done (and so owned and due)."""


def _owed_review_owner(report: Report, level: str, triager) -> User | None:
    """Who owns a review triage decided: the supervisor who triaged runs a brief one (a huddle); a
    quality lead who may read the report runs a barrier or full one, else the triager."""
    quality_leads = sorted(users_with_role(Role.QUALITY_LEAD), key=lambda u: u.id)
    ordered = [triager, *quality_leads] if level == "brief_structured_review" else [*quality_leads, triager]
    return next((person for person in ordered if can_own_review(person, [report])), None)


def _open_theme_review(report: Report) -> Review | None:
    """The open barrier review of the report's theme (its category in its region), whoever opened it
    (triage, or the quality lead from a cluster): a barrier review is of a cluster, so each new report
    of the theme joins it."""
    return db.session.scalar(
        select(Review)
        .join(review_reports, review_reports.c.review_id == Review.id)
        .join(Report, Report.id == review_reports.c.report_id)
        .where(
            Review.kind == "barrier_review",
            Review.status != "completed",
            Report.region_id == report.region_id,
            Report.category_id == report.category_id,
        )
        .order_by(Review.id)
        .limit(1)
    )


def open_owed_review(report: Report, *, actor, now: datetime | None = None) -> Review | None:
    """The review triage decided becomes a review with an owner and a due date (by its kind's
    setting), so it cannot be forgotten: a brief review per report, a barrier review per theme (a new
    report of the theme joins the open one), a full systems review per report; the report is being
    reviewed from then on. Nothing when triage decided no review, when the report already has a
    review of that kind, or when it was handed off as an incident (the incident process reviews it)."""
    level = report.triage.review_level if report.triage else None
    if level not in OWED_BY_TRIAGE or report.status == ReportStatus.HANDED_OFF.value:
        return None
    if any(review.kind == level for review in report.reviews):
        return None
    if level == "barrier_review":
        joined = _open_theme_review(report)
        if joined is not None and can_own_review(joined.owner, [*joined.reports, report]):
            return _join(joined, report, actor)
    owner = _owed_review_owner(report, level, actor)
    if owner is None:
        return None
    now = now or now_utc()
    due = default_due_date(level, now.astimezone(org_tz()).date())
    title = {
        "brief_structured_review": report_title(BRIEF, report.id),
        "barrier_review": theme_title(report.category.name, report.region.name),
        "full_systems_review": report_title(FULL, report.id),
    }[level]
    review = _open_review(report, level, title, owner=owner, due=due, actor=actor, because="triage", now=now)
    if owner.id != actor.id:
        notify(
            [owner],
            kind="review_assigned",
            title=lazy(
                lambda: _(
                    "%(kind)s to run, due %(due)s: report NM-%(id)s",
                    kind=REVIEW_KINDS[level],
                    due=local_datetime(due, "%d %b"),
                    id=report.id,
                )
            ),
            link=f"/reviews/{review.id}",
        )
    return review


def _opened_by_triage_and_still_with_its_owner(review: Review) -> bool:
    """Whether triage opened ``review`` (its audited creation says so) and nobody has handed it on. The
    latest creation event counts: SQLite may give a withdrawn review's id to a new one."""
    created = [event for event in events_for("review", review.id) if event.action == "review.create"]
    opened = json.loads(created[-1].after or "{}") if created else {}
    return opened.get("because") == "triage" and opened.get("owner_id") == review.owner_id


def _untouched(review: Review) -> bool:
    """Nobody has held, written or acted on the review yet: withdrawing it loses no one's work."""
    return (
        review.status == "open"
        and review.held_on is None
        and not any((review.findings, review.root_pattern, review.barriers_held, review.barriers_failed))
        and not review.participants
        and review.due_date == review.first_due_date
        and not review.pathway_steps
        and not review.actions
    )


def withdraw_superseded_reviews(report: Report, *, actor) -> list[int]:
    """A report triaged again at another review level (or handed off as an incident) no longer owes
    the review its earlier triage opened: that review is withdrawn (deleted, with an audit event that
    keeps what it was) when it is of this report alone, was opened by triage, and is untouched; its
    owner's "review to run" notification is settled as withdrawn. A review someone has started, or one
    shared with other reports (a theme's barrier review), stays: withdrawing it would lose work."""
    level = report.triage.review_level if report.triage else None
    if report.status == ReportStatus.HANDED_OFF.value:
        level = None
    withdrawn = []
    for review in list(report.reviews):
        if review.kind not in OWED_BY_TRIAGE or review.kind == level:
            continue
        if (
            len(review.reports) != 1
            or not _untouched(review)
            or not _opened_by_triage_and_still_with_its_owner(review)
        ):
            continue
        record_event(
            "review.withdraw",
            actor=actor,
            object_type="review",
            object_id=review.id,
            region_id=report.region_id,
            before={
                "kind": review.kind,
                "status": review.status,
                "report_ids": [report.id],
                "owner_id": review.owner_id,
                "due_date": str(review.due_date) if review.due_date else None,
            },
            after={"because": "re-triaged", "review_level": level},
        )
        settle(f"/reviews/{review.id}", kinds=("review_assigned",), outcome="withdrawn")
        withdrawn.append(review.id)
        db.session.delete(review)
    if withdrawn:
        db.session.flush()
        db.session.expire(report, ["reviews"])
    return withdrawn


def on_report_became_incident(report: Report, *, actor, **_) -> None:
    """Subscriber to incidents' ``report_became_incident``: the incident process reviews it now, so an
    untouched review its triage opened for a near miss is withdrawn."""
    withdraw_superseded_reviews(report, actor=actor)


def on_report_triaged_owed(report: Report, *, actor, now=None, **_) -> None:
    """Subscriber to triage's ``report_triaged``: the review triage decided is opened, owned and due."""
    open_owed_review(report, actor=actor, now=now)


PATHWAY_ROLES = (Role.OPERATIONS_LEAD, Role.SCHEDULER)
"""Who maps an interface failure's information pathway: the region's operations lead, else its scheduler."""


def pathway_owner(report: Report) -> User | None:
    """The region's first operations lead who may read the report, else its first scheduler."""
    for role in PATHWAY_ROLES:
        people = sorted(users_with_role(role, region_id=report.region_id), key=lambda u: u.id)
        for person in people:
            if sees_report_through_role(person, report):
                return person
    return None


def _open_map_of(report: Report, interface_type: str) -> Review | None:
    """The open pathway map of the same interface in the report's region, if there is one: a map is
    drawn once per interface (the handover between two teams), and each new failure of it joins."""
    return db.session.scalar(
        select(Review)
        .join(review_reports, review_reports.c.review_id == Review.id)
        .join(Report, Report.id == review_reports.c.report_id)
        .outerjoin(Triage, Triage.report_id == Report.id)
        .where(
            Review.kind == "pathway_map",
            Review.status != "completed",
            Report.region_id == report.region_id,
            or_(Report.interface_tag == interface_type, Triage.interface_type == interface_type),
        )
        .order_by(Review.id)
        .limit(1)
    )


def open_pathway_task(
    report: Report, *, because: str, interface_type: str, actor=None, today: date | None = None
) -> Review | None:
    """An interface failure becomes a task for the region's operations lead (or scheduler): an
    information-pathway map review they own, due by the kind's setting, told to every operations lead
    and scheduler of the region who may read the report. A failure of an interface whose map is still
    open joins that map instead. None when the region has nobody to own it (the report then waits for
    triage as any other)."""
    existing = next((r for r in report.reviews if r.kind == "pathway_map"), None)
    if existing is not None:
        return existing
    joined = _open_map_of(report, interface_type)
    if joined is not None and can_own_review(joined.owner, [*joined.reports, report]):
        return _join(joined, report, actor)
    owner = pathway_owner(report)
    if owner is None:
        return None
    due = default_due_date("pathway_map", today or org_today())
    review = _open_review(
        report,
        "pathway_map",
        report_title(PATHWAY, report.id),
        owner=owner,
        due=due,
        actor=actor,
        because=because,
    )
    told = [
        person
        for role in PATHWAY_ROLES
        for person in users_with_role(role, region_id=report.region_id)
        if sees_report_through_role(person, report)
    ]
    notify(
        told,
        kind="interface_task",
        title=_l(
            "Interface failure to map: report NM-%(id)s in %(region)s",
            id=report.id,
            region=report.region.name,
        ),
        link=f"/reviews/{review.id}",
    )
    return review


def on_report_submitted_interface(report: Report, **_) -> None:
    """Subscriber to reports' ``report_submitted``: a reporter's interface tag opens the pathway task."""
    if report.interface_tag:
        open_pathway_task(
            report,
            because="reporter",
            interface_type=report.interface_tag,
            today=report.received_at.astimezone(org_tz()).date(),
        )


def on_report_triaged_interface(report: Report, *, actor, now=None, **_) -> None:
    """Subscriber to triage's ``report_triaged``: an interface failure flagged at triage opens it too."""
    if report.triage is not None and report.triage.interface_flag:
        open_pathway_task(
            report,
            because="triage",
            interface_type=report.triage.interface_type,
            actor=actor,
            today=(now or now_utc()).astimezone(org_tz()).date(),
        )
