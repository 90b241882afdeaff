"""The before/after chart of an action's measure, shown on the action, the dashboard and in packs."""

from datetime import date
from zoneinfo import ZoneInfo

from app.actions.measure import MeasureFilter, WeekCount, weekly_counts
from app.actions.models import Action
from app.actions.queries import matching_report_days, windows_for
from app.core.charts import Bar, Level, bar_chart


def measure_weeks(action: Action, tz: ZoneInfo) -> list[WeekCount]:
    """Reports matching the action's measure per week, from the baseline's start to the window's end."""
    windows = windows_for(action)
    days = matching_report_days(
        MeasureFilter.from_json(action.measure), windows.baseline_start, windows.end, tz
    )
    return weekly_counts(days, windows.baseline_start, windows.end, windows.start)


def measure_chart(action: Action, tz: ZoneInfo, today: date, weeks: list[WeekCount] | None = None):
    """Weekly reports matching the action's measure, before and after its start, with both means."""
    weeks = weeks if weeks is not None else measure_weeks(action, tz)
    bars = [Bar(f"{w.week_start:%d %b}", w.count, w.after_start) for w in weeks]
    first_after = next((i for i, w in enumerate(weeks) if w.after_start), len(weeks))
    before = [w.count for w in weeks[:first_after]]
    after = [w.count for w in weeks[first_after:] if w.week_start <= today]
    levels = []
    if before:
        levels.append(
            Level(
                0, first_after - 1, sum(before) / len(before), f"before: {sum(before) / len(before):.1f}/wk"
            )
        )
    if after:
        levels.append(
            Level(
                first_after,
                first_after + len(after) - 1,
                sum(after) / len(after),
                f"after: {sum(after) / len(after):.1f}/wk",
            )
        )
    description = (
        f"Reports per week matching the measure: {sum(before)} in the {len(before)} weeks before "
        f"{action.window_start:%d %b %Y} and {sum(after)} in the {len(after)} weeks since."
    )
    return bar_chart(
        bars,
        title=f"Action A-{action.id}: reports per week before and after the change",
        description=description,
        marker_at=first_after,
        marker_label="change starts",
        levels=tuple(levels),
        y_label="reports/week",
    )
