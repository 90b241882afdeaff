"""The triage queue: the reports a user may triage, riskiest and oldest first."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from app.core.clusters import Cell
from app.core.permissions import can_view_report, scope_to_viewer
from app.core.roles import Role
from app.core.settings import get_setting
from app.escalations.clocks import Clock, clock
from app.extensions import db
from app.reports.models import Report, ReportStatus
from app.taxonomy.models import Region
from app.taxonomy.queries import regions_by_name
from app.triage.matrix import Recurrence, Severity
from app.triage.models import Triage
from app.triage.recurrence import Occurrence, RecurrenceProposal

QUEUE_LIMIT = 200


@dataclass(frozen=True)
class QueueFilters:
    region_id: int | None = None
    category_id: int | None = None
    status: str = "new"


@dataclass(frozen=True)
class QueueItem:
    report: Report
    clock: Clock
    urgent: bool


def triage_regions(user) -> frozenset[int] | None:
    """Regions whose reports ``user`` triages (None: all)."""
    if Role.QUALITY_LEAD in user.roles:
        return None
    if Role.SUPERVISOR in user.roles:
        return user.region_ids
    return frozenset()


def region_choices(user) -> list[Region]:
    """The regions the queue's filter offers ``user``: those they triage, by name."""
    return regions_by_name(triage_regions(user))


def similar_reports(user, proposal: RecurrenceProposal) -> list[tuple[Report, list[str], bool]]:
    """The reports a recurrence proposal matched: each with what it shares with the report being
    triaged, and whether ``user`` may open it (a match is shown even when its page is not theirs)."""
    similar = [(db.session.get(Report, o.id), proposal.matched_on[o.id]) for o in proposal.similar]
    return [(report, [match_words(m) for m in on], can_view_report(user, report)) for report, on in similar]


WORDING = "similar wording ("


def match_words(match: str) -> str:
    """What a similar report shares (``app.triage.recurrence``'s English words) in the reader's
    language."""
    if match.startswith(WORDING) and match.endswith(")"):
        return _("similar wording (%(score)s)", score=match[len(WORDING) : -1])
    return {
        "same person": _("same person"),
        "same region": _("same region"),
        "same category": _("same category"),
        "same location": _("same location"),
        "same program": _("same program"),
    }.get(match, match)


OPEN_CLUSTER_STATUSES = ("new", "acknowledged")
"""A detected cluster still open (the dashboard's states; dismissed and reviewed ones are closed)."""


def recurrence_candidates(report: Report, look_back: timedelta) -> list[Occurrence]:
    """The reports that may be similar to ``report``: within ``look_back`` either side of when it
    happened, and of the same region or the same person reference (the rule in
    ``app.triage.recurrence`` needs one of them), so only these are embedded. Read as plain rows of
    the fields the rule compares (a few hundred per report: loading them as full reports cost more
    than the comparison)."""
    same_place = Report.region_id == report.region_id
    person = " ".join((report.person_ref or "").casefold().split())
    if person:
        same_place = or_(same_place, func.lower(func.trim(Report.person_ref)) == person)
    rows = db.session.execute(
        select(
            Report.id,
            Report.category_id,
            Report.region_id,
            Report.occurred_at,
            Report.location,
            Report.person_ref,
            Report.what_happened,
            Report.program_id,
        ).where(
            Report.id != report.id,
            Report.occurred_at >= report.occurred_at - look_back,
            Report.occurred_at <= report.occurred_at + look_back,
            same_place,
        )
    )
    return [Occurrence(*row) for row in rows]


def open_cluster_ids(report: Report) -> list[int]:
    """The open clusters the dashboard's cluster detector stored with ``report`` among their reports.

    Read through ``Report.clusters``, the relationship the dashboard's ``Cluster`` model puts on
    ``Report``: triage sits below the dashboard in the layers contract and may not import it, and
    the stored rows (not a second threshold here) decide whether a report is clustered.
    """
    clusters = getattr(report, "clusters", None) or []
    return sorted(c.id for c in clusters if c.status in OPEN_CLUSTER_STATUSES)


def theme_counts(end: datetime, baseline_weeks: int) -> tuple[dict[Cell, int], dict[Cell, int]] | None:
    """The cluster detector's family of cells around ``end``: the count of every region x category
    and region x interface type cell in the 7 days ending at ``end`` (inclusive), and in the
    ``baseline_weeks`` weeks before those days. None while the organisation has no report before the
    baseline's start: a baseline not yet covered by any reports is not a baseline of zero."""
    week_start = end - timedelta(days=7)
    first = week_start - timedelta(weeks=baseline_weeks)
    if db.session.scalar(select(Report.id).where(Report.occurred_at <= first).limit(1)) is None:
        return None
    in_week = case((Report.occurred_at > week_start, 1), else_=0).label("in_week")
    current: dict[Cell, int] = {}
    baseline: dict[Cell, int] = {}
    for dimension in (Report.category_id, Report.interface_tag):
        rows = db.session.execute(
            select(Report.region_id, dimension, in_week, func.count())
            .where(Report.occurred_at > first, Report.occurred_at <= end, dimension.is_not(None))
            .group_by(Report.region_id, dimension, in_week)
        )
        for region_id, value, is_current, count in rows:
            cell = Cell(region_id, value) if dimension is Report.category_id else Cell(region_id, None, value)
            (current if is_current else baseline)[cell] = count
    return current, baseline


