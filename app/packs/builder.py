"""The oversight evidence pack as a plain dict: every figure comes from the dashboard's own queries
for the same scope, so pack and dashboard always agree. Person references are pseudonymised and
small counts suppressed before anything reaches the template."""

from datetime import date, datetime, timedelta
from statistics import median
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.actions.charts import measure_chart, partial_note
from app.actions.models import Action, Verification
from app.actions.process import process_view
from app.actions.queries import action_region_ids, windows_for
from app.actions.vocabulary import STRENGTHS, verdict_words
from app.core.audit.models import AuditEvent
from app.core.audit.operations import first_chain_problem
from app.core.i18n import number
from app.core.pseudonyms import pseudonym
from app.core.settings import get_setting
from app.dashboard import overview
from app.dashboard.models import Cluster
from app.dashboard.queries import Scope, recurrence_method
from app.escalations.clocks import duty_standing
from app.escalations.models import ExternalDuty, SafeguardingCase, StopTheLineAlert
from app.extensions import db
from app.feedback.models import FeedbackPost
from app.guides.competency import STAFF_ROLE_NAMES
from app.guides.coverage import coverage
from app.guides.defaults import GUIDE_ROLES
from app.guides.queries import SOURCE_LANGUAGE
from app.packs.suppression import complementary
from app.reports.models import Report
from app.taxonomy.vocabulary import interface_label
from app.triage.matrix import Recurrence, ReviewLevel, Severity
from app.triage.operations import current_matrix


def suppressed(count: int, threshold: int) -> str:
    """Counts small enough to point at a person are shown as "<threshold"."""
    return f"<{threshold}" if 0 < count < threshold else str(count)


def _bounds(scope: Scope, tz: ZoneInfo):
    return scope.bounds(tz)


def _share(met: int, total: int) -> float | None:
    return met / total * 100 if total else None


