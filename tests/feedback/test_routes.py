"""The feedback pages through the test client: who sees an update, what its page says, bad input."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.core.roles import Role
from app.extensions import db
from app.feedback.models import FeedbackPost
from app.taxonomy.models import Region
from tests.factories import csrf_from_page, login

TODAY = date(2026, 3, 2)


@pytest.fixture
def org(app, make):
    make.user("dsp@x.test", regions=["North"])
    make.user("dsp-south@x.test", regions=["South"])
    make.user("dsp2@x.test", regions=["North"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    app.config["NEARMISS_TODAY"] = TODAY
    yield make
    app.config.pop("NEARMISS_TODAY", None)


def as_user(app, email):
    client = app.test_client()
    login(client, email)
    return client


def region_id(app, name):
    with app.app_context():
        return db.session.scalar(select(Region.id).where(Region.name == name))


def publish(app, **fields):
    quality = as_user(app, "quality@x.test")
    token = csrf_from_page(quality, "/feedback/new")
    data = {"csrf_token": token, "what_changed": "Checked", "why": "Because", **fields}
    response = quality.post("/feedback/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        return db.session.scalar(select(FeedbackPost.id).where(FeedbackPost.title == fields["title"]))


def test_the_page_thanks_the_reporter_for_each_of_their_reports_once(app, org):
    first = org.report("dsp@x.test")
    second = org.report("dsp@x.test")
    other = org.report("dsp2@x.test")
    post_id = publish(
        app,
        title="South only update",
        report_ids=f"NM-{first}, NM-{second}, NM-{other}",
        region_ids=[str(region_id(app, "South"))],
    )
    # Outside the audience, but the reporter of linked reports: they see it, and are thanked.
    page = as_user(app, "dsp@x.test").get(f"/feedback/{post_id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Your reports <a" in text
    assert f">NM-{first}</a>, <a" in text and f">NM-{second}</a> helped make this change" in text
    assert f"NM-{other}</a>" not in text
    assert "3 reports led to this." in text
    # Outside the audience with no report of theirs: as if it did not exist.
    assert as_user(app, "sup@x.test").get(f"/feedback/{post_id}").status_code == 404
    assert as_user(app, "dsp@x.test").get(f"/feedback/{post_id + 100}").status_code == 404


def test_reports_linked_directly_and_through_an_action_count_once(app, org):
    report_id = org.report("dsp@x.test")
    quality = as_user(app, "quality@x.test")
    with app.app_context():
        owner = db.session.scalar(select(User.id).where(User.email == "sup@x.test"))
    start = TODAY + timedelta(days=7)
    saved = quality.post(
        "/actions/new",
        data={
            "csrf_token": csrf_from_page(quality, "/actions"),
            "title": "Address check",
            "change": "Every rota change checks the address",
            "owner_id": str(owner),
            "due_date": str(start),
            "strength": "strong",
            "window_start": str(start),
            "window_end": str(start + timedelta(days=28)),
            "target_reduction_percent": "50",
            "region_ids": [str(region_id(app, "North"))],
            "report_ids": f"NM-{report_id}",
        },
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)
    action_id = int(saved.headers["Location"].rsplit("/", 1)[1])
    post_id = publish(app, title="Both ways", action_ids=f"A-{action_id}", report_ids=f"NM-{report_id}")
    text = as_user(app, "dsp@x.test").get(f"/feedback/{post_id}").get_data(as_text=True)
    assert "Your report <a" in text and f">NM-{report_id}</a> helped make this change" in text
    assert f"Actions: A-{action_id} Address check" in text
    assert "1 report led to this." in text
    lead = as_user(app, "quality@x.test").get(f"/feedback/{post_id}").get_data(as_text=True)
    assert "helped make this change" not in lead
    assert "1 report led to this." in lead


def test_a_refused_update_shows_the_form_again_with_what_was_typed(app, org):
    north = region_id(app, "North")
    quality = as_user(app, "quality@x.test")
    assert 'value="A-7"' in quality.get("/feedback/new?action=7").get_data(as_text=True)
    response = quality.post(
        "/feedback/new",
        data={
            "csrf_token": csrf_from_page(quality, "/feedback/new"),
            "title": "Typed title",
            "what_changed": "x",
            "why": "Because",
            "action_ids": "A-999",
            "region_ids": [str(north)],
            "roles": ["supervisor"],
        },
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert 'value="Typed title"' in text and 'value="A-999"' in text
    assert f'value="{north}" checked' in text and 'value="supervisor" checked' in text
    assert "Say what changed." in text and "Link the actions or reports this update is about." in text
    with app.app_context():
        assert db.session.scalar(select(FeedbackPost.id)) is None


def test_only_the_quality_lead_publishes(app, org):
    assert as_user(app, "sup@x.test").get("/feedback/new").status_code == 403
    assert as_user(app, "sup@x.test").post("/feedback/new", data={}).status_code in (400, 403)
