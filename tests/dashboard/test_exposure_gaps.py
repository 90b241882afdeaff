"""Exposure gaps on the u-chart: a region-week without a visit figure is left out of both the
reports and the visits; a week with no figure at all is a gap (None), never a rate or a zero."""

import math
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.core.dates import monday
from app.core.roles import Role
from app.dashboard.models import Exposure
from app.dashboard.overview import control_chart
from app.dashboard.spc import ExposedWeek, exposed_weeks, u_chart
from app.extensions import db
from app.taxonomy.models import Region
from tests.factories import login

TZ = ZoneInfo("America/New_York")

MONDAYS = [date(2026, 1, 5) + timedelta(weeks=i) for i in range(8)]
LABELS = [f"{w:%d %b}" for w in MONDAYS]
NAMES = {1: "North", 2: "South"}


def test_a_region_week_without_a_figure_is_left_out_of_reports_and_visits():
    counts = {1: [2, 3, 4, 1], 2: [5, 6, 1, 2]}
    visits = {1: [1000, None, 800, 900], 2: [None, None, 500, 0]}
    weeks = exposed_weeks(counts, visits, 4)
    assert weeks == [
        ExposedWeek(2, 1000, ((2, 5),)),  # South's 5 reports have no visits to be a rate of
        ExposedWeek(0, None, ((1, 3), (2, 6))),  # no figure at all: a gap
        ExposedWeek(5, 1300, ()),
        ExposedWeek(1, 900, ((2, 2),)),  # a figure of 0 visits is no figure
    ]
    assert [w.gap for w in weeks] == [False, True, False, False]


def test_gap_weeks_are_none_and_the_centre_and_limits_ignore_them():
    counts = {1: [40, 2, 30, 3, 2, 1]}
    visits = {1: [None, 1000, None, 1500, 500, 1000]}
    weeks = exposed_weeks(counts, visits, 6)
    chart = u_chart([w.count for w in weeks], [w.visits for w in weeks], LABELS[:6])
    assert chart.rates[0] is None and chart.rates[2] is None
    assert chart.upper[0] is chart.lower[0] is chart.upper[2] is chart.lower[2] is None
    # ū = (2 + 3 + 2 + 1) / (1000 + 1500 + 500 + 1000) = 8 / 4000 = 2 per 1,000 visits; the 70 reports
    # of the weeks without a figure are in neither sum.
    assert math.isclose(chart.centre, 2.0)
    assert math.isclose(chart.upper[4], 2.0 + 3 * math.sqrt(0.002 / 500) * 1000)  # 8.0 per 1,000
    assert math.isclose(chart.upper[3], 2.0 + 3 * math.sqrt(0.002 / 1500) * 1000)
    assert [r for r in chart.rates if r is not None] == [2.0, 2.0, 4.0, 1.0]
    assert chart.signals == []


def test_the_first_weeks_before_any_figure_are_not_signals():
    counts = {1: [90, 80, 85, 3, 4, 3, 5, 4]}
    visits = {1: [None, None, None] + [1000] * 5}
    weeks = exposed_weeks(counts, visits, 8)
    chart = u_chart([w.count for w in weeks], [w.visits for w in weeks], LABELS)
    assert chart.rates[:3] == [None, None, None]
    assert math.isclose(chart.centre, 19 / 5000 * 1000)
    assert chart.signals == [] and chart.rules.useful == 5
    board = control_chart([90, 80, 85, 3, 4, 3, 5, 4], weeks, LABELS, MONDAYS, NAMES)
    assert board.signals == []
    assert board.gap_notes == [
        "No visit figure for the weeks of 05 Jan 2026 to 19 Jan 2026 (before the first visit figure): "
        "drawn as a gap, not a zero; 255 reports left out of the rate."
    ]