def build_pack(scope: Scope, user, *, tz: ZoneInfo, today, now: datetime, region_name: str) -> dict:
    board = overview.build(scope, user, tz=tz, today=today, now=now)
    threshold = int(get_setting("pack_suppress_below"))
    start, end = _bounds(scope, tz)

    def in_scope(statement, report_column=Report.region_id):
        if scope.region_ids is not None:
            statement = statement.where(report_column.in_(scope.region_ids))
        return statement

    alerts = db.session.execute(
        in_scope(
            select(StopTheLineAlert.raised_at, StopTheLineAlert.acknowledged_at)
            .join(Report)
            .where(StopTheLineAlert.raised_at >= start, StopTheLineAlert.raised_at < end)
        )
    ).all()
    ack_target = timedelta(minutes=get_setting("stop_the_line_ack_minutes"))
    ack_minutes = [(a - r).total_seconds() / 60 for r, a in alerts if a is not None]
    acked_in_time = sum(1 for r, a in alerts if a is not None and a - r <= ack_target)

    duties = (
        db.session.execute(
            in_scope(
                select(ExternalDuty)
                .join(Report)
                .where(ExternalDuty.identified_at >= start, ExternalDuty.identified_at < end)
            )
        )
        .scalars()
        .all()
    )
    clusters = [
        c
        for c in db.session.scalars(
            select(Cluster)
            .where(Cluster.week_start >= scope.first_week, Cluster.week_start <= scope.last_week)
            .order_by(Cluster.week_start)
        )
        if scope.region_ids is None or c.region_id in (scope.region_ids or ())
    ]
    posts = db.session.scalars(
        select(FeedbackPost)
        .where(FeedbackPost.published_at >= start, FeedbackPost.published_at < end)
        .order_by(FeedbackPost.published_at)
    ).all()
    actions = [a for a, _chart, _weeks in board.actions] or []
    # The dashboard drew the before/after chart of every action it shows: the pack reuses those
    # instead of reading each action's reports again.
    drawn = {a.id: chart for a, chart, _weeks in board.actions}
    register = list(
        db.session.scalars(
            select(Action)
            .where(Action.created_at < end, (Action.window_end >= scope.first_week - timedelta(weeks=8)))
            .order_by(Action.due_date)
        )
    )
    register = [a for a in register if a in actions or _action_in_regions(a, scope)]
    verified = [a for a in register if a.latest_verification is not None]
    cases = db.session.scalar(
        in_scope(
            select(func.count(SafeguardingCase.id))
            .join(Report)
            .where(SafeguardingCase.routed_at >= start, SafeguardingCase.routed_at < end)
        )
    )
    total = sum(board.counts)
    timeliness = {t.label: (sum(t.met), sum(t.total), t.overall) for t in board.timeliness}
    problem = first_chain_problem()
    events = db.session.scalar(select(func.count(AuditEvent.id)))
    matrix = current_matrix()
    return {
        "cover": {
            "org": current_app.config["ORG_NAME"],
            # The whole organisation is named in English where the pack was asked for (a pack drawn
            # later keeps it); the reader reads it in the pack's language.
            "region": _("All regions") if region_name == "All regions" else region_name,
            "from": scope.first_week,
            "to": scope.last_week + timedelta(days=6),
            "weeks": len(scope.weeks),
            "generated_at": now.astimezone(tz),
            "generated_by": user.name,
        },
        "kpis": [
            {"label": _("Near misses reported"), "value": str(total), "target": None},
            {
                "label": _("Reports per week"),
                "value": number(board.culture["reports_per_week"]),
                "target": None,
            },
            *[
                {
                    "label": label,
                    "value": _pct(share),
                    "target": board.target_percent,
                    "met": met,
                    "total": counted,
                    "ok": share is not None and share >= board.target_percent,
                }
                for label, (met, counted, share) in timeliness.items()
            ],
        ],
        "weekly": list(zip(board.labels, board.counts, strict=True)),
        "days_so_far": board.days_so_far,
        "control": {
            "kind": board.control.kind,
            "svg": board.control.svg,
            "signals": [s.message for s in board.control.signals],
            "gap_notes": board.control.gap_notes,
        },
        "timeliness_svg": board.timeliness_svg,
        "timeliness_note": board.timeliness_note,
        "timeliness": [
            {"label": t.label, "met": sum(t.met), "total": sum(t.total), "share": _pct(t.overall)}
            for t in board.timeliness
        ],
        "breakdowns": {
            name: [(label, suppressed(count, threshold)) for label, count, _link in rows]
            for name, rows in board.breakdowns.items()
        },
        "suppress_below": threshold,
        "clusters": [
            {
                "week": c.week_start,
                "method": _("Poisson exceedance (FDR)") if c.method == "poisson_fdr" else _("Local rule"),
                "where": c.region.name if c.region else pseudonym(c.person_ref),
                "what": c.category.label if c.category else interface_label(c.interface_type),
                "observed": suppressed(c.observed, threshold),
                "status": c.status,
                "done": c.dismissed_reason
                or (_("Barrier review R-%(id)s", id=c.review_id) if c.review_id else "")
                or ", ".join(f"A-{a.id}" for a in c.actions),
            }
            for c in clusters
        ],
        "register": [
            {
                "id": a.id,
                "title": a.title,
                "owner": a.owner.name,
                "due": a.due_date,
                "strength": a.strength,
                "status": a.status_label,
                "completed": a.completed_at.astimezone(tz).date() if a.completed_at else None,
                "verification": _verification(a.latest_verification),
            }
            for a in register
        ],
        "strengths": STRENGTHS,
        "prepost": [
            {
                "id": a.id,
                "title": a.title,
                "svg": drawn.get(a.id) or measure_chart(a, tz, today),
                "partial_note": partial_note(windows_for(a), today),
                "verification": _verification(a.latest_verification),
            }
            for a in verified
        ],
        "process_measures": [
            {
                "id": a.id,
                "title": a.title,
                "starts": a.window_start,
                "view": view,
                "verification": _verification(a.latest_verification),
            }
            for a in register
            if (view := process_view(a, today)) is not None
        ],
        "stop_the_line": {
            "alerts": len(alerts),
            "acknowledged": len(ack_minutes),
            "median_minutes": median(ack_minutes) if ack_minutes else None,
            "within": acked_in_time,
            "target_minutes": ack_target.total_seconds() / 60,
        },
        "safeguarding_cases": cases or 0,
        "duties": [
            {
                "body": d.body.label,
                "due": d.due_at.astimezone(tz),
                "done": d.done_at.astimezone(tz) if d.done_at else None,
                "on_time": duty_standing(d.due_at, d.done_at, now, tz),
                "reference": _("recorded") if d.reference else "",
            }
            for d in duties
        ],
        "feedback": [
            {
                "title": p.title,
                "published": p.published_at.astimezone(tz).date(),
                "reports": len(p.reports) + sum(len(a.reports) for a in p.actions),
            }
            for p in posts
        ],
        "culture": board.culture,
        "method": recurrence_method(),
        "matrix": {
            "version": matrix.version,
            "rows": [
                (s.label, [ReviewLevel(matrix.cells[s.value][r.value]).label for r in Recurrence])
                for s in Severity
            ],
            "columns": [r.label for r in Recurrence],
        },
        "downgrades": {
            "rows": [
                {"day": d.day, "region": d.region, "from": d.from_level, "to": d.to_level, "reason": d.reason}
                for d in board.downgrades.rows
            ],
            "by_reason": board.downgrades.by_reason,
            "floor_triages": board.downgrades.floor_triages,
        },
        "warnings": _warnings(board.warnings, threshold),
        "coverage": _coverage(scope, threshold, end, now, today),
        "audit": {"intact": problem is None, "problem": str(problem) if problem else "", "events": events},
        "verified_count": len(verified),
    }


def _warnings(themes, threshold: int) -> dict:
    """Per theme with an incident: near misses, incidents, near misses per incident and incidents with a
    warning first, small counts suppressed (the ratio too, when either of its counts is)."""
    rows = []
    for t in themes:
        hidden = 0 < t.near_misses < threshold or 0 < t.incidents < threshold
        rows.append(
            {
                "region": t.region,
                "category": t.category,
                "near_misses": suppressed(t.near_misses, threshold),
                "incidents": suppressed(t.incidents, threshold),
                "per_incident": "—" if hidden else number(t.per_incident),
                "warned": suppressed(t.warned, threshold),
            }
        )
    incidents = sum(t.incidents for t in themes)
    warned = sum(t.warned for t in themes)
    return {
        "rows": rows,
        "incidents": suppressed(incidents, threshold),
        "warned": suppressed(warned, threshold),
    }


