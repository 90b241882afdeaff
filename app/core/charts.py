"""Server-rendered SVG charts: readable with no script, titled and described for screen readers,
and the same markup in pages and PDFs. Pure: data in, markup out."""

import hashlib
import itertools
import math
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from app.core.i18n import number

WIDTH, HEIGHT = 720, 260
NARROW_WIDTH = 360  # a phone's screen (390 px) less the page's margins
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 16, 40
BEFORE_COLOUR, AFTER_COLOUR, MARK_COLOUR = "#8aa4c0", "#174a7c", "#b42318"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    highlighted: bool = False


@dataclass(frozen=True)
class Level:
    """A horizontal line over a run of bars: a mean, a target."""

    first: int
    last: int
    value: float
    label: str


def bar_chart(
    bars: list[Bar],
    *,
    title: str,
    description: str,
    marker_at: int | None = None,
    marker_label: str = "",
    levels: tuple[Level, ...] = (),
    y_label: str = "reports",
) -> Markup:
    """Bars (highlighted ones darker), an optional vertical marker before bar ``marker_at`` and
    horizontal levels. Empty data draws an empty frame with the title."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top_value = max([b.value for b in bars] + [lv.value for lv in levels] + [1])
    scale = plot_h / (top_value * 1.1)
    step = plot_w / max(len(bars), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'class="chart" aria-labelledby="{_id(title)}-t {_id(title)}-d">',
        f'<title id="{_id(title)}-t">{escape(title)}</title>',
        f'<desc id="{_id(title)}-d">{escape(description)}</desc>',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" stroke="#59636e"/>',
        f'<text x="4" y="{TOP + 10}" font-size="11" fill="#59636e">{escape(y_label)}</text>',
    ]
    for tick in _ticks(top_value):
        y = TOP + plot_h - tick * scale
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot_w}" y2="{y:.1f}" stroke="#eef1f4"/>')
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="#59636e">{number(tick, "g")}</text>'
        )
    label_every = label_spacing([b.label for b in bars], plot_w)
    for index, bar in enumerate(bars):
        x = LEFT + index * step
        height = bar.value * scale
        colour = AFTER_COLOUR if bar.highlighted else BEFORE_COLOUR
        parts.append(
            f'<rect x="{x + step * 0.15:.1f}" y="{TOP + plot_h - height:.1f}" width="{step * 0.7:.1f}" '
            f'height="{height:.1f}" fill="{colour}">'
            f"<title>{escape(bar.label)}: {number(bar.value, 'g')}</title></rect>"
        )
        if index % label_every == 0:
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" font-size="11" '
                f'text-anchor="middle" fill="#1b1f24">{escape(bar.label)}</text>'
            )
    for level in levels:
        x1, x2 = LEFT + level.first * step, LEFT + (level.last + 1) * step
        y = TOP + plot_h - level.value * scale
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y:.1f}" x2="{x2:.1f}" y2="{y:.1f}" stroke="#1b1f24" '
            f'stroke-width="2" stroke-dasharray="6 4"/>'
        )
        parts.append(
            f'<text x="{x1 + 4:.1f}" y="{y - 5:.1f}" font-size="11" fill="#1b1f24">'
            f"{escape(level.label)}</text>"
        )
    if marker_at is not None and bars:
        x = LEFT + marker_at * step
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{TOP + plot_h}" stroke="{MARK_COLOUR}" '
            f'stroke-width="2"/>'
        )
        parts.append(
            f'<text x="{x + 4:.1f}" y="{TOP + 12}" font-size="11" fill="{MARK_COLOUR}">'
            f"{escape(marker_label)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every piece of text above is escaped


LABEL_CHAR_WIDTH = 6.2  # the axis font (11 px) averages about this width per character


def label_spacing(labels: list[str], plot_w: float) -> int:
    """Label every n-th position so that no two axis labels overlap: ``"6 Jan 2026"`` needs about
    70 px, so twelve weeks on a 660 px axis are labelled every second week."""
    if not labels:
        return 1
    widest = max(len(label) for label in labels) * LABEL_CHAR_WIDTH + 8
    step = plot_w / len(labels)
    return max(1, math.ceil(widest / step))


def _ticks(top: float) -> list[float]:
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000):
        if top / step <= 5:
            return [step * i for i in range(1, int(top // step) + 1)]
    return [top]


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]
    colour: str = AFTER_COLOUR
    dashed: bool = False
    step: bool = False  # draw as steps (control limits that change with exposure)
    show_points: bool = True
    # For shares: each week's number of cases. A week with fewer than ``min_count`` is drawn as an open
    # point labelled "n=…", outside the line, so a share of 1 or 2 cases cannot swing it from 0 to 100 %.
    counts: list[int] | None = None
    min_count: int = 0
    # A reference line (a centre line, a limit) named with its value at the right end, e.g. "upper 12.3".
    end_label: str = ""

    def is_sparse(self, i: int) -> bool:
        return self.counts is not None and self.values[i] is not None and self.counts[i] < self.min_count


def line_chart(
    labels: list[str],
    series: list[Series],
    *,
    title: str,
    description: str,
    highlighted: tuple[int, ...] = (),
    reference: tuple[float, str] | None = None,
    y_label: str = "",
    y_max: float | None = None,
    gaps: tuple[int, ...] = (),
    gap_label: str = "",
    width: int = WIDTH,
) -> Markup:
    """Lines over weeks; ``None`` breaks a line. Highlighted points (signals) are ringed in red.
    ``gaps`` are weeks with no data at all (not zeros): each run of them is shaded and named by
    ``gap_label``, so a missing week cannot be read as a low one. ``width`` is the drawing's own width:
    a chart drawn at ``NARROW_WIDTH`` shows on a phone at about its size, so its 11 px text stays
    11 px instead of being scaled down with the whole picture."""
    right = RIGHT + (END_LABEL_ROOM if any(s.end_label for s in series) else 0)
    plot_w, plot_h = width - LEFT - right, HEIGHT - TOP - BOTTOM
    values = [v for s in series for v in s.values if v is not None]
    top = y_max or max(values + ([reference[0]] if reference else []) + [1]) * 1.1
    step = plot_w / max(len(labels), 1)
    legend = legend_layout(series, width)
    height = HEIGHT + LEGEND_ROW * max((row for _s, _x, row in legend), default=0)

    def x(i):
        return LEFT + i * step + step / 2

    def y(v):
        return TOP + plot_h - v / top * plot_h

    chart_id = _id(title if width == WIDTH else f"{title} {width}")
    size_class = "" if width == WIDTH else " chart-narrow"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'class="chart{size_class}" aria-labelledby="{chart_id}-t {chart_id}-d">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(description)}</desc>',
        *_gap_bands(gaps, gap_label, labels, step, plot_h),  # first, so axes and lines draw over them
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" stroke="#59636e"/>',
        f'<text x="4" y="{TOP + 10}" font-size="11" fill="#59636e">{escape(y_label)}</text>',
    ]
    for tick in _ticks(top / 1.1):
        parts.append(
            f'<line x1="{LEFT}" y1="{y(tick):.1f}" x2="{LEFT + plot_w}" y2="{y(tick):.1f}" stroke="#eef1f4"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="#59636e">{number(tick, "g")}</text>'
        )
    if reference:
        value, label = reference
        parts.append(
            f'<line x1="{LEFT}" y1="{y(value):.1f}" x2="{LEFT + plot_w}" y2="{y(value):.1f}" '
            f'stroke="{MARK_COLOUR}" stroke-dasharray="4 3"/>'
        )
        parts.append(
            f'<text x="{LEFT + plot_w - 4}" y="{y(value) - 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="{MARK_COLOUR}">{escape(label)}</text>'
        )
    for s in series:
        segments, current = [], []
        for i, v in enumerate(s.values):
            if v is None or s.is_sparse(i):
                if current:
                    segments.append(current)
                current = []
                continue
            if s.step:
                current += [(x(i) - step / 2, y(v)), (x(i) + step / 2, y(v))]
            else:
                current.append((x(i), y(v)))
        if current:
            segments.append(current)
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        for segment in segments:
            points = " ".join(f"{px:.1f},{py:.1f}" for px, py in segment)
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{s.colour}" stroke-width="2"{dash}/>'
            )
        if s.show_points:
            for i, v in enumerate(s.values):
                if s.is_sparse(i):
                    parts += _sparse_point(x(i), y(v), s.colour, labels[i], v, s.counts[i], step)
                elif v is not None:
                    parts.append(
                        f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{s.colour}">'
                        f"<title>{escape(labels[i])}: {number(v, '.4g')}</title></circle>"
                    )
    parts += _end_labels(series, LEFT + plot_w + 4, y)
    main = series[0] if series else None
    for i in highlighted:
        if main and i < len(main.values) and main.values[i] is not None:
            parts.append(
                f'<circle cx="{x(i):.1f}" cy="{y(main.values[i]):.1f}" r="7" fill="none" '
                f'stroke="{MARK_COLOUR}" stroke-width="2"/>'
            )
    label_every = label_spacing(labels, plot_w)
    for i, label in enumerate(labels):
        if i % label_every == 0:
            parts.append(
                f'<text x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 16}" font-size="11" text-anchor="middle" '
                f'fill="#1b1f24">{escape(label)}</text>'
            )
    for s, legend_x, row in legend:
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        line_y = HEIGHT - 8 + row * LEGEND_ROW
        parts.append(
            f'<line x1="{legend_x}" y1="{line_y}" x2="{legend_x + 16}" y2="{line_y}" '
            f'stroke="{s.colour}" stroke-width="2"{dash}/>'
        )
        parts.append(
            f'<text x="{legend_x + 20}" y="{line_y + 4}" font-size="11" fill="#1b1f24">'
            f"{escape(s.name)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every piece of text above is escaped


LEGEND_ROW = 16
END_LABEL_ROOM = 72  # "centre 12.3" beside the plot


def _end_labels(series, at_x: float, y) -> list[str]:
    """Each labelled line's name and last value beside its right end, nudged apart (at least 12 px)."""
    placed = []
    for s in series:
        last = next((v for v in reversed(s.values) if v is not None), None)
        if s.end_label and last is not None:
            placed.append([y(last) + 4, f"{s.end_label} {number(last)}", s.colour])
    placed.sort()
    for above, below in itertools.pairwise(placed):
        below[0] = max(below[0], above[0] + 12)
    return [
        f'<text x="{at_x:.1f}" y="{text_y:.1f}" font-size="11" fill="{colour}">{escape(text)}</text>'
        for text_y, text, colour in placed
    ]


