"""Line charts draw weeks with no data as a shaded, labelled gap; other charts are unchanged."""

import itertools
import re

from app.core.charts import Series, line_chart

LABELS = [f"w{i}" for i in range(26)]


def chart(gaps=(), label="no visit figure", values=None):
    values = values or [float(i % 5 + 1) for i in range(26)]
    return str(
        line_chart(
            LABELS,
            [Series("rate", values)],
            title="t",
            description="d",
            gaps=gaps,
            gap_label=label,
        )
    )


def test_without_gaps_no_band_is_drawn():
    svg = chart()
    assert 'class="gap"' not in svg and "no visit figure" not in svg
    assert svg == str(
        line_chart(
            LABELS, [Series("rate", [float(i % 5 + 1) for i in range(26)])], title="t", description="d"
        )
    )


def test_each_run_of_gap_weeks_is_one_band_named_by_its_weeks():
    values = [None if i in (0, 1, 2, 3, 4, 5, 10) else 2.0 for i in range(26)]
    svg = chart(gaps=(0, 1, 2, 3, 4, 5, 10), values=values)
    bands = re.findall(r'<rect class="gap"[^>]*width="([\d.]+)"[^>]*><title>([^<]*)</title>', svg)
    assert [title for _, title in bands] == [
        "no visit figure: w0, w1, w2, w3, w4, w5",
        "no visit figure: w10",
    ]
    assert float(bands[0][0]) > 6 * float(bands[1][0]) - 0.5  # six weeks wide against one
    # the wide band is labelled across, the one-week band upright along it
    assert re.search(r'text-anchor="middle" fill="#59636e">no visit figure</text>', svg)
    assert re.search(r'transform="rotate\(-90 [\d.]+ [\d.]+\)">no visit figure</text>', svg)
    for i in (0, 5, 10):
        assert f"<title>w{i}:" not in svg  # no point, at zero or anywhere, where there is no data


def test_shares_of_fewer_cases_than_the_minimum_are_open_points_with_their_n_off_the_line():
    shares = [100.0, 80.0, 0.0, 90.0, 85.0, None, 50.0]
    counts = [1, 10, 2, 10, 20, 0, 4]
    svg = str(
        line_chart(
            [f"w{i}" for i in range(7)],
            [Series("share", shares, counts=counts, min_count=5)],
            title="t",
            description="d",
        )
    )
    sparse = re.findall(r'<circle class="sparse"[^>]*><title>([^<]*)</title>', svg)
    assert sparse == ["w0: 100 (n=1)", "w2: 0 (n=2)", "w6: 50 (n=4)"]
    assert [t for t in re.findall(r">(n=\d)</text>", svg)] == ["n=1", "n=2", "n=4"]
    # the line joins only the weeks with 5 cases or more: w1 alone, then w3-w4
    lines = re.findall(r'<polyline points="([^"]*)"', svg)
    assert [len(points.split()) for points in lines] == [1, 2]


def test_without_counts_every_share_is_on_the_line():
    svg = str(line_chart(["a", "b", "c"], [Series("share", [100.0, 0.0, 50.0])], title="t", description="d"))
    assert 'class="sparse"' not in svg
    assert len(re.findall(r'<polyline points="([^"]*)"', svg)[0].split()) == 3


def test_axis_labels_with_years_never_overlap():
    """54 weeks labelled "6 Jan 2026": every label shown stands clear of the next (at the axis
    font's width per character), and the first week is labelled."""
    labels = [f"{d} Jan 2026" for d in range(1, 29)] + [f"{d} Feb 2026" for d in range(1, 27)]
    svg = str(line_chart(labels, [Series("r", [1.0] * len(labels))], title="t", description="d"))
    axis = r'<text x="([\d.]+)" y="\d+" font-size="11" text-anchor="middle"[^>]*>([^<]*)</text>'
    shown = re.findall(axis, svg)
    assert shown[0][1] == "1 Jan 2026"
    xs = [float(x) for x, _ in shown]
    widest = max(len(text) for _, text in shown) * 6.2
    assert all(b - a >= widest for a, b in itertools.pairwise(xs))
    assert len(shown) >= 6


def test_a_long_legend_wraps_inside_the_picture():
    """Seven timeliness measures: the legend takes more rows and the picture grows to hold them."""
    import re

    from app.core.charts import WIDTH, Series, line_chart

    names = [f"Measure number {n} within its target" for n in range(7)]
    svg = str(
        line_chart(
            ["a", "b"], [Series(name, [1.0, 2.0], "#000000") for name in names], title="T", description="D"
        )
    )
    height = float(re.search(r'viewBox="0 0 \d+ (\d+)"', svg).group(1))
    lines = [
        (float(a), float(b), float(c))
        for a, b, c in re.findall(r'<line x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)"', svg)
    ]
    legend = [line for line in lines if line[1] >= 250]
    assert len(legend) == 7 and len({y for _x, y, _x2 in legend}) > 1, "more than one row"
    texts = re.findall(r'<text x="([\d.]+)" y="([\d.]+)"[^>]*>(Measure number[^<]*)</text>', svg)
    for x_, y_, name in texts:
        assert float(x_) + 7 * len(name) <= WIDTH + 10 and float(y_) <= height, name


def test_a_chart_drawn_for_a_phone_keeps_its_words_inside_and_its_own_ids():
    """At ``NARROW_WIDTH`` the drawing is that wide (a 390 px screen shows it near full size, 11 px
    text stays 11 px): labels, legend and end labels stay inside it, and its ids differ from the wide
    drawing's, so a page can hold both."""
    from app.core.charts import NARROW_WIDTH, WIDTH

    labels = [f"{d} Jan" for d in range(1, 27)]
    series = [
        Series("reports per 1,000 visits", [float(i % 7 + 3) for i in range(26)]),
        Series("centre (ū)", [6.0] * 26, "#59636e", dashed=True, show_points=False, end_label="centre"),
        Series("3-sigma limits", [12.5] * 26, "#b42318", dashed=True, step=True, end_label="upper"),
    ]
    wide = str(line_chart(labels, series, title="u", description="d"))
    narrow = str(line_chart(labels, series, title="u", description="d", width=NARROW_WIDTH))
    assert f'viewBox="0 0 {NARROW_WIDTH} ' in narrow and f'viewBox="0 0 {WIDTH} ' in wide
    assert 'class="chart chart-narrow"' in narrow and 'class="chart"' in wide
    ids = set(re.findall(r' id="([^"]+)"', narrow))
    assert ids and not ids & set(re.findall(r' id="([^"]+)"', wide))
    for x, attributes, text in re.findall(r'<text x="([\d.]+)"([^>]*)>([^<]*)</text>', narrow):
        if 'text-anchor="end"' in attributes:
            continue  # ends at x, inside the plot
        share = 0.5 if 'text-anchor="middle"' in attributes else 1.0
        assert float(x) + 6.2 * len(text) * share <= NARROW_WIDTH + 4, text
    axis = r'<text x="([\d.]+)" y="\d+" font-size="11" text-anchor="middle"[^>]*>([^<]*)</text>'
    xs = [float(x) for x, _ in re.findall(axis, narrow)]
    assert len(xs) >= 3 and all(b - a >= 6 * 6.2 for a, b in itertools.pairwise(xs))
