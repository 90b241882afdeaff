"""The dashboard through the test client: scoping, exposure, clusters, drill-down, empty data.

Tests that place reports relative to "this week" pin the clock (``frozen_now``, tests/clock.py): the
app counts weeks in the organisation's zone, so the machine's date must never leak in.
"""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.core.dates import monday
from app.core.pseudonyms import pseudonym
from app.core.roles import Role
from app.core.settings import set_setting
from app.dashboard.models import Cluster, Exposure
from app.dashboard.queries import Scope, weekly_counts
from app.extensions import db
from app.reviews.models import Review
from app.triage.models import Triage
from app.triage.operations import current_matrix
from tests.factories import csrf_from_page, login

TZ = ZoneInfo("America/New_York")


@pytest.fixture
def this_monday(org_day) -> date:
    """The Monday of the organisation's current week at the pinned instant."""
    return monday(org_day)


@pytest.fixture
def org(make, frozen_now):
    make.user("dsp@x.test", regions=["North"])
    make.user("dsp-south@x.test", regions=["South"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    make.region("South")
    return make


def as_user(app, email):
    client = app.test_client()
    login(client, email)
    return client


def at(day: date, hour=12, minute=0) -> str:
    return datetime.combine(day, time(hour, minute), tzinfo=TZ).isoformat()


def test_dsp_has_no_dashboard(app, org):
    assert as_user(app, "dsp@x.test").get("/dashboard").status_code == 403


def test_empty_dashboard_renders_a_run_chart(app, org):
    response = as_user(app, "quality@x.test").get("/dashboard")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Reports per week (run chart)" in html and "No signal" in html and "No open clusters." in html


def test_supervisor_sees_only_their_regions(app, org, this_monday):
    org.report("dsp@x.test", occurred_at=at(this_monday - timedelta(days=5)))
    org.report("dsp-south@x.test", region="South", occurred_at=at(this_monday - timedelta(days=5)))
    with app.app_context():
        south_id = db.session.scalar(select(Cluster.id))  # none yet; the region id comes next
        from app.taxonomy.models import Region

        south_id = db.session.scalar(select(Region.id).where(Region.name == "South"))
    html = as_user(app, "sup@x.test").get(f"/dashboard?region={south_id}").get_data(as_text=True)
    assert ">North<" in html and ">South<" not in html
    assert "1 reports in 26 weeks" in html


def test_drill_down_lists_the_reports_behind_a_number(app, org, this_monday):
    org.report(
        "dsp@x.test",
        category="transport",
        what_happened="Taxi without a ramp",
        occurred_at=at(this_monday - timedelta(days=3)),
    )
    org.report(
        "dsp@x.test",
        category="medication",
        what_happened="Wrong pack",
        occurred_at=at(this_monday - timedelta(days=3)),
    )
    quality = as_user(app, "quality@x.test")
    html = quality.get("/dashboard/trends").get_data(as_text=True)
    link = html.split('">Transport</a>', 1)[0].rsplit('href="', 1)[1].replace("&amp;", "&")
    listing = quality.get(link).get_data(as_text=True)
    assert "Taxi without a ramp" in listing and "Wrong pack" not in listing


def test_weeks_are_local_mondays_and_empty_weeks_are_zero(app, org, ctx, this_monday):
    week = this_monday - timedelta(weeks=2)  # New York is UTC-5 or UTC-4: the pinned date decides
    org.report("dsp@x.test", occurred_at=at(week - timedelta(days=1), 23, 30))  # Sunday night: week before
    org.report("dsp@x.test", occurred_at=at(week, 0, 10))  # Monday just after midnight: this week
    scope = Scope(week - timedelta(weeks=2), week + timedelta(weeks=1), None)
    assert weekly_counts(scope, TZ) == [0, 1, 1, 0]


def test_exposure_turns_the_chart_into_a_u_chart(app, org, this_monday):
    quality = as_user(app, "quality@x.test")
    token = csrf_from_page(quality, "/dashboard/exposure")
    weeks = [this_monday - timedelta(weeks=w) for w in range(1, 4)]
    csv_text = "region,week_start,visits\n" + "".join(f"North,{w},1000\n" for w in weeks)
    assert quality.post("/dashboard/exposure", data={"csrf_token": token, "csv": csv_text}).status_code == 302
    with app.app_context():
        assert db.session.query(Exposure).count() == 3
    html = quality.get("/dashboard").get_data(as_text=True)
    assert "Reports per 1,000 visits (u-chart)" in html


def test_a_bad_exposure_file_imports_nothing(app, org, this_monday):
    quality = as_user(app, "quality@x.test")
    token = csrf_from_page(quality, "/dashboard/exposure")
    csv_text = f"region,week_start,visits\nNorth,{this_monday},1000\nNowhere,{this_monday},5\n"
    response = quality.post("/dashboard/exposure", data={"csrf_token": token, "csv": csv_text})
    assert response.status_code == 422
    assert "Line 3: unknown region “Nowhere”." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Exposure).count() == 0
    assert as_user(app, "sup@x.test").get("/dashboard/exposure").status_code == 403


def test_detection_and_handling_clusters(app, org, this_monday):
    last_week = this_monday - timedelta(weeks=1)
    for day in range(3):
        org.report(
            "dsp@x.test",
            category="transport",
            person_ref="AB-12",
            occurred_at=at(last_week + timedelta(days=day)),
        )
    supervisor = as_user(app, "sup@x.test")
    token = csrf_from_page(supervisor, "/dashboard")
    assert supervisor.post("/dashboard/clusters/detect", data={"csrf_token": token}).status_code == 403
    quality = as_user(app, "quality@x.test")
    token = csrf_from_page(quality, "/dashboard")
    assert quality.post("/dashboard/clusters/detect", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        clusters = db.session.scalars(select(Cluster).order_by(Cluster.id)).all()
        found = {(c.method, c.person_ref) for c in clusters}
        ids = [c.id for c in clusters]
    assert found == {("poisson_fdr", None), ("local_rule", "ab-12")}, "the region's theme once, not twice"
    html = quality.get("/dashboard/clusters").get_data(as_text=True)
    with app.test_request_context():
        person = pseudonym("ab-12")
    assert f"person {person}" in html and "local rule: 3 reports within 28 days" in html
    assert "ab-12" not in html, "outside the person view the person is a pseudonym"
    refused = quality.post(
        f"/dashboard/clusters/{ids[0]}",
        data={"csrf_token": token, "action": "dismiss"},
        follow_redirects=True,
    )
    assert "Say why the cluster is dismissed." in refused.get_data(as_text=True)
    quality.post(
        f"/dashboard/clusters/{ids[0]}",
        data={"csrf_token": token, "action": "dismiss", "reason": "Same visit reported three times"},
    )
    response = quality.post(f"/dashboard/clusters/{ids[1]}", data={"csrf_token": token, "action": "review"})
    assert "/reviews/" in response.headers["Location"]
    with app.app_context():
        statuses = dict(db.session.execute(select(Cluster.id, Cluster.status)).all())
        assert (statuses[ids[0]], statuses[ids[1]]) == ("dismissed", "reviewing")
        review = db.session.scalar(select(Review))
        assert review.kind == "barrier_review" and len(review.reports) == 3


def test_detection_from_the_command_line(app, org, this_monday):
    result = app.test_cli_runner().invoke(args=["clusters", "detect", "--week", str(this_monday)])
    assert result.exit_code == 0 and "0 new cluster(s)" in result.output


def test_one_scan_summary_matches_the_single_queries(app, org, ctx, this_monday, frozen_now):
    from app.dashboard.queries import (
        barrier_share,
        breakdown,
        period_summary,
        triage_timeliness,
        weekly_counts_by,
    )
    from app.reports.models import Report

    for days, category, barrier in (
        (3, "transport", "luck"),
        (10, "medication", "MAR check"),
        (10, "transport", "Checked"),
        (30, "other", "Checked"),
    ):
        org.report(
            "dsp@x.test",
            category=category,
            barrier=barrier,
            occurred_at=at(this_monday - timedelta(days=days)),
        )
    org.report("dsp-south@x.test", region="South", occurred_at=at(this_monday - timedelta(days=4)))
    scope = Scope(this_monday - timedelta(weeks=6), this_monday - timedelta(weeks=1), None)
    now = frozen_now
    summary = period_summary(scope, TZ, triage_target=timedelta(hours=24), now=now)
    assert summary.weekly == weekly_counts(scope, TZ) and sum(summary.weekly) == 5
    assert summary.weekly_by_region == weekly_counts_by(scope, TZ, Report.region_id)
    assert summary.by_category == breakdown(scope, TZ, Report.category_id)
    assert sorted(summary.by_region) == sorted(breakdown(scope, TZ, Report.region_id))
    assert summary.barrier_share == barrier_share(scope, TZ) == 80.0
    single = triage_timeliness(scope, TZ, timedelta(hours=24), now)
    assert (summary.triage.met, summary.triage.total) == (single.met, single.total)


def test_a_cluster_is_linked_to_the_action_that_answers_it(app, org, this_monday):
    last_week = this_monday - timedelta(weeks=1)
    for day in range(3):
        org.report("dsp@x.test", category="transport", occurred_at=at(last_week + timedelta(days=day)))
    quality = as_user(app, "quality@x.test")
    token = csrf_from_page(quality, "/dashboard")
    quality.post("/dashboard/clusters/detect", data={"csrf_token": token})
    with app.app_context():
        from app.actions.measure import MeasureFilter
        from app.actions.models import Action

        cluster_id = db.session.scalar(select(Cluster.id))
        action = Action(
            title="Ramp taxis",
            change="Book ramp taxis",
            owner_id=1,
            due_date=this_monday,
            strength="strong",
            window_start=this_monday,
            window_end=this_monday + timedelta(days=28),
            measure=MeasureFilter(category_ids=(1,)).to_json(),
            target_reduction_percent=50,
            created_by_id=1,
        )
        db.session.add(action)
        db.session.commit()
        action_id = action.id
    unknown = quality.post(
        f"/dashboard/clusters/{cluster_id}",
        follow_redirects=True,
        data={"csrf_token": token, "action": "link", "action_id": "A-999"},
    )
    assert "Give the number of an existing action" in unknown.get_data(as_text=True)
    quality.post(
        f"/dashboard/clusters/{cluster_id}",
        data={"csrf_token": token, "action": "link", "action_id": f"A-{action_id}"},
    )
    page = quality.get(f"/actions/{action_id}").get_data(as_text=True)
    assert "clusters: Transport in North" in page


def test_a_supervisor_sees_their_region_s_clusters_behind_fifty_newer_ones_elsewhere(app, org, this_monday):
    """The region filter runs in SQL before the list's limit of 50, not on the 50 newest of all."""
    with app.app_context():
        from app.taxonomy.models import Category, Region

        region_ids = dict(db.session.execute(select(Region.name, Region.id)).all())
        transport = db.session.scalar(select(Category.id).where(Category.code == "transport"))
        db.session.add(
            Cluster(
                method="local_rule",
                week_start=this_monday - timedelta(weeks=60),
                cell_key="north-old",
                region_id=region_ids["North"],
                category_id=transport,
                observed=3,
            )
        )
        for n in range(50):
            db.session.add(
                Cluster(
                    method="local_rule",
                    week_start=this_monday - timedelta(weeks=1 + n % 10),
                    cell_key=f"south-{n}",
                    region_id=region_ids["South"],
                    category_id=transport,
                    observed=3,
                )
            )
        db.session.commit()
    clusters = (
        as_user(app, "sup@x.test")
        .get("/dashboard/clusters")
        .get_data(as_text=True)
        .split('class="cluster-list"')[1]
    )
    assert "Transport · North" in clusters and "South" not in clusters
    everything = as_user(app, "quality@x.test").get("/dashboard/clusters").get_data(as_text=True)
    assert everything.split('class="cluster-list"')[1].count("Transport · South") == 50


@pytest.mark.parametrize(
    "query",
    [
        "to=9999-12-31",
        "from=9999-12-31",
        "from=9999-12-25&to=9999-12-31",
        "to=0001-01-01",
        "from=0001-01-01&to=0001-01-31",
        "to=31/12/2026",
        "from=soon",
    ],
)
def test_far_or_unreadable_dates_in_the_date_filters_get_400(app, make, query):
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    quality = as_user(app, "quality@x.test")
    for path in ("/dashboard", "/reports", "/packs/oversight.zip"):
        response = quality.get(f"{path}?{query}")
        assert response.status_code == 400, (path, response.status_code)
        assert "YYYY-MM-DD" in response.get_data(as_text=True)
    token = csrf_from_page(quality, "/dashboard")
    for week in ("9999-12-31", "0001-01-01", "someday"):
        refused = quality.post("/dashboard/clusters/detect", data={"csrf_token": token, "week": week})
        assert refused.status_code == 400, week


def test_the_widest_dates_accepted_still_render(app, make):
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    quality = as_user(app, "quality@x.test")
    assert quality.get("/dashboard?from=1900-01-01&to=2999-12-31").status_code == 200
    assert quality.get("/reports?from=1900-01-01&to=2999-12-31").status_code == 200


def test_the_local_rule_follows_its_settings(app, org, this_monday):
    """``recurrence_cluster_days`` and ``recurrence_cluster_size`` are the local rule's window and size."""
    last_week = this_monday - timedelta(weeks=1)
    for day in (0, 2):
        org.report(
            "dsp@x.test",
            category="transport",
            person_ref="CD-34",
            occurred_at=at(last_week + timedelta(days=day)),
        )
    org.report(
        "dsp@x.test", category="transport", person_ref="CD-34", occurred_at=at(last_week - timedelta(days=5))
    )
    quality = as_user(app, "quality@x.test")
    token = csrf_from_page(quality, "/dashboard")
    with app.app_context():
        set_setting("recurrence_cluster_days", 7, actor=None)
        db.session.commit()
    local_rule = select(Cluster.person_ref, Cluster.observed).where(Cluster.method == "local_rule")
    quality.post("/dashboard/clusters/detect", data={"csrf_token": token})
    with app.app_context():
        assert db.session.execute(local_rule).all() == []
        set_setting("recurrence_cluster_days", 14, actor=None)
        set_setting("recurrence_cluster_size", 4, actor=None)
        db.session.commit()
    quality.post("/dashboard/clusters/detect", data={"csrf_token": token})
    with app.app_context():
        assert db.session.execute(local_rule).all() == []
        set_setting("recurrence_cluster_size", 3, actor=None)
        db.session.commit()
    quality.post("/dashboard/clusters/detect", data={"csrf_token": token})
    with app.app_context():
        assert set(db.session.execute(local_rule).all()) == {("cd-34", 3), (None, 3)}
    assert "local rule: 3 reports within 14 days" in quality.get("/dashboard/clusters").get_data(as_text=True)


def _triaged(report_id: int, proposed: str) -> None:
    triager = db.session.scalar(select(User).where(User.email == "quality@x.test"))
    db.session.add(
        Triage(
            report_id=report_id,
            triaged_by_id=triager.id,
            still_at_risk_now=False,
            recurrence_proposed=proposed,
            recurrence=proposed,
            minimum_investigation="Log and learn.",
            severity="low",
            event_class="near_miss",
            matrix_version_id=current_matrix().id,
            proposed_review_level="none",
            review_level="none",
        )
    )


def proposal_rows(html: str) -> list[list[str]]:
    """The month table's rows as their cells' text."""
    table = html.split('class="queue compact proposal-shares"', 1)[1].split("</table>", 1)[0]
    rows = table.split("<tbody>", 1)[1].split("</tr>")[:-1]
    return [re.findall(r"<td[^>]*>([^<]*)</td>", row) for row in rows]


def test_the_share_of_each_recurrence_proposal_per_month_within_the_regions_seen(app, org, this_monday):
    first_of_month = (this_monday - timedelta(weeks=8)).replace(day=1)
    previous_month = first_of_month - timedelta(days=1)
    late_last_month = org.report("dsp@x.test", occurred_at=at(previous_month, 23, 30))  # the next day in UTC
    early = org.report("dsp@x.test", occurred_at=at(first_of_month, 0, 30))
    north = org.report("dsp@x.test", occurred_at=at(first_of_month))
    south = org.report("dsp-south@x.test", region="South", occurred_at=at(first_of_month))
    org.report("dsp@x.test", occurred_at=at(first_of_month, 13))  # not triaged: not counted
    with app.app_context():
        for report_id, proposed in ((late_last_month, "single"), (early, "repeat"), (north, "cluster")):
            _triaged(report_id, proposed)
        _triaged(south, "cluster")
        db.session.commit()

    everything = proposal_rows(as_user(app, "quality@x.test").get("/dashboard/triage").get_data(as_text=True))
    assert everything == [
        [f"{previous_month:%b %Y}", "1", "1 (100%)", "0 (0%)", "0 (0%)"],
        [f"{first_of_month:%b %Y}", "3", "0 (0%)", "1 (33%)", "2 (67%)"],
    ]
    north_only = proposal_rows(as_user(app, "sup@x.test").get("/dashboard/triage").get_data(as_text=True))
    assert north_only[-1] == [f"{first_of_month:%b %Y}", "2", "0 (0%)", "1 (50%)", "1 (50%)"]
    south_chosen = as_user(app, "quality@x.test").get(
        "/dashboard/triage", query_string={"region": org.region("South")}
    )
    assert proposal_rows(south_chosen.get_data(as_text=True)) == [
        [f"{first_of_month:%b %Y}", "1", "0 (0%)", "0 (0%)", "1 (100%)"]
    ]


PAGES = (
    "/dashboard",
    "/dashboard/trends",
    "/dashboard/clusters",
    "/dashboard/timeliness",
    "/dashboard/triage",
    "/dashboard/incidents",
    "/dashboard/actions",
)


def _cluster_in(app, region: str, category: str, week: date) -> int:
    from app.taxonomy.models import Category, Region

    with app.app_context():
        cluster = Cluster(
            method="local_rule",
            week_start=week,
            cell_key=f"{region}-{category}",
            region_id=db.session.scalar(select(Region.id).where(Region.name == region)),
            category_id=db.session.scalar(select(Category.id).where(Category.code == category)),
            observed=3,
        )
        db.session.add(cluster)
        db.session.commit()
        return cluster.id


def test_every_dashboard_page_has_the_dashboard_s_permissions_and_regions(app, org, this_monday):
    last_week = this_monday - timedelta(weeks=1)
    org.report("dsp@x.test", category="transport", occurred_at=at(last_week))
    org.report("dsp-south@x.test", region="South", category="medication", occurred_at=at(last_week))
    _cluster_in(app, "North", "transport", last_week)
    _cluster_in(app, "South", "medication", last_week)
    signed_out, dsp = app.test_client(), as_user(app, "dsp@x.test")
    supervisor, quality = as_user(app, "sup@x.test"), as_user(app, "quality@x.test")
    for path in PAGES:
        assert "/login" in signed_out.get(path).headers["Location"], path
        assert dsp.get(path).status_code == 403, path
        north = supervisor.get(path, query_string={"region": org.region("South")})
        assert north.status_code == 200, path
        assert "South" not in north.get_data(as_text=True), f"{path}: a supervisor sees only their regions"
        everything = quality.get(path).get_data(as_text=True)
        assert ">South<" in everything, path
    assert "Medication · South" in quality.get("/dashboard/clusters").get_data(as_text=True)
    assert "Transport · North" in supervisor.get("/dashboard/clusters").get_data(as_text=True)
    trends = quality.get("/dashboard/trends").get_data(as_text=True)
    assert "<td>South</td>" in trends and ">Medication</a>" in trends, "per team and where reports come from"


def test_the_weekly_review_links_each_page_with_the_filters_and_keeps_old_cluster_anchors(
    app, org, this_monday
):
    last_week = this_monday - timedelta(weeks=1)
    org.report("dsp@x.test", category="transport", occurred_at=at(last_week))
    north_cluster = _cluster_in(app, "North", "transport", last_week)
    quality = as_user(app, "quality@x.test")
    first = last_week - timedelta(weeks=3)
    north = org.region("North")
    html = quality.get(f"/dashboard?from={first}&to={last_week}&region={north}").get_data(as_text=True)
    nav = html.split('class="dashboard-nav"', 1)[1].split("</nav>", 1)[0]
    links = dict(re.findall(r'href="([^"?]+)\?([^"]*)"', nav))
    assert set(links) == set(PAGES)
    for query in links.values():
        assert query.replace("&amp;", "&") == f"from={first}&to={last_week}&region={north}"
    # Needs attention: the new cluster, with a link to the clusters page.
    attention = html.split('id="attention"', 1)[1].split("</section>", 1)[0]
    assert "1 new cluster to decide on" in attention and "/dashboard/clusters?" in attention
    # /work and notifications used to link /dashboard#cluster-<id> and #clusters: still on the review,
    # and each leads to the cluster on the clusters page.
    assert 'id="clusters"' in html and f'id="cluster-{north_cluster}"' in html
    assert f'#cluster-{north_cluster}"' in html
    clusters = quality.get("/dashboard/clusters").get_data(as_text=True)
    assert f'id="cluster-{north_cluster}"' in clusters and "Run detection now" in clusters
    assert "Run detection now" not in html, "the weekly review handles no cluster itself"
