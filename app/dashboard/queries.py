"""Aggregates for the dashboard, computed in SQL (never by loading reports one by one).

Weeks start on Monday in the organisation's time zone; ``app.core.dates.week_bucket`` puts each
timestamp in its week, exactly on both databases.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, literal, or_, select, tuple_
from sqlalchemy.dialects.postgresql import array as pg_array
from sqlalchemy.orm import selectinload

from app.actions.models import Action
from app.core.dates import monday, month_bucket, week_bucket
from app.core.models import UTCDateTime
from app.core.settings import get_setting
from app.dashboard.models import Cluster, Exposure
from app.escalations.models import ExternalDuty, NurseReview, SafeguardingCase, StopTheLineAlert
from app.extensions import db
from app.reports.models import Report
from app.reviews.models import Review, review_reports
from app.taxonomy.models import Program, Region
from app.taxonomy.queries import regions_by_name
from app.triage import similarity
from app.triage.models import Triage
from app.triage.queries import interface_type_counted

NON_ANSWERS = ("", "-", "n/a", "na", "none", "nothing", "luck", "don't know", "dont know", "unknown")


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def local_rule_parameters() -> tuple[int, int]:
    """The cluster detector's local rule: ``size`` or more reports within ``days`` (the settings
    ``recurrence_cluster_days``, 28, and ``recurrence_cluster_size``, 3)."""
    return int(get_setting("recurrence_cluster_days")), int(get_setting("recurrence_cluster_size"))


@dataclass(frozen=True)
class RecurrenceMethod:
    """The figures the method notes quote: what "similar" and "cluster" mean, as set now."""

    look_back_days: int
    wording_threshold: float
    baseline_weeks: int
    fdr_percent: float
    local_rule_days: int
    local_rule_size: int


def recurrence_method() -> RecurrenceMethod:
    days, size = local_rule_parameters()
    return RecurrenceMethod(
        int(get_setting("recurrence_repeat_days")),
        similarity.THRESHOLD,
        int(get_setting("cluster_baseline_weeks")),
        get_setting("cluster_fdr_percent"),
        days,
        size,
    )


MAX_WEEKS = 160
"""The longest period a dashboard or a pack covers (about three years of weeks)."""


@dataclass(frozen=True)
class Scope:
    """What the dashboard looks at: whole weeks from ``first_week`` to ``last_week`` (Mondays)."""

    first_week: date
    last_week: date
    region_ids: frozenset[int] | None  # None: every region
    program_id: int | None = None
    category_id: int | None = None
    interface_type: str | None = None

    @property
    def weeks(self) -> list[date]:
        count = (self.last_week - self.first_week).days // 7 + 1
        return [self.first_week + timedelta(weeks=i) for i in range(count)]

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        start = datetime.combine(self.first_week, time(), tzinfo=tz)
        end = datetime.combine(self.last_week + timedelta(days=7), time(), tzinfo=tz)
        return start, end


def _filtered(statement, scope: Scope, tz: ZoneInfo, column=Report.occurred_at):
    start, end = scope.bounds(tz)
    statement = statement.where(column >= start, column < end)
    if scope.region_ids is not None:
        statement = statement.where(Report.region_id.in_(scope.region_ids))
    if scope.program_id:
        statement = statement.where(Report.program_id == scope.program_id)
    if scope.category_id:
        statement = statement.where(Report.category_id == scope.category_id)
    if scope.interface_type:
        statement = statement.where(interface_type_counted() == scope.interface_type)
    return statement


def weekly_counts(scope: Scope, tz: ZoneInfo) -> list[int]:
    """Reports per week (by when they occurred), one number per week of the scope, zeros included."""
    week = week_bucket(Report.occurred_at, tz, scope.first_week, scope.last_week).label("week")
    rows = db.session.execute(_filtered(select(week, func.count()).group_by(week), scope, tz))
    counts = {_as_date(w): n for w, n in rows}
    return [counts.get(w, 0) for w in scope.weeks]


def weekly_counts_by(scope: Scope, tz: ZoneInfo, column) -> dict:
    """``{key: [count per week]}`` for one dimension (region, category, ...)."""
    week = week_bucket(Report.occurred_at, tz, scope.first_week, scope.last_week).label("week")
    statement = _filtered(select(column, week, func.count()).group_by(column, week), scope, tz)
    series: dict = {}
    index = {w: i for i, w in enumerate(scope.weeks)}
    for key, w, n in db.session.execute(statement):
        position = index.get(_as_date(w))
        if position is not None:
            series.setdefault(key, [0] * len(scope.weeks))[position] = n
    return series


def breakdown(scope: Scope, tz: ZoneInfo, column) -> list[tuple]:
    """Total reports per value of ``column`` over the scope, largest first."""
    statement = _filtered(select(column, func.count().label("n")).group_by(column), scope, tz)
    return sorted(db.session.execute(statement).all(), key=lambda row: (-row[1], str(row[0])))


def weekly_visits_by_region(scope: Scope) -> dict[int, list[float | None]]:
    """``{region_id: [visits per week]}`` over the scope's regions, None where a region-week has no
    visit figure. Kept per region so a region without a figure can be left out of a week's rate
    (its reports and its visits both), never summed into a rate over missing visits."""
    statement = select(Exposure.region_id, Exposure.week_start, Exposure.visits).where(
        Exposure.week_start >= scope.first_week, Exposure.week_start <= scope.last_week
    )
    if scope.region_ids is not None:
        statement = statement.where(Exposure.region_id.in_(scope.region_ids))
    index = {w: i for i, w in enumerate(scope.weeks)}
    series: dict[int, list[float | None]] = {}
    for region_id, week, visits in db.session.execute(statement):
        position = index.get(_as_date(week))
        if position is not None:
            series.setdefault(region_id, [None] * len(scope.weeks))[position] = visits
    return series


@dataclass(frozen=True)
class WeeklyShare:
    label: str
    met: list[int]
    total: list[int]

    @property
    def shares(self) -> list[float | None]:
        return [m / t * 100 if t else None for m, t in zip(self.met, self.total, strict=True)]

    @property
    def overall(self) -> float | None:
        total = sum(self.total)
        return sum(self.met) / total * 100 if total else None


def _weekly_share(label, scope, tz, statement_for) -> WeeklyShare:
    met, total = [0] * len(scope.weeks), [0] * len(scope.weeks)
    index = {w: i for i, w in enumerate(scope.weeks)}
    for w, ok, n in db.session.execute(statement_for()):
        position = index.get(_as_date(w))
        if position is not None:
            met[position] += int(ok or 0)
            total[position] += int(n or 0)
    return WeeklyShare(label, met, total)


def _within(done, started, target: timedelta):
    """SQL: ``done`` happened no later than ``target`` after ``started``."""
    if _is_postgres():
        return done <= started + literal(target)
    return func.julianday(done) - func.julianday(started) <= target.total_seconds() / 86400


def triage_timeliness(scope: Scope, tz: ZoneInfo, target: timedelta, now: datetime) -> WeeklyShare:
    """INCID-1 style: of each week's reports (by when the near miss occurred), the share triaged
    within the target (counted from arrival).

    A report still inside its target counts once it is triaged or once its time has run out.
    """
    week = week_bucket(Report.occurred_at, tz, scope.first_week, scope.last_week).label("week")

    def statement():
        met = func.sum(case((_within(Triage.triaged_at, Report.received_at, target), 1), else_=0))
        counted = func.sum(case((Triage.id.is_not(None), 1), (Report.received_at < now - target, 1), else_=0))
        base = select(week, met, counted).select_from(Report).outerjoin(Triage, Triage.report_id == Report.id)
        return _filtered(base.group_by(week), scope, tz)

    return _weekly_share(_("Triaged within target"), scope, tz, statement)


def safeguarding_timeliness(scope: Scope, tz: ZoneInfo, target: timedelta, now: datetime) -> WeeklyShare:
    """Of the safeguarding cases routed each week, the share decided within the target."""
    week = week_bucket(SafeguardingCase.routed_at, tz, scope.first_week, scope.last_week).label("week")

    def statement():
        case_row = SafeguardingCase
        met = func.sum(case((_within(case_row.decided_at, case_row.routed_at, target), 1), else_=0))
        counted = func.sum(
            case((case_row.decided_at.is_not(None), 1), (case_row.routed_at < now - target, 1), else_=0)
        )
        base = select(week, met, counted).select_from(case_row).join(Report, Report.id == case_row.report_id)
        return _filtered(base.group_by(week), scope, tz, column=case_row.routed_at)

    return _weekly_share(_("Safeguarding decided within target"), scope, tz, statement)


def alert_timeliness(
    scope: Scope, tz: ZoneInfo, now: datetime, *, acknowledge: timedelta, safeguards: timedelta
) -> tuple[WeeklyShare, WeeklyShare]:
    """Of the stop-the-line alerts raised each week: the share acknowledged within ``acknowledge``,
    and the share whose safeguards were confirmed within ``safeguards`` (both from when it was
    raised). An alert still inside its target counts once done or once its time has run out."""
    week = week_bucket(StopTheLineAlert.raised_at, tz, scope.first_week, scope.last_week).label("week")
    alert = StopTheLineAlert

    def share(done, target):
        def statement():
            met = func.sum(case((_within(done, alert.raised_at, target), 1), else_=0))
            counted = func.sum(case((done.is_not(None), 1), (alert.raised_at < now - target, 1), else_=0))
            base = select(week, met, counted).select_from(alert).join(Report, Report.id == alert.report_id)
            return _filtered(base.group_by(week), scope, tz, column=alert.raised_at)

        return statement

    return (
        _weekly_share(
            _("Stop-the-line acknowledged within target"),
            scope,
            tz,
            share(alert.acknowledged_at, acknowledge),
        ),
        _weekly_share(
            _("Safeguards confirmed within target"), scope, tz, share(alert.safeguards_at, safeguards)
        ),
    )


def nurse_review_timeliness(scope: Scope, tz: ZoneInfo, now: datetime) -> WeeklyShare:
    """Of the nurse reviews requested each week, the share with an outcome by their due time (one still
    open counts once its time has passed)."""
    week = week_bucket(NurseReview.requested_at, tz, scope.first_week, scope.last_week).label("week")
    review = NurseReview

    def statement():
        seen = func.coalesce(review.seen_at, review.outcome_at)
        met = func.sum(case((and_(review.outcome_at.is_not(None), seen <= review.due_at), 1), else_=0))
        counted = func.sum(case((review.outcome_at.is_not(None), 1), (review.due_at < now, 1), else_=0))
        base = select(week, met, counted).select_from(review).join(Report, Report.id == review.report_id)
        return _filtered(base.group_by(week), scope, tz, column=review.requested_at)

    return _weekly_share(_("Nurse reviews done the same day"), scope, tz, statement)


def duty_timeliness(scope: Scope, tz: ZoneInfo, now: datetime) -> WeeklyShare:
    """Of the external reports due each week, the share made by their due time (one still open counts
    once its time has passed)."""
    week = week_bucket(ExternalDuty.due_at, tz, scope.first_week, scope.last_week).label("week")
    duty = ExternalDuty

    def statement():
        met = func.sum(case((and_(duty.done_at.is_not(None), duty.done_at <= duty.due_at), 1), else_=0))
        counted = func.sum(case((duty.done_at.is_not(None), 1), (duty.due_at < now, 1), else_=0))
        base = select(week, met, counted).select_from(duty).join(Report, Report.id == duty.report_id)
        return _filtered(base.group_by(week), scope, tz, column=duty.due_at)

    return _weekly_share(_("External reports made on time"), scope, tz, statement)


def action_timeliness(scope: Scope, tz: ZoneInfo, today: date) -> WeeklyShare:
    """INCID-3 style: of the actions due each week, how many were in place by their due date (the
    first one given: moving the date does not excuse lateness). One not yet due and not yet in place
    is not counted: it has not missed anything."""
    met, total = [0] * len(scope.weeks), [0] * len(scope.weeks)
    index = {w: i for i, w in enumerate(scope.weeks)}
    due_date = func.coalesce(Action.first_due_date, Action.due_date)
    rows = db.session.execute(
        select(due_date, Action.completed_at).where(
            due_date >= scope.first_week, due_date < scope.last_week + timedelta(days=7)
        )
    )
    for due, completed in rows:
        position = index.get(monday(due))
        if position is None:
            continue
        if completed is None and due >= today:
            continue
        total[position] += 1
        if completed is not None and completed.astimezone(tz).date() <= due:
            met[position] += 1
    return WeeklyShare(_("Actions in place by their due date"), met, total)


def review_timeliness(scope: Scope, tz: ZoneInfo, today: date) -> WeeklyShare:
    """INCID-2 style: of the reviews due each week (by their first due date: moving the date does not
    excuse lateness), how many were completed by it. One still open counts once its date has passed.
    A region-scoped viewer counts the reviews that cover a report of their regions."""
    met, total = [0] * len(scope.weeks), [0] * len(scope.weeks)
    index = {w: i for i, w in enumerate(scope.weeks)}
    statement = select(Review.id, Review.first_due_date, Review.completed_at).where(
        Review.first_due_date >= scope.first_week, Review.first_due_date < scope.last_week + timedelta(days=7)
    )
    if scope.region_ids is not None:
        in_scope = (
            select(review_reports.c.review_id)
            .join(Report, Report.id == review_reports.c.report_id)
            .where(Report.region_id.in_(scope.region_ids))
        )
        statement = statement.where(Review.id.in_(in_scope))
    for _id, due, completed in db.session.execute(statement):
        position = index.get(monday(due))
        finished = completed.astimezone(tz).date() if completed is not None else None
        if position is None or (finished is None and due >= today):
            continue
        total[position] += 1
        if finished is not None and finished <= due:
            met[position] += 1
    return WeeklyShare(_("Reviews completed by their due date"), met, total)


def barrier_share(scope: Scope, tz: ZoneInfo) -> float | None:
    """Share of reports that name what caught the near miss (not "luck" or "nothing")."""
    named = func.sum(case((func.lower(func.trim(Report.barrier)).in_(NON_ANSWERS), 0), else_=1))
    total, with_barrier = db.session.execute(_filtered(select(func.count(), named), scope, tz)).one()
    return (with_barrier or 0) / total * 100 if total else None


def verified_share(today: date) -> tuple[int, int]:
    """(verified, ended): of the actions whose test window has ended, how many have a verdict."""
    ended = db.session.scalar(select(func.count(Action.id)).where(Action.window_end < today)) or 0
    verified = (
        db.session.scalar(
            select(func.count(Action.id)).where(
                Action.window_end < today, Action.status.in_(("effective", "not_effective"))
            )
        )
        or 0
    )
    return verified, ended


def clusters_awaiting_review() -> list[Cluster]:
    """Every new cluster nobody has opened a review of yet, oldest first (they have waited longest):
    filtered in SQL, with no limit, so an organisation with many clusters loses none from the list."""
    return list(
        db.session.scalars(
            select(Cluster)
            .options(
                selectinload(Cluster.reports), selectinload(Cluster.region), selectinload(Cluster.category)
            )
            .where(Cluster.status == "new", Cluster.review_id.is_(None))
            .order_by(Cluster.detected_at, Cluster.id)
        )
    )


def open_clusters(region_ids: frozenset[int] | None, limit: int = 50) -> list[Cluster]:
    """The newest open clusters the viewer may see. A scoped viewer gets only their regions' clusters
    (a person's cluster has no region, so it is organisation-wide only); the region filter runs in SQL
    before the limit, so other regions' newer clusters never crowd theirs out."""
    statement = (
        select(Cluster)
        .options(
            selectinload(Cluster.reports),
            selectinload(Cluster.actions),
            selectinload(Cluster.region),
            selectinload(Cluster.category),
        )
        .where(Cluster.status.in_(("new", "acknowledged")))
        .order_by(Cluster.week_start.desc(), Cluster.id.desc())
        .limit(limit)
    )
    if region_ids is not None:
        statement = statement.where(Cluster.region_id.in_(region_ids))
    return list(db.session.scalars(statement))


def _is_postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


@dataclass
class PeriodSummary:
    """Everything the dashboard counts from reports over a scope, from as few scans as possible."""

    weekly: list[int]
    weekly_by_region: dict[int, list[int]]
    by_region: list[tuple]
    by_category: list[tuple]
    by_program: list[tuple]
    by_interface: list[tuple]
    barrier_share: float | None
    triage: "WeeklyShare | None" = None


def _ranked(counter: dict) -> list[tuple]:
    return sorted(counter.items(), key=lambda item: (-item[1], str(item[0])))


def period_summary(
    scope: Scope, tz: ZoneInfo, *, triage_target: timedelta, now: datetime, breakdowns: bool = True
) -> PeriodSummary:
    """Weekly counts (all and per region), the barrier share, triage timeliness and, with
    ``breakdowns``, the totals per region, category, program and interface type (without, those four
    are empty: the weekly review does not show them). On PostgreSQL one scan answers them all (the
    dashboard stays fast on millions of reports); SQLite runs one query each."""
    if not _is_postgres():
        by_region_week = weekly_counts_by(scope, tz, Report.region_id)
        return PeriodSummary(
            weekly_counts(scope, tz),
            by_region_week,
            breakdown(scope, tz, Report.region_id) if breakdowns else [],
            breakdown(scope, tz, Report.category_id) if breakdowns else [],
            breakdown(scope, tz, Report.program_id) if breakdowns else [],
            breakdown(scope, tz, interface_type_counted()) if breakdowns else [],
            barrier_share(scope, tz),
            triage_timeliness(scope, tz, triage_target, now),
        )
    # Two steps in one statement: the period's reports (with their triage, if any) are first counted
    # per week, region, category, program and interface type, a few thousand groups, with one hash
    # table; GROUPING SETS then add those groups up per week, per week and region, per dimension and
    # in all. Grouping sets straight over the reports sorted and spilled every row to disk.
    # Each report's week by where it falls among the weeks' first instants (local Monday midnight, as
    # ``Scope.bounds``): 1 for the first week, 2 for the second... Exact as ``week_bucket``, without
    # turning every report's time into local time.
    starts = [datetime.combine(w, time(), tzinfo=tz) for w in scope.weeks] + [scope.bounds(tz)[1]]
    week = func.width_bucket(Report.occurred_at, pg_array([literal(t, UTCDateTime()) for t in starts]))
    week = week.label("week")
    named = func.sum(case((func.lower(func.trim(Report.barrier)).in_(NON_ANSWERS), 0), else_=1))
    # Triage timeliness rides along: by the week the near miss occurred, counted once triaged or
    # once its time has run out.
    on_time = func.sum(case((_within(Triage.triaged_at, Report.received_at, triage_target), 1), else_=0))
    counted = func.sum(
        case((Triage.id.is_not(None), 1), (Report.received_at < now - triage_target, 1), else_=0)
    )
    keys = [week, Report.region_id.label("region_id")]
    if breakdowns:
        keys += [
            Report.category_id.label("category_id"),
            Report.program_id.label("program_id"),
            interface_type_counted(triage_joined=True).label("interface_type"),
        ]
    groups = _filtered(
        select(
            *keys, func.count().label("n"), named.label("named"), on_time.label("ok"), counted.label("due")
        )
        .select_from(Report)
        .outerjoin(Triage, Triage.report_id == Report.id)
        .group_by(*keys),
        scope,
        tz,
    ).subquery("groups")
    g = groups.c
    sets = [tuple_(g.week), tuple_(g.week, g.region_id), tuple_()]
    dims = [g.week, g.region_id]
    if breakdowns:
        sets[2:2] = [tuple_(g.category_id), tuple_(g.program_id), tuple_(g.interface_type)]
        dims += [g.category_id, g.program_id, g.interface_type]
    flags = func.grouping(*dims)
    statement = select(
        *dims, flags, func.sum(g.n), func.sum(g.named), func.sum(g.ok), func.sum(g.due)
    ).group_by(func.grouping_sets(*sets))
    # The grouping flags, one bit per dimension (1: added up over it), for each set.
    bit = {dim.key: 1 << (len(dims) - 1 - i) for i, dim in enumerate(dims)}
    every = (1 << len(dims)) - 1
    only = {key: every & ~flag for key, flag in bit.items()}  # only that dimension kept
    by_week_region = every & ~bit["week"] & ~bit["region_id"]
    weekly = [0] * len(scope.weeks)
    by_region_week: dict[int, list[int]] = {}
    totals: dict[str, dict] = {"category_id": {}, "program_id": {}, "interface_type": {}}
    total = with_barrier = 0
    met, timed = [0] * len(scope.weeks), [0] * len(scope.weeks)
    for row in db.session.execute(statement):
        keys_of_row, (grouping, count, barrier_named, ok, due) = row[: len(dims)], row[len(dims) :]
        value = dict(zip([dim.key for dim in dims], keys_of_row, strict=True))
        count = int(count or 0)  # the empty set's sum is NULL where count(*) was 0
        if grouping == only["week"]:
            position = value["week"] - 1
            weekly[position] = count
            met[position], timed[position] = int(ok or 0), int(due or 0)
        elif grouping == by_week_region:
            position = value["week"] - 1
            by_region_week.setdefault(value["region_id"], [0] * len(scope.weeks))[position] = count
        elif grouping == every:
            total, with_barrier = count, int(barrier_named or 0)
        else:
            for key in totals:
                if grouping == only.get(key):
                    totals[key][value[key]] = count
    regions = {region: sum(series) for region, series in by_region_week.items()} if breakdowns else {}
    return PeriodSummary(
        weekly,
        by_region_week,
        _ranked(regions),
        _ranked(totals["category_id"]),
        _ranked(totals["program_id"]),
        _ranked(totals["interface_type"]),
        with_barrier / total * 100 if total else None,
        WeeklyShare(_("Triaged within target"), met, timed),
    )


def actions_starting_between(first: date, last: date) -> list[Action]:
    """Actions whose test window starts between two dates, oldest first, with their linked reports,
    verifications and the clusters they answer (their baseline ends before the first) loaded in one
    query each (the overview reads them for every action)."""
    return list(
        db.session.scalars(
            select(Action)
            .options(
                selectinload(Action.reports),
                selectinload(Action.verifications),
                selectinload(Action.clusters),
            )
            .where(Action.window_start >= first, Action.window_start <= last)
            .order_by(Action.window_start)
        )
    )


def report_facets_within(spans: list[tuple[date, date]], tz: ZoneInfo) -> list[tuple]:
    """``(local day, report)``, sorted by day, for every report on a local day inside one of the
    ``spans`` (first, last inclusive), where the report is a row with the four fields an action's
    measure matches on. One read serves the before/after charts of all the actions in a period;
    overlapping spans are read once, and the days between them not at all."""
    merged: list[list[date]] = []
    for first, last in sorted(spans):
        if merged and first <= merged[-1][1] + timedelta(days=1):
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    if not merged:
        return []
    bounds = [
        and_(
            Report.occurred_at >= datetime.combine(first - timedelta(days=1), time(), tzinfo=tz),
            Report.occurred_at < datetime.combine(last + timedelta(days=2), time(), tzinfo=tz),
        )
        for first, last in merged
    ]
    statement = select(
        Report.occurred_at,
        Report.category_id,
        Report.region_id,
        Report.program_id,
        interface_type_counted().label("interface_tag"),
    ).where(or_(*bounds))
    facets = []
    for row in db.session.execute(statement):
        day = row.occurred_at.astimezone(tz).date()
        if any(first <= day <= last for first, last in merged):
            facets.append((day, row))
    facets.sort(key=lambda facet: facet[0])
    return facets


def regions_visible(permitted: frozenset[int] | None) -> list[Region]:
    """The regions a viewer may pick, by name (``permitted`` None: every region)."""
    return regions_by_name(permitted)


def all_programs() -> list[Program]:
    """Every program, by name."""
    return list(db.session.scalars(select(Program).order_by(Program.name)))


def names_by_id(model) -> dict[int, str]:
    """``{id: name}`` of every row of a named reference table (regions, categories, programs), as the
    reader sees it (a default category's name in the reader's language)."""
    return {row.id: getattr(row, "label", row.name) for row in db.session.scalars(select(model))}


def cluster_by_id(cluster_id: int) -> Cluster | None:
    """The cluster with this id, or None."""
    return db.session.get(Cluster, cluster_id)


def action_by_id(action_id: int | None) -> Action | None:
    """The action with this id; None for no id or an id that does not exist."""
    return db.session.get(Action, action_id) if action_id and action_id > 0 else None


def linkable_actions(limit: int = 200) -> list[Action]:
    """Actions a cluster can be linked to, as a list to pick from: open ones first, newest first."""
    return list(
        db.session.scalars(
            select(Action).order_by((Action.status == "open").desc(), Action.id.desc()).limit(limit)
        )
    )


def recent_exposure(limit: int = 60) -> list[Exposure]:
    """The newest weekly exposure figures, newest week first."""
    return list(
        db.session.scalars(
            select(Exposure).order_by(Exposure.week_start.desc(), Exposure.region_id).limit(limit)
        )
    )


PROPOSALS = ("single", "repeat", "cluster")


@dataclass(frozen=True)
class ProposalMonth:
    """How many triaged reports of one month (by when they happened) were proposed each recurrence."""

    month: date
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def share(self, proposal: str) -> float:
        """Percent of the month's proposals that were ``proposal``."""
        return 100 * self.counts.get(proposal, 0) / self.total if self.total else 0.0


def recurrence_proposals_by_month(scope: Scope, tz: ZoneInfo) -> list[ProposalMonth]:
    """The recurrence proposed at triage (single / repeat / cluster) for the scope's triaged reports,
    counted per calendar month of when they happened (a month cut by the period counts its part)."""
    last_day = scope.last_week + timedelta(days=6)
    month = month_bucket(Report.occurred_at, tz, scope.first_week, last_day).label("month")
    statement = _filtered(
        select(month, Triage.recurrence_proposed, func.count())
        .join(Triage, Triage.report_id == Report.id)
        .where(Triage.recurrence_proposed.is_not(None))
        .group_by(month, Triage.recurrence_proposed),
        scope,
        tz,
    )
    months: dict[date, dict[str, int]] = {}
    for first_day, proposal, count in db.session.execute(statement):
        months.setdefault(_as_date(first_day), {})[proposal] = count
    return [ProposalMonth(day, months[day]) for day in sorted(months)]
