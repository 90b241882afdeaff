"""The p-chart of an action's process measure, on the action's page and in packs: the weekly share
in percent, the baseline's centre line and each week's 3-sigma limits."""

from flask_babel import gettext as _

from app.actions.proportions import BASELINE, TEST, PChart
from app.core.charts import AFTER_COLOUR, BEFORE_COLOUR, MARK_COLOUR, Series, line_chart
from app.core.i18n import number

OTHER_COLOUR = "#59636e"
TOP_PERCENT = 110  # room above 100% for the limits' labels


def _percent(value: float | None) -> float | None:
    return None if value is None else value * 100


def process_chart(action, rows, chart: PChart, note: str = ""):
    """``rows`` are the weeks that have begun (``ProcessRow``): a week without counts is a gap, not a
    zero; baseline weeks, test weeks and weeks in neither are drawn in their own colours."""
    measure = action.process_measure
    labels = [row.label for row in rows]
    shares = [_percent(row.counts.proportion) if row.counts is not None else None for row in rows]

    def only(period):
        return [share if row.period == period else None for share, row in zip(shares, rows, strict=True)]

    # The whole line first (it carries the signal rings), the baseline's and other weeks' points over it.
    series = [
        Series(_("test window"), shares, AFTER_COLOUR),
        Series(_("baseline weeks"), only(BASELINE), BEFORE_COLOUR),
    ]
    if any(row.period not in (BASELINE, TEST) and row.counts is not None for row in rows):
        series.append(Series(_("weeks in neither"), only(""), OTHER_COLOUR))
    if chart.centre is not None:
        series += [
            Series(
                _("centre (p̄)"),
                [chart.centre * 100] * len(rows),
                OTHER_COLOUR,
                dashed=True,
                show_points=False,
            ),
            Series(_("3-sigma limits"), [_percent(v) for v in chart.upper], MARK_COLOUR, True, True, False),
            Series("", [_percent(v) for v in chart.lower], MARK_COLOUR, True, True, False),
        ]
    entered = [row for row in rows if row.counts is not None]
    description = _(
        "Weekly share of %(numerator)s out of %(denominator)s, %(entered)s of %(weeks)s weeks entered so far",
        numerator=measure.numerator_label,
        denominator=measure.denominator_label,
        entered=len(entered),
        weeks=len(rows),
    )
    if chart.centre is not None:
        description += _(
            "; baseline centre %(centre)s%% with limits from each week's denominator; "
            "%(signals)s week(s) outside their limits",
            centre=number(chart.centre * 100),
            signals=len(chart.signals),
        )
    description += "." + (" " + note.removeprefix("* ") if note else "")
    return line_chart(
        labels,
        series,
        title=_("Action A-%(id)s: %(measure)s per week (p-chart)", id=action.id, measure=measure.name),
        description=description,
        highlighted=chart.signals,
        y_label=_("%% of %(denominator)s", denominator=measure.denominator_label),
        y_max=TOP_PERCENT,
        gaps=tuple(i for i, row in enumerate(rows) if row.counts is None),
        gap_label=_("not entered"),
    )
