"""The pack reads right (issue 16, point 8): years on every axis and week table, a duty not yet due
reads "due <date>", shares of fewer than 5 cases are points with their n, no heading breaks inside a
word and no page holds a lone table row; the u-chart's gap notes are printed under it."""

import base64
import io
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.actions.measure import MeasureFilter
from app.actions.models import Action
from app.auth.models import User
from app.core.dates import monday
from app.core.roles import Role
from app.dashboard.models import Cluster, Exposure
from app.dashboard.queries import Scope
from app.escalations.models import ExternalBody, ExternalDuty
from app.extensions import db
from app.packs.rendering import pack_html
from app.taxonomy.models import Category, Region
from tests.factories import login
from tests.packs.layout import layout_problems

TZ = ZoneInfo("America/New_York")
WEEKS = 26
DAY_WITH_YEAR = r"\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}"
LONG_REASON = (
    "Looked at in the weekly review with the supervisors of both teams: within the usual variation "
    "for the season, no common cause found in the reports."
)


def at(day: date, hour: int = 11) -> str:
    """That day at ``hour``, or an hour ago if that is still to come (the clock may be pinned at 00:30)."""
    return min(
        datetime.combine(day, time(hour), tzinfo=TZ), datetime.now(TZ) - timedelta(hours=1)
    ).isoformat()


@pytest.fixture
def pack_org(app, make, org_day):
    """Half a year of reports in North, visit figures for all but the first four weeks, 30 dismissed
    clusters with long reasons, 8 actions with long titles (one due per week: shares of 1 case) and
    four external duties: on time, late, overdue and not yet due."""
    make.user("dsp@x.test", regions=["North"])
    make.user("manager@x.test", roles=[Role.MANAGER], regions=[])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    last_week = monday(org_day)
    first_week = last_week - timedelta(weeks=WEEKS - 1)
    report_ids = []
    for week in range(WEEKS):
        for n in range(2):
            day = min(first_week + timedelta(weeks=week, days=n), org_day)
            report_ids.append(make.report("dsp@x.test", category="falls_mobility", occurred_at=at(day, 9)))
    now = datetime.now(TZ)  # the pinned instant
    with app.app_context():
        users = {u.email: u.id for u in db.session.scalars(select(User))}
        north = db.session.scalar(select(Region.id).where(Region.name == "North"))
        falls = db.session.scalar(select(Category.id).where(Category.code == "falls_mobility"))
        for week in range(4, WEEKS):
            week_start = first_week + timedelta(weeks=week)
            db.session.add(Exposure(region_id=north, week_start=week_start, visits=400))
        for n in range(30):
            db.session.add(
                Cluster(
                    method="local_rule",
                    week_start=first_week + timedelta(weeks=n % WEEKS),
                    cell_key=f"north-{n}",
                    region_id=north,
                    category_id=falls,
                    observed=6,
                    status="dismissed",
                    dismissed_reason=LONG_REASON,
                )
            )
        for n in range(8):
            due = first_week + timedelta(weeks=10 + n, days=2)
            db.session.add(
                Action(
                    title=f"Handover checklist number {n} for every evening shift change in North",
                    change="A checklist at each handover",
                    owner_id=users["quality@x.test"],
                    created_by_id=users["quality@x.test"],
                    created_at=datetime.combine(first_week, time(9), tzinfo=TZ),
                    due_date=due,
                    strength="intermediate",
                    window_start=due,
                    window_end=due + timedelta(days=27),
                    measure=MeasureFilter(category_ids=(falls,)).to_json(),
                    target_reduction_percent=50.0,
                )
            )
        body = ExternalBody(code="test-aps", name="Adult protective services (test)", due_amount=24)
        db.session.add(body)
        db.session.flush()
        identified = now - timedelta(days=3)
        for due, done in (
            (now - timedelta(days=2), now - timedelta(days=2, hours=5)),  # on time
            (now - timedelta(days=2), now - timedelta(days=1)),  # late
            (now - timedelta(hours=3), None),  # overdue
            (now + timedelta(days=2), None),  # not yet due
        ):
            db.session.add(
                ExternalDuty(
                    report_id=report_ids[-1],
                    body_id=body.id,
                    identified_at=identified,
                    due_at=due,
                    done_at=done,
                    done_by_id=users["quality@x.test"] if done else None,
                    reference="APS-1" if done else None,
                )
            )
        db.session.commit()
    return Scope(first_week, last_week, None), now


