"""Reviews, actions and feedback through the test client: who may change what, and bad input."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from sqlalchemy import select

from app.actions.models import Action
from app.core.roles import Role
from app.extensions import db
from app.feedback.models import FeedbackPost
from app.reviews.models import Review
from app.taxonomy.models import Category
from tests.factories import csrf_from_page, login

# A fixed day; the clock is pinned 150 days after it (below), so the whole test window lies in the
# past, where reports may be filed, on any day the tests run.
TODAY = date(2026, 4, 15)


@pytest.fixture(autouse=True)
def _clock_after_the_window():
    with time_machine.travel(datetime.combine(TODAY + timedelta(days=150), time(12), tzinfo=UTC), tick=True):
        yield


@pytest.fixture
def org(app, make):
    make.user("dsp@x.test", regions=["North"])
    make.user("dsp-south@x.test", regions=["South"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("sup-south@x.test", roles=[Role.SUPERVISOR], regions=["South"])
    make.user("owner@x.test", roles=[Role.SCHEDULER], regions=["North"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    app.config["NEARMISS_TODAY"] = TODAY
    yield make
    app.config.pop("NEARMISS_TODAY", None)


def as_user(app, email):
    client = app.test_client()
    login(client, email)
    return client


def ids(app):
    with app.app_context():
        from app.auth.models import User
        from app.taxonomy.models import Region

        return {
            "owner": db.session.scalar(select(User.id).where(User.email == "owner@x.test")),
            "quality": db.session.scalar(select(User.id).where(User.email == "quality@x.test")),
            "north": db.session.scalar(select(Region.id).where(Region.name == "North")),
            "rota": db.session.scalar(select(Category.id).where(Category.code == "scheduling_rota")),
        }


def action_form(client, known, **overrides):
    data = {
        "csrf_token": csrf_from_page(client, "/actions"),
        "title": "Address check on rota changes",
        "change": "Every rota change checks the address",
        "owner_id": str(known["owner"]),
        "due_date": str(TODAY + timedelta(days=7)),
        "strength": "strong",
        "window_start": str(TODAY + timedelta(days=7)),
        "window_end": str(TODAY + timedelta(days=35)),
        "target_reduction_percent": "50",
        "category_ids": [str(known["rota"])],
        "region_ids": [str(known["north"])],
    }
    data.update(overrides)
    return client.post("/actions/new", data=data)


def test_only_the_quality_lead_creates_and_the_owner_changes(app, org):
    known = ids(app)
    assert as_user(app, "sup@x.test").get("/actions/new").status_code == 403
    quality = as_user(app, "quality@x.test")
    response = action_form(quality, known)
    assert response.status_code == 302
    action_id = int(response.headers["Location"].rsplit("/", 1)[1])
    owner = as_user(app, "owner@x.test")
    assert owner.get(f"/actions/{action_id}/edit").status_code == 200
    supervisor = as_user(app, "sup@x.test")
    assert supervisor.get(f"/actions/{action_id}").status_code == 200
    assert supervisor.get(f"/actions/{action_id}/edit").status_code == 403
    token = csrf_from_page(supervisor, "/actions")
    assert supervisor.post(f"/actions/{action_id}/done", data={"csrf_token": token}).status_code == 403
    owner_token = csrf_from_page(owner, "/actions")
    assert owner.post(f"/actions/{action_id}/done", data={"csrf_token": owner_token}).status_code == 302


def test_region_scoping_of_actions(app, org):
    known = ids(app)
    action_form(as_user(app, "quality@x.test"), known)
    with app.app_context():
        action_id = db.session.scalar(select(Action.id))
    south = as_user(app, "sup-south@x.test")
    assert south.get(f"/actions/{action_id}").status_code == 404
    assert "Address check" not in south.get("/actions").get_data(as_text=True)
    assert as_user(app, "dsp@x.test").get(f"/actions/{action_id}").status_code == 404


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"due_date": str(TODAY - timedelta(days=2))}, "The due date is in the past."),
        ({"window_end": str(TODAY + timedelta(days=3))}, "at least 7 days and end after it starts"),
        ({"window_start": str(TODAY - timedelta(days=1))}, "defined before the test starts"),
        ({"category_ids": [], "region_ids": []}, "Say which reports count"),
        ({"report_ids": "NM-999999"}, "Link only reports you can see (NM-numbers)."),
        ({"review_ids": "R-424242"}, "Link only reviews you can see (R-numbers)."),
        ({"due_date": "next week"}, "Give a due date."),
        ({"target_reduction_percent": "lots"}, "Give the target as a reduction"),
    ],
)
def test_bad_action_input_is_refused_with_a_clear_message(app, org, overrides, message):
    response = action_form(as_user(app, "quality@x.test"), ids(app), **overrides)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert "Address check on rota changes" in html, "what was typed is kept"


def test_the_owner_cannot_record_the_verdict(app, org):
    known = ids(app)
    quality = as_user(app, "quality@x.test")
    action_form(quality, {**known, "owner": known["quality"]})
    with app.app_context():
        action = db.session.scalar(select(Action))
        action_id, end = action.id, action.window_end
    app.config["NEARMISS_TODAY"] = end + timedelta(days=1)
    token = csrf_from_page(quality, f"/actions/{action_id}")
    refused = quality.post(f"/actions/{action_id}/verify", data={"csrf_token": token, "verdict": "effective"})
    assert refused.status_code == 422
    assert "owner cannot verify" in refused.get_data(as_text=True)
    supervisor = as_user(app, "sup@x.test")
    token = csrf_from_page(supervisor, f"/actions/{action_id}")
    with app.app_context():
        version = db.session.get(Action, action_id).version  # the action the verdict form was read from
    ok = supervisor.post(
        f"/actions/{action_id}/verify",
        data={"csrf_token": token, "version": version, "verdict": "not_effective"},
    )
    assert ok.status_code == 302


def test_reviews_link_reports_and_show_on_the_report(app, org):
    report_id = org.report("dsp@x.test", category="scheduling_rota")
    supervisor = as_user(app, "sup@x.test")
    token = csrf_from_page(supervisor, "/reviews/new")
    response = supervisor.post(
        "/reviews/new",
        data={
            "csrf_token": token,
            "kind": "pathway_map",
            "title": "Rota change pathway",
            "report_ids": f"NM-{report_id}",
            "step_0_what": "Address changed in the client record",
            "step_0_where": "Office",
            "step_1_what": "Rota not updated",
            "broke_at": "1",
        },
    )
    assert response.status_code == 302
    html = supervisor.get(f"/reports/{report_id}").get_data(as_text=True)
    assert "Rota change pathway" in html
    south = as_user(app, "sup-south@x.test")
    token = csrf_from_page(south, "/reviews/new")
    refused = south.post(
        "/reviews/new",
        data={
            "csrf_token": token,
            "kind": "brief_structured_review",
            "title": "Peek",
            "report_ids": f"NM-{report_id}",
        },
    )
    assert refused.status_code == 422 and "Link only reports you can see" in refused.get_data(as_text=True)
    with app.app_context():
        review = db.session.scalar(select(Review))
        assert review.pathway_steps[1]["broke"] is True


def test_feedback_published_by_the_quality_lead_reaches_the_reporter(app, org):
    report_id = org.report("dsp@x.test", category="scheduling_rota", confidential=True)
    assert as_user(app, "sup@x.test").get("/feedback/new").status_code == 403
    quality = as_user(app, "quality@x.test")
    token = csrf_from_page(quality, "/feedback/new")
    bad = quality.post("/feedback/new", data={"csrf_token": token, "title": "x"})
    assert bad.status_code == 422
    response = quality.post(
        "/feedback/new",
        data={
            "csrf_token": token,
            "title": "Addresses checked on rota changes",
            "what_changed": "The office checks the address on every change",
            "why": "Wrong-address visits",
            "report_ids": f"NM-{report_id}",
        },
    )
    assert response.status_code == 302
    reporter = as_user(app, "dsp@x.test")
    assert "Addresses checked on rota changes" in reporter.get("/").get_data(as_text=True)
    assert "Led to a change: Addresses checked" in reporter.get("/my-reports").get_data(as_text=True)
    assert "Something changed because you reported" in reporter.get("/notifications").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(FeedbackPost.title)) == "Addresses checked on rota changes"


def test_feedback_audience_by_region(app, org):
    known = ids(app)
    report_id = org.report("dsp@x.test")
    quality = as_user(app, "quality@x.test")
    token = csrf_from_page(quality, "/feedback/new")
    quality.post(
        "/feedback/new",
        data={
            "csrf_token": token,
            "title": "North only update",
            "what_changed": "Something for North",
            "why": "Because",
            "report_ids": f"NM-{report_id}",
            "region_ids": [str(known["north"])],
        },
    )
    assert "North only update" in as_user(app, "sup@x.test").get("/feedback").get_data(as_text=True)
    assert "North only update" not in as_user(app, "dsp-south@x.test").get("/feedback").get_data(as_text=True)
