"""The before/after chart of an action's measure, shown on the action, the dashboard and in packs."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from app.actions.measure import MeasureFilter, WeekCount, Windows, observed_weeks, weekly_counts
from app.actions.models import Action
from app.actions.queries import matching_report_days, windows_for
from app.core.charts import Bar, Level, bar_chart
from app.core.i18n import local_datetime, number


def measure_weeks(action: Action, tz: ZoneInfo) -> list[WeekCount]:
    """Reports matching the action's measure per week, from the baseline's start to the window's end."""
    windows = windows_for(action)
    days = matching_report_days(
        MeasureFilter.from_json(action.measure), windows.baseline_start, windows.end, tz
    )
    return weekly_counts(days, windows.baseline_start, windows.end, windows.start)


def week_label(week: WeekCount) -> str:
    """The week's first day with its year, short enough for the axis; a partial week (not yet over, or
    cut by the window's end) is starred, and :func:`partial_note` says how many of its days count."""
    label = local_datetime(week.week_start, "%d %b %y")
    return f"{label}*" if week.partial else label


def partial_note(windows: Windows, today: date) -> str:
    """The note under the chart for its last week when that is partial (not yet over, or cut by the
    window's end): "* The week of 16 Mar 2026 is partial: 3 of 7 days." Empty otherwise."""
    last = min(today, windows.end)
    if last < windows.baseline_start:
        return ""
    week_start = windows.baseline_start + timedelta(weeks=(last - windows.baseline_start).days // 7)
    days = (last - week_start).days + 1
    if days >= 7:
        return ""
    return _(
        "* The week of %(day)s is partial: %(days)s of 7 days.",
        day=local_datetime(week_start, "%d %b %Y"),
        days=days,
    )


def per_week(weeks: list[WeekCount]) -> float | None:
    """Reports per week over the days these weeks cover (a partial week counts for its days only)."""
    days = sum(w.days for w in weeks)
    return sum(w.count for w in weeks) / days * 7 if days else None


def shown_weeks(action: Action, weeks: list[WeekCount], today: date) -> list[WeekCount]:
    """The weeks a chart or table of the action shows: those begun by ``today`` (or the window's end),
    the last one with only its elapsed days. Weeks that have not happened are never shown as zeros."""
    return observed_weeks(weeks, min(today, windows_for(action).end))


def measure_chart(action: Action, tz: ZoneInfo, today: date, weeks: list[WeekCount] | None = None):
    """Weekly reports matching the action's measure, before and after its start, with both rates.

    Only weeks that have begun by ``today`` are drawn; the current week is labelled partial and its
    rate counts only its elapsed days."""
    windows = windows_for(action)
    weeks = weeks if weeks is not None else measure_weeks(action, tz)
    weeks = shown_weeks(action, weeks, today)
    bars = [Bar(week_label(w), w.count, w.after_start) for w in weeks]
    first_after = next((i for i, w in enumerate(weeks) if w.after_start), len(weeks))
    baseline = [(i, w) for i, w in enumerate(weeks) if w.week_start < windows.baseline_stop]
    baseline = [(i, w) for i, w in baseline if not w.after_start]
    after = weeks[first_after:]
    levels = []
    before_rate = per_week([w for _, w in baseline])
    if before_rate is not None:
        levels.append(
            Level(
                baseline[0][0],
                baseline[-1][0],
                before_rate,
                _("baseline: %(rate)s/wk", rate=number(before_rate)),
            )
        )
    after_rate = per_week(after)
    if after_rate is not None:
        levels.append(
            Level(first_after, len(weeks) - 1, after_rate, _("after: %(rate)s/wk", rate=number(after_rate)))
        )
    description = _(
        "Reports per week matching the measure: %(count)s in the %(weeks)s baseline weeks before %(day)s",
        count=sum(w.count for _i, w in baseline),
        weeks=len(baseline),
        day=local_datetime(windows.baseline_stop, "%d %b %Y"),
    )
    if today < action.window_start:
        description += _("; the test starts %(day)s.", day=local_datetime(action.window_start, "%d %b %Y"))
    else:
        elapsed = sum(w.days for w in after)
        count = sum(w.count for w in after)
        if today <= windows.end:
            description += _(
                " and %(count)s in the %(days)s days of the test window so far (of %(of)s).",
                count=count,
                days=elapsed,
                of=windows.after_days,
            )
        else:
            description += _(
                " and %(count)s in the %(days)s days of the test window.", count=count, days=elapsed
            )
    note = partial_note(windows, today)
    if note:
        description += " " + note.removeprefix("* ")
    return bar_chart(
        bars,
        title=_("Action A-%(id)s: reports per week before and after the change", id=action.id),
        description=description,
        marker_at=first_after,
        marker_label=_("change starts"),
        levels=tuple(levels),
        y_label=_("reports/week"),
    )
