"""Line charts draw weeks with no data as a shaded, labelled gap; other charts are unchanged."""

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
