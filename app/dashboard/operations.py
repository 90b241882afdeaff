"""Cluster detection runs and what the quality lead does with a cluster; exposure imports."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select

from app.auth.queries import users_with_role
from app.core.audit.operations import record_event
from app.core.clusters import Cell, ReportPoint, local_rule, poisson_exceedances
from app.core.dates import monday, week_bucket
from app.core.i18n import lazy, local_datetime
from app.core.models import now_utc
from app.core.pseudonyms import pseudonym
from app.core.roles import Role
from app.core.settings import get_setting
from app.core.validation import InvalidInput
from app.dashboard.exposure_csv import ExposureRow, ExposureSubmission, parse_exposure_csv
from app.dashboard.models import Cluster, Exposure
from app.dashboard.queries import local_rule_parameters
from app.extensions import db
from app.notifications.operations import notify
from app.reports.models import Report
from app.reviews.operations import ReviewInput, save_review
from app.reviews.titles import cluster_title, english_title
from app.taxonomy.queries import regions_by_name
from app.triage.queries import interface_type_counted


class ClusterError(ValueError):
    pass


def _cell_counts(first_week: date, weeks: int, tz: ZoneInfo, dimension) -> dict[date, dict[Cell, int]]:
    start = datetime.combine(first_week, time(), tzinfo=tz)
    end = datetime.combine(first_week + timedelta(weeks=weeks), time(), tzinfo=tz)
    week = week_bucket(Report.occurred_at, tz, first_week, first_week + timedelta(weeks=weeks - 1)).label(
        "week"
    )
    statement = (
        select(week, Report.region_id, dimension, func.count())
        .where(Report.occurred_at >= start, Report.occurred_at < end, dimension.is_not(None))
        .group_by(week, Report.region_id, dimension)
    )
    by_week: dict[date, dict[Cell, int]] = {}
    for w, region_id, value, count in db.session.execute(statement):
        day = w if isinstance(w, date) else date.fromisoformat(str(w)[:10])
        cell = Cell(region_id, value) if dimension is Report.category_id else Cell(region_id, None, value)
        by_week.setdefault(day, {})[cell] = count
    return by_week


def detect_clusters(week_start: date, *, tz: ZoneInfo, actor=None) -> list[Cluster]:
    """Run both methods for the week starting ``week_start`` (a Monday) and store new clusters."""
    week_start = monday(week_start)
    baseline_weeks = int(get_setting("cluster_baseline_weeks"))
    fdr = get_setting("cluster_fdr_percent") / 100
    first = week_start - timedelta(weeks=baseline_weeks)
    # Region x category and region x interface type cells are one family: the false-discovery
    # control runs across every cell tested this week, as the README says.
    current: dict[Cell, int] = {}
    baseline: dict[Cell, int] = {}
    for dimension in (Report.category_id, interface_type_counted()):
        for day, cells in _cell_counts(first, baseline_weeks + 1, tz, dimension).items():
            for cell, n in cells.items():
                if day == week_start:
                    current[cell] = n
                elif day < week_start:
                    baseline[cell] = baseline.get(cell, 0) + n
    found = [
        ("poisson_fdr", result.cell, None, result)
        for result in poisson_exceedances(current, baseline, baseline_weeks, fdr=fdr)
        if result.flagged
    ]

    window_end = week_start + timedelta(days=6)
    days, size = local_rule_parameters()
    category_baseline = {}
    for cells in _cell_counts(first, baseline_weeks, tz, Report.category_id).values():
        for cell, n in cells.items():
            key = (cell.region_id, cell.category_id)
            category_baseline[key] = category_baseline.get(key, 0) + n
    usual = {key: n / baseline_weeks * days / 7 for key, n in category_baseline.items()}
    points = _local_rule_candidates(window_end, tz, usual, days, size)
    local = local_rule(
        points,
        window_end,
        days=days,
        size=size,
        to_local_date=lambda moment: moment.astimezone(tz).date(),
        usual=usual,
    )
    stored = []
    for method, cell, _unused, result in found:
        stored.append(
            _store(
                method,
                week_start,
                cell.key,
                region_id=cell.region_id,
                category_id=cell.category_id,
                interface_type=cell.interface_type,
                observed=result.observed,
                expected=result.expected,
                p_value=result.p_value,
                q_value=result.q_value,
                report_ids=_cell_report_ids(cell, week_start, tz),
            )
        )
    db.session.flush()
    flagged = {
        (cluster.region_id, cluster.category_id): {r.id for r in cluster.reports}
        for cluster in db.session.scalars(
            select(Cluster).where(
                Cluster.method == "poisson_fdr",
                Cluster.week_start == week_start,
                Cluster.category_id.is_not(None),
            )
        )
    }
    for cluster in local:
        theme = flagged.get((cluster.region_id, cluster.category_id), set())
        if cluster.person_ref is None and theme >= set(cluster.report_ids):
            continue  # the same reports of the same theme are one cluster: the Poisson test has them
        key = f"{cluster.region_id or '-'}:{cluster.category_id}:{cluster.person_ref or '-'}"
        stored.append(
            _store(
                "local_rule",
                week_start,
                key,
                region_id=cluster.region_id,
                category_id=cluster.category_id,
                person_ref=cluster.person_ref,
                observed=len(cluster.report_ids),
                report_ids=list(cluster.report_ids),
                extend_within=timedelta(days=days),
            )
        )
    new = [c for c in stored if c is not None]
    db.session.flush()
    if new:
        notify(
            users_with_role(Role.QUALITY_LEAD),
            kind="cluster",
            link="/dashboard/clusters",
            title=lazy(
                lambda: _(
                    "%(count)s new cluster(s) detected for the week of %(week)s",
                    count=len(new),
                    week=local_datetime(week_start, "%d %b %Y"),
                )
            ),
        )
    record_event(
        "clusters.detect",
        actor=actor,
        object_type="clusters",
        object_id=week_start.isoformat(),
        after={"new": [c.id for c in new], "tested_week": week_start.isoformat()},
    )
    return new


def _local_rule_candidates(
    window_end: date, tz: ZoneInfo, usual: dict, days: int, size: int
) -> list[ReportPoint]:
    """Only the reports that could form a local-rule cluster, so a busy database is not loaded
    into memory: SQL counts each region x category and each person x category in the window, and
    only groups that pass the rule's thresholds are fetched for the pure ``local_rule`` to judge."""
    start = datetime.combine(window_end - timedelta(days=days - 1), time(), tzinfo=tz)
    end = datetime.combine(window_end + timedelta(days=1), time(), tzinfo=tz)
    in_window = (Report.occurred_at >= start, Report.occurred_at < end)
    cells = [
        (region, category)
        for region, category, n in db.session.execute(
            select(Report.region_id, Report.category_id, func.count())
            .where(*in_window)
            .group_by(Report.region_id, Report.category_id)
        )
        if n >= size and n >= 2 * usual.get((region, category), 0)
    ]
    person_key = func.lower(func.replace(func.trim(Report.person_ref), " ", ""))
    people = [
        (person, category)
        for person, category in db.session.execute(
            select(person_key, Report.category_id)
            .where(*in_window, Report.person_ref.is_not(None))
            .group_by(person_key, Report.category_id)
            .having(func.count() >= size)
        )
    ]
    if not cells and not people:
        return []
    columns = (Report.id, Report.region_id, Report.category_id, Report.occurred_at, Report.person_ref)
    conditions = [and_(Report.region_id == r, Report.category_id == c) for r, c in cells]
    conditions += [and_(person_key == p, Report.category_id == c) for p, c in people]
    rows = db.session.execute(select(*columns).where(*in_window, or_(*conditions)))
    return [ReportPoint(*row) for row in rows]