def pack_text(app, scope: Scope) -> str:
    client = app.test_client()
    login(client, "manager@x.test")
    period = f"from={scope.first_week}&to={scope.last_week + timedelta(days=6)}"
    response = client.get(f"/packs/oversight.pdf?{period}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    reader = PdfReader(io.BytesIO(response.data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_every_week_in_the_pack_has_its_year(app, pack_org):
    scope, _ = pack_org
    text = pack_text(app, scope)
    weekly = text.split("Week of Reports Week of Reports", 1)[1].split("Where the reports")[0]
    for week in scope.weeks:
        assert re.search(rf"\b{week.day} {week:%b %Y} \d+", weekly), week  # the week table
    # the chart's axis labels are text in the PDF too: "d Mon yyyy", never "dd Mon" alone
    chart = text.split("per 1,000 visits", 1)[1].split("Signals", 1)[0]
    axis = re.findall(r"\b\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b(?: \d{4})?", chart)
    assert axis and all(re.fullmatch(DAY_WITH_YEAR, label) for label in axis), axis


def test_a_duty_reads_on_time_late_overdue_or_due_with_its_date(app, pack_org):
    scope, now = pack_org
    text = pack_text(app, scope)
    duties = text.split("External reports made Body Due Done On time Reference", 1)[1].split("Feedback")[0]
    due = (now + timedelta(days=2)).astimezone(TZ)
    assert f"due {due.day} {due:%b %Y %H:%M}" in duties
    assert " no " not in f" {duties} "  # no bare "no": a duty not yet due is not late
    assert duties.count(" yes ") == 1 and duties.count(" late ") == 1 and " overdue " in duties


def test_the_pack_prints_the_u_charts_gap_notes(app, pack_org):
    scope, _ = pack_org
    text = pack_text(app, scope)
    first, fourth = scope.first_week, scope.first_week + timedelta(weeks=3)
    span = f"the weeks of {first:%d %b %Y} to {fourth:%d %b %Y} (before the first visit figure)"
    assert f"No visit figure for {span}: drawn as a gap, not a zero" in text


def test_shares_of_fewer_than_five_cases_are_points_with_their_n(app, pack_org):
    scope, _ = pack_org
    text = pack_text(app, scope)
    assert "A week with fewer than 5 cases is an open point labelled with its number of cases (n)" in text
    html = charts_inline(_html(app, scope))
    timeliness = html.split("Timeliness by week", 1)[1].split("</svg>", 1)[0]
    # the actions' series, found by its legend: one action due a week, so every share is of 1 case
    legend = r'stroke="(#[0-9a-f]{6})" stroke-width="2"/><text[^>]*>Actions in place by their due date<'
    colour = re.search(legend, timeliness).group(1)
    sparse = re.findall(
        rf'<circle class="sparse"[^>]*stroke="{colour}"[^>]*><title>([^<]*)</title>', timeliness
    )
    assert len(sparse) == 8 and all(t.endswith("(n=1)") for t in sparse)
    # and its line has nothing to join
    assert re.findall(rf'<polyline points="([^"]*)" fill="none" stroke="{colour}"', timeliness) == []


def charts_inline(html: str) -> str:
    """The pack's HTML with each chart image's SVG written in place, to be read as markup."""
    images = r'<img class="chart" alt="[^"]*" src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)">'
    return re.sub(images, lambda m: base64.b64decode(m.group(1)).decode(), html)


def _html(app, scope: Scope) -> str:
    with app.test_request_context():
        manager = db.session.scalar(select(User).where(User.email == "manager@x.test"))
        return pack_html(scope, manager, "All regions")


def test_no_heading_breaks_inside_a_word_and_no_page_holds_a_lone_row(app, pack_org):
    scope, _ = pack_org
    assert layout_problems(_html(app, scope)) == []


def test_the_packs_styles_keep_at_least_two_rows_of_a_table_on_each_page(app, pack_org):
    """The pack's own stylesheet over a short table placed lower and lower on the page: wherever the
    page breaks, no page holds a single row of it (a bare "rows never split" rule leaves one row alone
    at the foot of a page at two of these heights)."""
    scope, _ = pack_org
    style = _html(app, scope).split("<style>", 1)[1].split("</style>", 1)[0]
    body = "".join(f"<tr><td>Row {i}</td><td>Reason</td></tr>" for i in range(6))
    for paragraphs in range(40):
        page = (
            f"<html><head><style>{style}</style></head><body>"
            + "<p>Text before the table.</p>" * paragraphs
            + "<table><thead><tr><th>Week of</th><th>What</th></tr></thead>"
            + f"<tbody>{body}</tbody></table></body></html>"
        )
        assert layout_problems(page) == [], paragraphs


def test_the_layout_check_finds_a_lone_row_and_a_broken_heading():
    """The check itself can fail: a narrow heading allowed to break anywhere, and a long table with no
    rule keeping its rows together, are both reported."""
    found = []
    for rows in range(10, 40):
        body = "".join(f"<tr><td>r{i}</td><td>v</td></tr>" for i in range(rows))
        found += layout_problems(
            "<style>@page { size: A6 } th { overflow-wrap: anywhere }</style><p>x</p>"
            f"<table><thead><tr><th style='width: 4px'>Method</th><th>Reports</th></tr></thead>"
            f"<tbody>{body}</tbody></table>"
        )
    assert any("heading ['Method'] broken" in problem for problem in found)
    assert any("a lone row" in problem for problem in found)


def test_the_running_week_says_how_many_of_its_days_have_passed_and_later_weeks_are_left_out(
    app, pack_org, org_day
):
    scope, _ = pack_org
    client = app.test_client()
    login(client, "manager@x.test")
    period = f"from={scope.first_week}&to={org_day + timedelta(weeks=5)}"
    response = client.get(f"/packs/oversight.pdf?{period}")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages).split())
    weekly = text.split("Week of Reports Week of Reports", 1)[1].split("Where the reports")[0]
    this_week = monday(org_day)
    days = (org_day - this_week).days + 1
    if days < 7:  # on a Sunday the week is whole
        assert re.search(rf"\b{this_week.day} {this_week:%b %Y} \d+ \({days} of 7 days so far\)", weekly)
    later = this_week + timedelta(weeks=1)
    assert f"{later.day} {later:%b %Y}" not in weekly  # a week not yet begun is not a zero
    assert text.count("days so far") == (1 if days < 7 else 0)
    future = client.get(f"/packs/oversight.pdf?from={later}&to={later + timedelta(weeks=2)}")
    assert future.status_code == 400
