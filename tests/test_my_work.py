"""'My work' (issue 17, point 1): each role's landing page lists what waits for them, most urgent first,
each item with its clock, and nothing from regions or cases they may not see."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.core.clock import org_tz
from app.core.models import now_utc
from app.core.roles import Role
from app.dashboard.models import Cluster
from app.dashboard.queries import clusters_awaiting_review
from app.escalations.models import ExternalBody
from app.escalations.operations import add_external_duty
from app.extensions import db
from app.reports.models import Report
from app.reviews.models import Review
from app.reviews.operations import ReviewInput, save_review
from app.work.queries import SHOWN_PER_KIND, work_for
from tests.factories import login


@pytest.fixture
def org(make):
    make.user("dsp@x.test", regions=["North"])
    make.user("dsp-south@x.test", regions=["South"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("sup-south@x.test", roles=[Role.SUPERVISOR], regions=["South"])
    make.user("safe@x.test", roles=[Role.SAFEGUARDING_LEAD], regions=[])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    return make


def user(email):
    return db.session.scalar(select(User).where(User.email == email))


def kinds_and_titles(email, now=None):
    work = work_for(user(email), now or now_utc(), org_tz())
    return {kind: [item.title for item in items] for kind, items in work.items()}


def test_a_supervisor_sees_the_alert_first_then_triage_of_their_region_only(org, ctx):
    at_risk = org.report("dsp@x.test", still_at_risk=True)
    plain = org.report("dsp@x.test")
    org.report("dsp-south@x.test", region="South")
    work = kinds_and_titles("sup@x.test", now_utc() + timedelta(minutes=1))
    assert next(iter(work)) == "Stop-the-line alerts to acknowledge"
    assert work["Stop-the-line alerts to acknowledge"] == [
        f"NM-{at_risk} in North: someone may still be at risk"
    ]
    triage = work["Reports to triage"]
    assert [t.split(" · ")[0] for t in triage] == [f"NM-{at_risk}", f"NM-{plain}"]
    assert all("South" not in t for titles in work.values() for t in titles)


def test_an_unacknowledged_alert_comes_first_then_overdue_before_running(org, ctx):
    """A stop-the-line alert raised a minute ago (still inside its 15 minutes) comes first: someone may
    still be at risk. Then a review two weeks overdue before the triage queue, which is still running."""
    report = db.session.get(Report, org.report("dsp@x.test"))
    org.report("dsp@x.test", still_at_risk=True)
    today = now_utc().astimezone(org_tz()).date()
    save_review(
        user("sup@x.test"),
        ReviewInput(kind="brief_structured_review", title="Late review", reports=[report]),
        today=today - timedelta(days=14),
    )
    work = work_for(user("sup@x.test"), now_utc() + timedelta(minutes=1), org_tz())
    assert list(work) == ["Stop-the-line alerts to acknowledge", "Reviews you own", "Reports to triage"]
    assert work["Reviews you own"].overdue == work["Reviews you own"].total == 1
    assert work["Reviews you own"][0].clock.state.value == "breached"


def test_the_safeguarding_lead_sees_open_decisions_and_external_duties_with_clocks(org, ctx):
    report_id = org.report("dsp@x.test", category="safeguarding_rights")
    aps = db.session.scalar(select(ExternalBody).where(ExternalBody.code == "adult_protective_services"))
    add_external_duty(db.session.get(Report, report_id), aps, tz=org_tz())
    work = kinds_and_titles("safe@x.test")
    assert work["Safeguarding decisions"] == [f"NM-{report_id} in North"]
    assert work["External reports due"] == [f"NM-{report_id}: report to Adult protective services"]


def test_reviews_show_for_their_owner(org, ctx):
    report = db.session.get(Report, org.report("dsp@x.test"))
    review = save_review(
        user("quality@x.test"),
        ReviewInput(kind="brief_structured_review", title="Rota changes", reports=[report]),
    )
    assert kinds_and_titles("quality@x.test")["Reviews you own"] == [f"R-{review.id} · Rota changes"]
    assert "Reviews you own" not in kinds_and_titles("sup@x.test")


def test_staff_other_than_dsps_land_on_my_work(app, org):
    client = app.test_client()
    assert login(client, "sup@x.test").headers["Location"] == "/work"
    page = client.get("/work").get_data(as_text=True)
    assert "My work" in page and "Nothing waits for you now." in page
    dsp = app.test_client()
    assert login(dsp, "dsp@x.test").headers["Location"] == "/report"


def test_the_page_shows_each_clock(app, org):
    org.report("dsp@x.test", still_at_risk=True)
    client = app.test_client()
    login(client, "sup@x.test")
    page = client.get("/work").get_data(as_text=True)
    assert "Stop-the-line alerts to acknowledge" in page
    assert 'class="clock clock-running"' in page and "Acknowledge:" in page


def test_operations_and_scheduling_see_the_interface_failures_of_their_regions(make, ctx):
    make.user("dsp@x.test", regions=["North"])
    make.user("ops@x.test", roles=[Role.OPERATIONS_LEAD], regions=["North"])
    make.user("sched@x.test", roles=[Role.SCHEDULER], regions=["North"])
    make.user("sched-south@x.test", roles=[Role.SCHEDULER], regions=["South"])
    make.report("dsp@x.test", interface_tag="handover")
    ops, sched = kinds_and_titles("ops@x.test"), kinds_and_titles("sched@x.test")
    assert len(ops["Reviews you own"]) == 1 and "Interface failures in your regions" not in ops
    [failure] = sched["Interface failures in your regions"]
    assert failure.endswith("Ops has it") and "Information pathway of NM-" in failure
    assert kinds_and_titles("sched-south@x.test") == {}


def test_a_long_list_shows_the_most_urgent_and_says_how_many_in_all(org, ctx):
    reports = [db.session.get(Report, org.report("dsp@x.test")) for _ in range(3)]
    today = now_utc().astimezone(org_tz()).date()
    for n in range(SHOWN_PER_KIND + 2):
        save_review(
            user("quality@x.test"),
            ReviewInput(kind="full_systems_review", title=f"Review {n}", reports=reports),
            today=today - timedelta(days=n),
        )
    listed = work_for(user("quality@x.test"), now_utc(), org_tz())["Reviews you own"]
    assert (len(listed), listed.total) == (SHOWN_PER_KIND, SHOWN_PER_KIND + 2)
    assert [item.title.split(" · ")[1] for item in listed][:2] == [
        f"Review {SHOWN_PER_KIND + 1}",
        f"Review {SHOWN_PER_KIND}",
    ], "the ones due soonest first"


def test_every_cluster_awaiting_review_is_listed_however_many_there_are(org, ctx):
    """More new clusters than the dashboard shows at once (50): none is lost from the quality lead's
    list, and one with a review, or already dismissed, is not waiting."""
    review = Review(kind="barrier_review", title="Of a cluster", created_by_id=user("quality@x.test").id)
    db.session.add(review)
    for n in range(60):
        db.session.add(
            Cluster(
                method="local_rule", week_start=date(2026, 1, 5), cell_key=f"c{n}", observed=3, status="new"
            )
        )
    db.session.add(
        Cluster(method="local_rule", week_start=date(2026, 1, 5), cell_key="r", observed=3, review=review)
    )
    db.session.add(
        Cluster(
            method="local_rule", week_start=date(2026, 1, 5), cell_key="d", observed=3, status="dismissed"
        )
    )
    db.session.flush()
    assert len(clusters_awaiting_review()) == 60