def _cell_report_ids(cell: Cell, week_start: date, tz: ZoneInfo) -> list[int]:
    start = datetime.combine(week_start, time(), tzinfo=tz)
    statement = select(Report.id).where(
        Report.region_id == cell.region_id,
        Report.occurred_at >= start,
        Report.occurred_at < start + timedelta(days=7),
    )
    if cell.category_id is not None:
        statement = statement.where(Report.category_id == cell.category_id)
    if cell.interface_type is not None:
        statement = statement.where(interface_type_counted() == cell.interface_type)
    return list(db.session.scalars(statement))


def _store(method, week_start, cell_key, *, report_ids, extend_within=None, **fields) -> Cluster | None:
    """A new cluster, or None when this method already found it, or an open local-rule cluster of
    the same cell found within ``extend_within`` already holds these reports (then it is extended
    instead of repeated)."""
    exists = db.session.scalar(
        select(Cluster).where(
            Cluster.method == method, Cluster.week_start == week_start, Cluster.cell_key == cell_key
        )
    )
    if exists is not None:
        return None
    reports = list(db.session.scalars(select(Report).where(Report.id.in_(report_ids)))) if report_ids else []
    if method == "local_rule":
        open_one = db.session.scalar(
            select(Cluster).where(
                Cluster.method == method,
                Cluster.cell_key == cell_key,
                Cluster.status.in_(("new", "acknowledged")),
                Cluster.week_start >= week_start - extend_within,
            )
        )
        if open_one is not None:
            open_one.reports = sorted(set(open_one.reports) | set(reports), key=lambda r: r.id)
            open_one.observed = len(open_one.reports)
            return None
    cluster = Cluster(method=method, week_start=week_start, cell_key=cell_key, reports=reports, **fields)
    db.session.add(cluster)
    return cluster