def test_the_chart_draws_a_gap_with_a_note_not_a_zero():
    counts = {1: [3, 9, 4, 5], 2: [1, 1, 2, 0]}
    visits = {1: [1000, None, 1000, 1000], 2: [500, None, None, 500]}
    weeks = exposed_weeks(counts, visits, 4)
    board = control_chart([4, 10, 6, 5], weeks, LABELS[:4], MONDAYS[:4], NAMES)
    assert board.kind == "u"
    assert board.gap_notes == [
        "No visit figure for the week of 12 Jan 2026: drawn as a gap, not a zero; 10 reports left out "
        "of the rate.",
        "No visit figure for South for the week of 19 Jan 2026: its 2 reports left out of the rate and "
        "its visits unknown.",
    ]
    week, count, visits_shown, rate, _, lower, upper, note = board.rows[1]
    assert (week, count, visits_shown, rate, lower, upper) == ("12 Jan", 10, None, None, None, None)
    assert note == "no visit figure"
    assert board.rows[2][2:4] == (1000, 4.0) and board.rows[2][7] == "left out: South (2 reports)"
    svg = str(board.svg)
    gap = re.search(
        r'<rect class="gap" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"[^>]*><title>([^<]*)</title>', svg
    )
    assert gap and gap.group(3) == "no visit figure: 12 Jan"
    assert ">no visit figure</text>" in svg
    # no point is drawn for the gap week, at zero or anywhere: the rate line breaks there
    assert "<title>12 Jan:" not in svg
    rate_line = re.findall(r'<polyline points="([^"]*)" fill="none" stroke="#174a7c"', svg)
    assert len(rate_line) == 2 and len(rate_line[0].split()) == 1 and len(rate_line[1].split()) == 2
    x0, width = float(gap.group(1)), float(gap.group(2))
    first_x = float(rate_line[0].split(",")[0])
    second_x = float(rate_line[1].split()[0].split(",")[0])
    assert first_x < x0 and x0 + width < second_x  # the band covers exactly the missing week
    assert "1 week(s) without a visit figure are gaps, not zeros." in svg


def test_without_any_figure_the_chart_stays_a_run_chart_with_no_gap_bands():
    weeks = exposed_weeks({1: [1, 2, 3]}, {}, 3)
    board = control_chart([1, 2, 3], weeks, LABELS[:3], MONDAYS[:3], NAMES)
    assert board.kind == "run" and board.gap_notes == [] and 'class="gap"' not in str(board.svg)


@pytest.fixture
def org(make, frozen_now):
    make.user("dsp@x.test", regions=["North"])
    make.user("dsp-south@x.test", regions=["South"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    return make


def test_the_dashboard_shows_the_gap_and_says_why(app, org, org_day):
    this_monday = monday(org_day)
    weeks = [this_monday - timedelta(weeks=w) for w in (4, 3, 1)]  # two weeks ago has no figure
    noon = [datetime.combine(w + timedelta(days=1), time(12), tzinfo=TZ).isoformat() for w in weeks]
    for moment in noon:
        org.report("dsp@x.test", occurred_at=moment)
    org.report("dsp-south@x.test", region="South", occurred_at=noon[-1])  # South has no figure at all
    with app.app_context():
        north = db.session.scalar(select(Region.id).where(Region.name == "North"))
        db.session.add_all(Exposure(region_id=north, week_start=w, visits=1000) for w in weeks)
        db.session.commit()
    client = app.test_client()
    login(client, "quality@x.test")
    html = client.get("/dashboard/trends").get_data(as_text=True)
    gap_week = this_monday - timedelta(weeks=2)
    assert f"No visit figure for the week of {gap_week:%d %b %Y}: drawn as a gap, not a zero" in html
    assert "(before the first visit figure)" in html
    assert (
        f"No visit figure for South for the week of {weeks[-1]:%d %b %Y}: its 1 report left out of the rate"
        in html
    )
    drawings = html.split("<svg ")[1:]
    narrow = [svg for svg in drawings if "chart-narrow" in svg.split(">", 1)[0]]
    assert len(narrow) == 1, "the u-chart is drawn once more for phones"
    for svg in (drawings[0], narrow[0]):
        assert svg.count('<rect class="gap"') == 2  # the weeks before the first figure, and the missing week
    assert "<td>left out: South (1 report)</td>" in html


def test_a_region_without_a_figure_but_no_reports_those_weeks_needs_no_note():
    counts = {1: [2, 3, 1], 2: [0, 0, 4]}
    weeks = exposed_weeks(counts, {1: [1000, 1000, 1000]}, 3)
    board = control_chart([2, 3, 5], weeks, LABELS[:3], MONDAYS[:3], NAMES)
    assert board.gap_notes == [
        "No visit figure for South for the weeks of 05 Jan 2026 to 19 Jan 2026: its 4 reports left out of "
        "the rate and its visits unknown."
    ]
    assert [row[7] for row in board.rows] == ["", "", "left out: South (4 reports)"]
