"""Reads of the action register (always through the action's own permission rule), and of the reports
an action's measure counts."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.actions.measure import (
    Comparison,
    Detectable,
    MeasureFilter,
    Windows,
    baseline_dispersion,
    baseline_weekly,
    baseline_windows,
    compare_rates,
    smallest_detectable,
    split_counts,
)
from app.actions.models import Action, SpotCheck
from app.core.permissions import can_view_report
from app.core.roles import REGION_REVIEW_ROLES, Role
from app.extensions import db
from app.reports.models import Report
from app.reviews.queries import can_view_review
from app.taxonomy.models import Program, Region
from app.taxonomy.queries import active_categories, regions_by_name
from app.taxonomy.vocabulary import InterfaceType
from app.triage.queries import interface_type_counted


def action_region_ids(action: Action) -> set[int]:
    """The regions an action concerns: its measure's and its linked reports' (empty: all)."""
    return set(MeasureFilter.from_json(action.measure).region_ids) | {r.region_id for r in action.reports}


def can_view_action(user, action: Action) -> bool:
    if user.is_organisation_wide or user.id in (action.owner_id, action.created_by_id):
        return True
    if not user.roles & REGION_REVIEW_ROLES:
        return False
    regions = action_region_ids(action)
    return not regions or bool(regions & user.region_ids)


def can_change_action(user, action: Action | None = None) -> bool:
    """The quality lead creates and changes actions; the operations lead creates them too (from an
    interface failure's pathway map); the owner changes their own."""
    if Role.QUALITY_LEAD in user.roles or (action is None and Role.OPERATIONS_LEAD in user.roles):
        return True
    return action is not None and action.owner_id == user.id


def is_overdue(action: Action, today: date) -> bool:
    return action.status == "open" and action.due_date < today


@dataclass(frozen=True)
class ActionFilters:
    owner_id: int | None = None
    status: str = ""
    overdue: bool = False


def actions_for(user, filters: ActionFilters, today: date) -> list[Action]:
    statement = (
        select(Action)
        .options(selectinload(Action.owner), selectinload(Action.reports), selectinload(Action.verifications))
        .order_by(Action.due_date, Action.id)
    )
    if filters.owner_id:
        statement = statement.where(Action.owner_id == filters.owner_id)
    if filters.status:
        statement = statement.where(Action.status == filters.status)
    if filters.overdue:
        statement = statement.where(Action.status == "open", Action.due_date < today)
    return [a for a in db.session.scalars(statement) if can_view_action(user, a)]


def visible_action(user, action_id: int) -> Action | None:
    """The action with this id if ``user`` may see it: None for an unknown and a hidden one alike."""
    action = db.session.get(Action, action_id)
    return action if action is not None and can_view_action(user, action) else None


def open_spot_check(action: Action, check_id: int) -> SpotCheck | None:
    """The action's spot check with this id while it waits to be done; None otherwise."""
    check = db.session.get(SpotCheck, check_id)
    if check is None or check.action_id != action.id or check.done_at is not None:
        return None
    return check


def visible_reports(action: Action, user) -> list:
    """The reports the action answers that ``user`` may see."""
    return [r for r in action.reports if can_view_report(user, r)]


def visible_reviews(action: Action, user) -> list:
    """The reviews the action comes from that ``user`` may see."""
    return [r for r in action.reviews if can_view_review(user, r)]


def measure_locked(action: Action | None, today: date) -> bool:
    """Once an action's test has started, its measure, start and target are fixed."""
    return action is not None and today >= action.window_start


def measure_choices() -> dict:
    """What a measure can be made of: the active categories, and every region and program by name."""
    return {
        "categories": active_categories(),
        "regions": regions_by_name(),
        "programs": list(db.session.scalars(select(Program).order_by(Program.name))),
        "interface_types": list(InterfaceType),
    }


def measure_names() -> dict:
    """For each of the measure's fields, the name of each value as its form sends it (ids as text)."""
    return {
        "category_ids": {str(c.id): c.label for c in active_categories()},
        "region_ids": {str(r.id): r.name for r in db.session.scalars(select(Region))},
        "program_ids": {str(p.id): p.name for p in db.session.scalars(select(Program))},
        "interface_types": {t.value: t.label for t in InterfaceType},
    }


def matching_report_days(measure: MeasureFilter, first: date, last: date, tz: ZoneInfo) -> list[date]:
    """Local dates of the reports that count for ``measure`` between two dates (inclusive)."""
    start = datetime.combine(first - timedelta(days=1), datetime.min.time(), tzinfo=tz)
    end = datetime.combine(last + timedelta(days=2), datetime.min.time(), tzinfo=tz)
    statement = select(
        Report.occurred_at,
        Report.category_id,
        Report.region_id,
        Report.program_id,
        interface_type_counted().label("interface_tag"),
    ).where(Report.occurred_at >= start, Report.occurred_at < end)
    if measure.category_ids:
        statement = statement.where(Report.category_id.in_(measure.category_ids))
    if measure.region_ids:
        statement = statement.where(Report.region_id.in_(measure.region_ids))
    days = []
    for row in db.session.execute(statement):
        local = row.occurred_at.astimezone(tz).date()
        if first <= local <= last and measure.matches(row):
            days.append(local)
    return days


def default_baseline_end(action: Action, window_start: date) -> date:
    """Where the baseline stops unless chosen: before the first week of the earliest cluster the
    action answers (the spike that set it off is not "before"), else the test's start."""
    firsts = [c.week_start for c in getattr(action, "clusters", []) if c.week_start < window_start]
    return min(firsts, default=window_start)


def baseline_end_for(action: Action) -> date:
    """The day the action's baseline stops (exclusive): the chosen one, else the default."""
    return action.baseline_end or default_baseline_end(action, action.window_start)


def windows_for(action: Action) -> Windows:
    """The action's baseline and test windows, as dates."""
    return baseline_windows(
        action.window_start, action.window_end, action.baseline_weeks, baseline_end_for(action)
    )


def comparison_for(action: Action, tz: ZoneInfo, today: date) -> Comparison:
    """The before/after comparison of the action's measure as of ``today``: each window over the
    days of it that have passed (before the test starts, it has no elapsed days and no ratio)."""
    windows = windows_for(action)
    days = matching_report_days(
        MeasureFilter.from_json(action.measure), windows.baseline_start, windows.end, tz
    )
    before, after = split_counts(days, windows, today)
    if windows.before_days_by(today) == 0:  # the baseline itself has not begun: nothing to compare
        return Comparison(before, 0, after, windows.after_days_by(today), None, None, None)
    dispersion = baseline_dispersion(baseline_weekly(days, windows, today))
    return compare_rates(
        before, windows.before_days_by(today), after, windows.after_days_by(today), dispersion
    )


def detectable_for(action: Action, comparison: Comparison, today: date) -> Detectable | None:
    """Before the test starts: the smallest reduction its window can show at the baseline's rate so
    far (None once it has started, or without a baseline)."""
    if today >= action.window_start:
        return None
    window_days = (action.window_end - action.window_start).days + 1
    return smallest_detectable(
        comparison.before_count,
        comparison.before_days,
        window_days,
        action.target_reduction_percent,
        comparison.dispersion,
    )