def legend_layout(series, chart_width: int = WIDTH) -> list[tuple]:
    """(series, x, row) for each named series: side by side, on a new row when the next would run past
    the chart's right edge (so seven measures never draw off the picture)."""
    placed, legend_x, row = [], LEFT, 0
    for s in (s for s in series if s.name):
        width = 30 + 7 * len(s.name)
        if legend_x > LEFT and legend_x + width - 10 > chart_width - RIGHT:
            legend_x, row = LEFT, row + 1
        placed.append((s, legend_x, row))
        legend_x += width
    return placed


def _sparse_point(
    cx: float, cy: float, colour: str, label: str, value: float, count: int, step: float
) -> list[str]:
    """An open point with its number of cases above it ("n=2", or just "2" where weeks are too narrow
    for more): a share of so few is shown, not trended."""
    shown = f"n={count}" if step >= 20 else str(count)
    return [
        f'<circle class="sparse" cx="{cx:.1f}" cy="{cy:.1f}" r="3.5" fill="#ffffff" stroke="{colour}" '
        f'stroke-width="1.5"><title>{escape(label)}: {number(value, ".4g")} (n={count})</title></circle>',
        f'<text x="{cx:.1f}" y="{cy - 6:.1f}" font-size="9" text-anchor="middle" '
        f'fill="{colour}">{shown}</text>',
    ]