COVERAGE_COUNTS = ("staff", "confirmed", "checked", "competent", "checks")


def _coverage(scope: Scope, threshold: int, end: datetime, now: datetime, today: date) -> dict:
    """Cue guides read and competency checks of the staff of the pack's regions (issue 20 point 3):
    counts per role and per region, never names. "Read the current guide" is as of the period's
    ``end``: the version printed then, confirmed before it. A count under the threshold could point
    at one member of staff, so it is shown as "<n", and a share built on one is left out; when it is
    the only one hidden in its column of role (or region) rows, the next smallest goes too
    (:func:`app.packs.suppression.complementary`), so the total gives neither away. A period still
    running (this week's pack) counts as of ``now``: what is printed and confirmed so far, not a day to
    come."""
    last_day = scope.last_week + timedelta(days=6)
    running = end > now
    found = coverage(scope.region_ids, scope.first_week, last_day, as_of=None if running else end)
    groups = [
        [(str(STAFF_ROLE_NAMES[r.role]), r) for r in found.by_role if r.staff],
        [(r.region, r) for r in found.by_region],
    ]
    tables, total_withheld = [], set()
    for group in groups:
        cells, from_total = _withheld_cells([r for _label, r in group], threshold)
        total_withheld |= from_total
        tables.append([_coverage_row(label, r, threshold, cells[i]) for i, (label, r) in enumerate(group)])
    total_cells = _small_cells(found.total, threshold) | total_withheld
    return {
        "total": _coverage_row(_("All staff"), found.total, threshold, total_cells),
        "by_role": tables[0],
        "by_region": tables[1],
        "as_of": today if running else last_day,
        "running": running,
        "versions": _versions_counted(found.guides.versions),
    }


def _small_cells(r, threshold: int) -> set[str]:
    """The counts of a coverage row hidden for small numbers: every one in a row of a few people
    (even a 0 tells about each of them), else those under the threshold."""
    if 0 < r.staff < threshold:
        return set(COVERAGE_COUNTS)
    return {column for column in COVERAGE_COUNTS if 0 < getattr(r, column) < threshold}


def _withheld_cells(rows, threshold: int) -> tuple[list[set[str]], set[str]]:
    """Per row the counts to withhold, small ones and their complements column by column, and the
    columns whose total must go (a lone row hidden)."""
    cells = [_small_cells(r, threshold) for r in rows]
    total = set()
    for column in COVERAGE_COUNTS:
        hidden = [index for index, row_cells in enumerate(cells) if column in row_cells]
        withheld = complementary([getattr(r, column) for r in rows], hidden)
        for index in withheld.rows:
            cells[index].add(column)
        if withheld.total:
            total.add(column)
    return cells, total


def _coverage_row(label: str, r, threshold: int, hidden: set[str]) -> dict:
    few = 0 < r.staff < threshold

    def count(column: str) -> str:
        n = getattr(r, column)
        if column not in hidden:
            return str(n)
        small = 0 < n < threshold and (column == "staff" or not few)
        return suppressed(n, threshold) if small else "—"

    def share(column: str) -> str:
        if column in hidden or "staff" in hidden or not r.staff:
            return "—"
        return _pct(getattr(r, column) / r.staff * 100)

    return {
        "label": label,
        "staff": count("staff"),
        "confirmed": count("confirmed"),
        "confirmed_share": share("confirmed"),
        "checked": count("checked"),
        "checked_share": share("checked"),
        "competent": count("competent"),
        "checks": count("checks"),
    }


def _versions_counted(versions: dict[tuple[str, str], int]) -> str:
    """The English version of each role's guide that counted, e.g. "Nurses: version 3"."""
    named = []
    for role in GUIDE_ROLES:
        name, number = STAFF_ROLE_NAMES[role], versions[(role, SOURCE_LANGUAGE)]
        if number:
            named.append(_("%(role)s: version %(number)s", role=name, number=number))
        else:
            named.append(_("%(role)s: the built-in guide", role=name))
    return "; ".join(named)


def _pct(share: float | None) -> str:
    return "—" if share is None else f"{share:.0f}%"


def _verification(v: Verification | None) -> dict | None:
    if v is None:
        return None
    return {
        "verdict": verdict_words(v.verdict, v.ci_high, v.process_shown),
        "reason": v.reason or "",
        "before": v.before_count,
        "after": v.after_count,
        "ratio": v.rate_ratio,
        "low": v.ci_low,
        "high": v.ci_high,
        "target_met": v.target_met,
        "process": v.process,
    }


def _action_in_regions(action: Action, scope: Scope) -> bool:
    regions = action_region_ids(action)
    return scope.region_ids is None or not regions or bool(regions & set(scope.region_ids))
