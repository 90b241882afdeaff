"""What waits for one person, gathered from the features that hold the work, most urgent first.

Each item carries a clock (``app.escalations.clocks.Clock``): when the thing started, when it is due,
and its state now. A date-only due date (reviews, actions) runs to the end of that day in the
organisation's time zone. Every source applies its own visibility rules: nothing here widens them.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import or_, select, true
from sqlalchemy.orm import selectinload

from app.actions.models import Action
from app.core.i18n import DEFAULT_LANGUAGE, N_, current_language
from app.core.permissions import can_view_report, sees_report_through_role
from app.core.roles import Role
from app.core.settings import get_setting
from app.dashboard.queries import clusters_awaiting_review
from app.escalations.clocks import Clock, ClockState, clock
from app.escalations.deadlines import safeguarding_due_at
from app.escalations.models import ExternalDuty, NurseReview, SafeguardingCase, StopTheLineAlert
from app.escalations.nurse_reviews import can_take
from app.escalations.operations import can_handle_alert
from app.extensions import db
from app.reports.models import Report
from app.reviews.models import Review
from app.taxonomy.vocabulary import interface_label
from app.triage.queries import QueueFilters, triage_queue

SHOWN_PER_KIND = 25


@dataclass(frozen=True)
class WorkItem:
    kind: str  # the heading it is listed under
    title: str  # no health information: numbers, regions, kinds
    link: str
    clock: Clock

    @property
    def urgency(self) -> tuple:
        """Breached first (longest overdue first), then running by time left."""
        return (self.clock.state != ClockState.BREACHED, self.clock.due_at)


def _day(day: date) -> str:
    """A day as the work list writes it: 30 Nov 2026 (in the person's language)."""
    return f"{day:%d %b %Y}" if current_language() == DEFAULT_LANGUAGE else format_date(day, "dd MMM y")


def _end_of(day: date, tz: ZoneInfo) -> datetime:
    """Due "by" a day: until the start of the next, in the organisation's time zone."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)


ALERTS = N_("Stop-the-line alerts to acknowledge")


def _alerts(user, now: datetime) -> list[WorkItem]:
    target = timedelta(minutes=get_setting("stop_the_line_ack_minutes"))
    alerts = db.session.scalars(
        select(StopTheLineAlert)
        .options(selectinload(StopTheLineAlert.report))
        .where(StopTheLineAlert.acknowledged_at.is_(None))
    )
    return [
        WorkItem(
            _(ALERTS),
            _(
                "NM-%(id)s in %(region)s: someone may still be at risk",
                id=alert.report_id,
                region=alert.report.region.name,
            ),
            f"/alerts/{alert.id}",
            clock(_("Acknowledge"), alert.raised_at, alert.raised_at + target, None, now),
        )
        for alert in alerts
        if can_handle_alert(user, alert)
    ]


def _nurse_reviews(user, now: datetime) -> list[WorkItem]:
    """For a nurse: the reviews they took, and those of their regions nobody has taken yet."""
    if Role.NURSE not in user.roles:
        return []
    open_reviews = db.session.scalars(
        select(NurseReview).where(
            NurseReview.outcome.is_(None),
            or_(NurseReview.owner_id == user.id, NurseReview.owner_id.is_(None)),
            NurseReview.region_id.in_(tuple(user.region_ids) or (-1,)),
        )
    )
    return [
        WorkItem(
            _("Nurse reviews"),
            _("NM-%(id)s in %(region)s", id=review.report_id, region=review.report.region.name)
            + ("" if review.owner_id else _(": not taken yet")),
            f"/nurse-reviews/{review.id}",
            clock(_("Nurse review"), review.requested_at, review.due_at, None, now),
        )
        for review in open_reviews
        if can_take(user, review)
    ]


def _triage(user, now: datetime) -> list[WorkItem]:
    if not (user.roles & {Role.SUPERVISOR, Role.QUALITY_LEAD}):
        return []
    queue = triage_queue(user, QueueFilters(status="new"), now)
    return [
        WorkItem(
            _("Reports to triage"),
            f"NM-{item.report.id} · {item.report.category.label} · {item.report.region.name}",
            f"/triage/{item.report.id}",
            item.clock,
        )
        for item in queue
    ]


def _reviews(user, now: datetime, tz: ZoneInfo) -> list[WorkItem]:
    reviews = db.session.scalars(
        select(Review).where(
            Review.owner_id == user.id, Review.status != "completed", Review.due_date.is_not(None)
        )
    )
    return [
        WorkItem(
            _("Reviews you own"),
            f"R-{review.id} · {review.shown_title}",
            f"/reviews/{review.id}",
            clock(
                _("Review due"),
                review.created_at,
                _end_of(review.due_date, tz),
                None,
                now,
            ),
        )
        for review in reviews
    ]


def _interface_failures(user, now: datetime, tz: ZoneInfo) -> list[WorkItem]:
    """For operations leads and schedulers: the open pathway maps of their regions that someone else
    owns (their own are under "Reviews you own"), since either may be the one who knows the handover."""
    if not user.roles & {Role.OPERATIONS_LEAD, Role.SCHEDULER}:
        return []
    reviews = db.session.scalars(
        select(Review)
        .options(selectinload(Review.reports), selectinload(Review.owner))
        .where(
            Review.kind == "pathway_map",
            Review.status != "completed",
            or_(Review.owner_id.is_(None), Review.owner_id != user.id),
            Review.reports.any(Report.region_id.in_(tuple(user.region_ids) or (-1,))),
        )
    )
    return [
        WorkItem(
            _("Interface failures in your regions"),
            f"R-{review.id} · {review.shown_title}"
            + (" · " + _("%(name)s has it", name=review.owner.name) if review.owner else ""),
            f"/reviews/{review.id}",
            clock(_("Map"), review.created_at, _end_of(review.due_date, tz), None, now),
        )
        for review in reviews
        if review.due_date is not None and all(sees_report_through_role(user, r) for r in review.reports)
    ]


def _safeguarding(user, now: datetime) -> list[WorkItem]:
    if Role.SAFEGUARDING_LEAD not in user.roles:
        return []
    cases = db.session.scalars(
        select(SafeguardingCase)
        .options(selectinload(SafeguardingCase.report).selectinload(Report.region))
        .where(SafeguardingCase.decided_at.is_(None))
    )
    return [
        WorkItem(
            _("Safeguarding decisions"),
            _("NM-%(id)s in %(region)s", id=case.report_id, region=case.report.region.name),
            f"/safeguarding/{case.id}",
            clock(_("Decide"), case.routed_at, safeguarding_due_at(case), None, now),
        )
        for case in cases
    ]


def _duties(user, now: datetime) -> list[WorkItem]:
    """Open external reports the person answers for (see ``duty_owners``): they identified it, or
    they are a safeguarding lead, or a supervisor of its region; read in one query, not one per duty."""
    answerable = ExternalDuty.identified_by_id == user.id
    if Role.SAFEGUARDING_LEAD in user.roles:
        answerable = true()
    elif Role.SUPERVISOR in user.roles and user.region_ids:
        answerable = or_(answerable, Report.region_id.in_(tuple(user.region_ids)))
    duties = db.session.scalars(
        select(ExternalDuty)
        .join(Report, Report.id == ExternalDuty.report_id)
        .options(selectinload(ExternalDuty.report))
        .where(ExternalDuty.done_at.is_(None), answerable)
    )
    return [
        WorkItem(
            _("External reports due"),
            _("NM-%(id)s: report to %(body)s", id=duty.report_id, body=duty.body.label),
            f"/reports/{duty.report_id}#duty-{duty.id}",
            clock(_("Report"), duty.identified_at, duty.due_at, None, now),
        )
        for duty in duties
        if sees_report_through_role(user, duty.report)
    ]


def _actions(user, now: datetime, tz: ZoneInfo) -> list[WorkItem]:
    """Open actions the person owns; for the quality lead also the ended tests waiting for a verdict."""
    items = [
        WorkItem(
            _("Actions you own"),
            f"A-{action.id} · {action.title}",
            f"/actions/{action.id}",
            clock(_("Put in place"), action.created_at, _end_of(action.due_date, tz), None, now),
        )
        for action in db.session.scalars(
            select(Action).where(Action.owner_id == user.id, Action.status == "open")
        )
    ]
    if Role.QUALITY_LEAD in user.roles:
        today = now.astimezone(tz).date()
        waiting = db.session.scalars(select(Action).where(Action.status == "done", Action.window_end < today))
        items += [
            WorkItem(
                _("Actions to verify"),
                _(
                    "A-%(id)s · %(title)s: its test window ended %(day)s",
                    id=action.id,
                    title=action.title,
                    day=_day(action.window_end),
                ),
                f"/actions/{action.id}",
                clock(
                    _("Verify"),
                    _end_of(action.window_end, tz),
                    _end_of(action.window_end + timedelta(days=7), tz),
                    None,
                    now,
                ),
            )
            for action in waiting
        ]
    return items


def _theme(cluster) -> str:
    """What the cluster is of: its category, else the interface that failed, else its person."""
    if cluster.category:
        return cluster.category.label
    if cluster.interface_type:
        return _("%(kind)s (interface)", kind=interface_label(cluster.interface_type))
    return _("Reports about one person")


def _clusters(user, now: datetime) -> list[WorkItem]:
    if Role.QUALITY_LEAD not in user.roles:
        return []
    waiting = clusters_awaiting_review()
    return [
        WorkItem(
            _("Clusters awaiting review"),
            _(
                "%(theme)s in %(region)s: %(count)s reports, week of %(week)s",
                theme=_theme(cluster),
                region=cluster.region.name,
                count=len(cluster.reports),
                week=_day(cluster.week_start),
            )
            if cluster.region
            else _(
                "%(theme)s: %(count)s reports, week of %(week)s",
                theme=_theme(cluster),
                count=len(cluster.reports),
                week=_day(cluster.week_start),
            ),
            f"/dashboard/clusters#cluster-{cluster.id}",
            clock(_("Decide"), cluster.detected_at, cluster.detected_at + timedelta(days=7), None, now),
        )
        for cluster in waiting
        if all(can_view_report(user, r) for r in cluster.reports)
    ]


def work_for(user, now: datetime, tz: ZoneInfo) -> dict[str, list[WorkItem]]:
    """The person's work by kind, each kind most urgent first and at most ``SHOWN_PER_KIND`` long;
    unacknowledged stop-the-line alerts first, then the kinds in order of their most urgent item."""
    items = [
        *_alerts(user, now),
        *_nurse_reviews(user, now),
        *_safeguarding(user, now),
        *_duties(user, now),
        *_triage(user, now),
        *_reviews(user, now, tz),
        *_interface_failures(user, now, tz),
        *_clusters(user, now),
        *_actions(user, now, tz),
    ]
    grouped: dict[str, list[WorkItem]] = {}
    for item in sorted(items, key=lambda i: i.urgency):
        grouped.setdefault(item.kind, []).append(item)
    alerts = _(ALERTS)
    if alerts in grouped:  # someone may still be at risk: nothing comes before that
        grouped = {alerts: grouped.pop(alerts), **grouped}
    return {kind: WorkList.shown(found) for kind, found in grouped.items()}


class WorkList(list):
    """The most urgent ``SHOWN_PER_KIND`` items of one kind, knowing how many there are in all and how
    many of them are overdue (shown or not)."""

    total: int = 0
    overdue: int = 0

    @classmethod
    def shown(cls, found: list[WorkItem]) -> "WorkList":
        shown = cls(found[:SHOWN_PER_KIND])
        shown.total = len(found)
        shown.overdue = sum(item.clock.state == ClockState.BREACHED for item in found)
        return shown