GAP_FILL, GAP_TEXT = "#f3f4f6", "#59636e"


def _gap_bands(gaps: tuple[int, ...], label: str, labels: list[str], step: float, plot_h: float) -> list[str]:
    """A shaded band over each run of consecutive gap weeks, labelled across it when wide enough,
    otherwise upright along it; hovering names the weeks."""
    runs: list[list[int]] = []
    for i in sorted(set(gaps)):
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    parts = []
    for run in runs:
        x0, width = LEFT + run[0] * step, step * len(run)
        weeks = ", ".join(labels[i] for i in run if i < len(labels))
        parts.append(
            f'<rect class="gap" x="{x0:.1f}" y="{TOP}" width="{width:.1f}" height="{plot_h:.1f}" '
            f'fill="{GAP_FILL}" stroke="#d0d7de" stroke-dasharray="2 2">'
            f"<title>{escape(label)}: {escape(weeks)}</title></rect>"
        )
        if not label:
            continue
        if width >= 7 * len(label) + 8:
            parts.append(
                f'<text x="{x0 + width / 2:.1f}" y="{TOP + 14}" font-size="11" text-anchor="middle" '
                f'fill="{GAP_TEXT}">{escape(label)}</text>'
            )
        else:
            cx, cy = x0 + width / 2 + 4, TOP + plot_h / 2
            parts.append(
                f'<text x="{cx:.1f}" y="{cy:.1f}" font-size="10" text-anchor="middle" fill="{GAP_TEXT}" '
                f'transform="rotate(-90 {cx:.1f} {cy:.1f})">{escape(label)}</text>'
            )
    return parts


def _id(title: str) -> str:
    """A stable element id per chart, so several charts on one page keep their own labels."""
    return "c" + hashlib.sha1(title.encode()).hexdigest()[:10]  # noqa: S324 - an id, not security