def handle_cluster(cluster: Cluster, user, *, action: str, reason: str = "", linked_action=None) -> None:
    """Acknowledge, dismiss (with a reason), link to the action that answers it, or send a cluster
    to a barrier review."""
    if cluster.status in ("dismissed", "reviewing") and action != "link":
        raise ClusterError(_("This cluster has already been dealt with."))
    before = {"status": cluster.status}
    if action == "acknowledge":
        cluster.status = "acknowledged"
    elif action == "dismiss":
        if len(reason.strip()) < 5:
            raise ClusterError(_("Say why the cluster is dismissed."))
        cluster.status = "dismissed"
        cluster.dismissed_reason = reason.strip()[:2000]
    elif action == "link":
        if linked_action is None:
            raise ClusterError(_("Give the number of an existing action (A-number)."))
        if linked_action not in cluster.actions:
            cluster.actions.append(linked_action)
        cluster.status = "acknowledged" if cluster.status == "new" else cluster.status
    elif action == "review":
        if not cluster.reports:
            raise ClusterError(_("This cluster has no reports to review."))
        title = cluster_title(
            category=cluster.category.name if cluster.category else None,
            interface=cluster.interface_type,
            region=cluster.region.name if cluster.region else None,
            person=pseudonym(cluster.person_ref),
        )
        review = save_review(
            user,
            ReviewInput(
                kind="barrier_review",
                title=english_title(title),
                title_parts=title,
                reports=list(cluster.reports),
            ),
        )
        cluster.review_id = review.id
        cluster.status = "reviewing"
    else:
        raise ClusterError(_("Choose what to do with the cluster."))
    cluster.handled_by_id = user.id
    cluster.handled_at = now_utc()
    record_event(
        f"cluster.{action}",
        actor=user,
        object_type="cluster",
        object_id=cluster.id,
        region_id=cluster.region_id,
        before=before,
        after={"status": cluster.status, "action_ids": [a.id for a in cluster.actions]},
    )


def import_exposure(rows: list[ExposureRow], *, actor) -> int:
    """Insert or replace each (region, week) figure; all rows were checked before this is called."""
    for row in rows:
        existing = db.session.scalar(
            select(Exposure).where(Exposure.region_id == row.region_id, Exposure.week_start == row.week_start)
        )
        if existing is None:
            db.session.add(
                Exposure(
                    region_id=row.region_id,
                    week_start=row.week_start,
                    visits=row.visits,
                    service_hours=row.service_hours,
                )
            )
        else:
            existing.visits = row.visits
            existing.service_hours = row.service_hours
    db.session.flush()
    record_event(
        "exposure.import",
        actor=actor,
        object_type="exposure",
        object_id=len(rows),
        after={"rows": len(rows), "weeks": sorted({r.week_start.isoformat() for r in rows})[:52]},
    )
    return len(rows)


class ExposureInvalid(InvalidInput):
    """Exposure figures were refused; ``errors["csv"]`` says what is wrong, line by line."""


def import_exposure_submission(submission: ExposureSubmission, *, actor) -> int:
    """Check the figures sent (a file, pasted text or one week) and save them all, or refuse them
    all with the reasons. Returns how many weeks were saved."""
    errors = list(submission.errors)
    if not errors:
        regions = {region.name: region.id for region in regions_by_name()}
        rows, errors = parse_exposure_csv(submission.text, regions)
    if errors:
        raise ExposureInvalid({"csv": errors})
    return import_exposure(rows, actor=actor)