def _risk_rank(report: Report) -> int:
    alert = report.stop_the_line
    if alert is not None and alert.safeguards_at is None:
        return 0
    if report.still_at_risk or report.safeguarding_restricted:
        return 1
    return 2


def triage_queue(user, filters: QueueFilters, now: datetime) -> list[QueueItem]:
    """Reports to triage, open stop-the-line first, then safeguarding, then oldest first."""
    regions = triage_regions(user)
    statement = select(Report).options(
        selectinload(Report.category),
        selectinload(Report.region),
        selectinload(Report.triage),
        selectinload(Report.stop_the_line),
    )
    statement = scope_to_viewer(statement, Report, user)
    if regions is not None:
        statement = statement.where(Report.region_id.in_(regions))
    if filters.region_id:
        statement = statement.where(Report.region_id == filters.region_id)
    if filters.category_id:
        statement = statement.where(Report.category_id == filters.category_id)
    if filters.status == "new":
        statement = statement.where(Report.status == ReportStatus.NEW.value)
    elif filters.status != "all":
        statement = statement.where(Report.status == filters.status)
    # The untriaged queue shows the oldest first; other views the most recent.
    newest_first = filters.status != "new"
    ordered = statement.order_by(Report.received_at.desc() if newest_first else Report.received_at).limit(
        QUEUE_LIMIT
    )
    reports = list(db.session.scalars(ordered))
    target = timedelta(hours=get_setting("triage_target_hours"))
    items = []
    for report in reports:
        triaged_at = report.triage.triaged_at if report.triage else None
        items.append(
            QueueItem(
                report,
                clock(_("Triage"), report.received_at, report.received_at + target, triaged_at, now),
                _risk_rank(report) < 2,
            )
        )
    if not newest_first:
        items.sort(key=lambda item: (_risk_rank(item.report), item.report.received_at))
    return items


def interface_type_counted(*, triage_joined: bool = False):
    """SQL: the interface type a report counts under in trends, clusters and measures. Once
    triaged, the triager's judgement (none when they found no interface failure); before, the
    reporter's tag.

    By default correlated subqueries on an alias of ``triages`` (no parameters, so the expression
    can be selected and grouped by alike, and no join to add); ``triage_joined`` when the statement
    already outer-joins ``Triage`` to ``Report``: its columns then answer."""
    if triage_joined:
        return case((Triage.id.is_not(None), Triage.interface_type), else_=Report.interface_tag)
    triage = aliased(Triage)
    judged = select(triage.interface_type).where(triage.report_id == Report.id)
    return case((judged.exists(), judged.scalar_subquery()), else_=Report.interface_tag)


@dataclass(frozen=True)
class Downgrade:
    """A triage that gave a high potential or clustered report less than the floor's review."""

    report_id: int
    triaged_at: datetime
    region_id: int
    region_name: str
    from_level: str
    to_level: str
    reason: str


def downgrades_between(start: datetime, end: datetime, region_ids: frozenset[int] | None) -> list[Downgrade]:
    """The downgrades of triages recorded in ``[start, end)`` in ``region_ids`` (None: all), oldest
    first: what the dashboard and the oversight pack list."""
    statement = (
        select(
            Triage.report_id,
            Triage.triaged_at,
            Report.region_id,
            Region.name,
            Triage.downgrade_from,
            Triage.downgrade_to,
            Triage.downgrade_reason,
        )
        .join(Report, Report.id == Triage.report_id)
        .join(Region, Region.id == Report.region_id)
        .where(Triage.downgrade_reason.is_not(None), Triage.triaged_at >= start, Triage.triaged_at < end)
        .order_by(Triage.triaged_at, Triage.report_id)
    )
    if region_ids is not None:
        statement = statement.where(Report.region_id.in_(region_ids))
    return [Downgrade(*row) for row in db.session.execute(statement)]


def floor_triages_count(start: datetime, end: datetime, region_ids: frozenset[int] | None) -> int:
    """How many triages recorded in ``[start, end)`` had the floor's minimum (high potential, or
    chosen or proposed cluster): the downgrades' denominator."""
    cluster = Recurrence.CLUSTER.value
    statement = (
        select(func.count(Triage.id))
        .join(Report, Report.id == Triage.report_id)
        .where(
            Triage.triaged_at >= start,
            Triage.triaged_at < end,
            or_(
                Triage.severity == Severity.HIGH.value,
                Triage.recurrence == cluster,
                Triage.recurrence_proposed == cluster,
            ),
        )
    )
    if region_ids is not None:
        statement = statement.where(Report.region_id.in_(region_ids))
    return db.session.scalar(statement) or 0
