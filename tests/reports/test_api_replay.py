"""A replay is answered from the stored row before any validation (issue 14, point 3).

An outbox whose answer was lost sends the same report again, maybe days later. Whatever changed in
between - the category or program deactivated, the maximum age passed, the photo rules tightened, the
reporter moved to another region - the same ``client_uuid`` with the same content gets 200 and the
stored report; other content gets 409, never 422 (a 422 makes the phone ask for a fix, the fix gets
409, a new UUID is made and the report is stored twice).
"""

import base64
import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from PIL import Image
from sqlalchemy import func, select

from app.auth.models import User
from app.core.reference_data import forget_reference_data
from app.core.roles import Role
from app.extensions import db
from app.reports import photos
from app.reports.models import Report
from app.taxonomy.models import Category, Program, Region
from app.taxonomy.operations import set_category_active, set_program_active
from tests.factories import login, post_report, report_body

# Pinned: the report is made "now", the replay comes a year and more later.
SENT_AT = datetime(2026, 6, 17, 18, 0, tzinfo=UTC)


@pytest.fixture
def org(make):
    make.user("dsp@x.test", regions=["North"])
    make.user("dsp2@x.test", regions=["North"])
    make.user("admin@x.test", roles=[Role.ADMIN], regions=[])
    return make.region("North")


@pytest.fixture
def dsp(client, org):
    login(client, "dsp@x.test")
    return client


def _change(app, change) -> None:
    """Run ``change(admin)`` and commit, as an administrator's screen would."""
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == "admin@x.test"))
        change(admin)
        db.session.commit()
    forget_reference_data()


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Report.id)))


def _program(app, region_id: int) -> int:
    with app.app_context():
        program = Program(name="Supported living", region_id=region_id)
        db.session.add(program)
        db.session.commit()
        return program.id


def _png(width: int = 40, height: int = 30) -> dict:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 40)).save(out, format="PNG")
    return {"content_type": "image/png", "data": base64.b64encode(out.getvalue()).decode()}


def _assert_replayed(response, first) -> None:
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == first.get_json()


def test_replay_after_the_category_is_deactivated(app, dsp, org):
    body = report_body(org, category="medication")
    first = post_report(dsp, body)
    assert first.status_code == 201

    def deactivate(admin):
        category = db.session.scalar(select(Category).where(Category.code == "medication"))
        set_category_active(admin, category, False)

    _change(app, deactivate)
    assert post_report(dsp, {**body, "client_uuid": str(uuid.uuid4())}).status_code == 422
    _assert_replayed(post_report(dsp, body), first)
    assert _count(app) == 1


def test_replay_by_category_id_after_the_category_is_deactivated(app, dsp, org):
    with app.app_context():
        category_id = db.session.scalar(select(Category.id).where(Category.code == "transport"))
    body = report_body(org, category=category_id)
    first = post_report(dsp, body)
    assert first.status_code == 201
    _change(app, lambda admin: set_category_active(admin, db.session.get(Category, category_id), False))
    _assert_replayed(post_report(dsp, body), first)


def test_replay_after_the_program_is_deactivated(app, dsp, org):
    program_id = _program(app, org)
    body = report_body(org, program_id=program_id)
    first = post_report(dsp, body)
    assert first.status_code == 201
    _change(app, lambda admin: set_program_active(admin, db.session.get(Program, program_id), False))
    assert post_report(dsp, {**body, "client_uuid": str(uuid.uuid4())}).status_code == 422
    _assert_replayed(post_report(dsp, body), first)
    assert _count(app) == 1


def test_replay_after_the_maximum_age_has_passed(app, client, org):
    body = report_body(org, occurred_at=(SENT_AT - timedelta(hours=2)).isoformat())
    with time_machine.travel(SENT_AT, tick=False):
        login(client, "dsp@x.test")
        first = post_report(client, body)
        assert first.status_code == 201
    later = SENT_AT + timedelta(days=app.config["MAX_REPORT_AGE_DAYS"] + 30)
    with time_machine.travel(later, tick=False):
        phone = app.test_client()  # the old session ended long ago: the outbox signs in again
        login(phone, "dsp@x.test")
        fresh = post_report(phone, {**body, "client_uuid": str(uuid.uuid4())})
        assert fresh.status_code == 422 and "occurred_at" in fresh.get_json()["errors"]
        _assert_replayed(post_report(phone, body), first)
        changed = post_report(phone, {**body, "barrier": "Something else caught it"})
        assert changed.status_code == 409, "other content is a conflict, not a field error"
    assert _count(app) == 1


def test_replay_after_the_photo_rules_would_refuse_it(app, dsp, org, monkeypatch):
    body = report_body(org, photo=_png())
    first = post_report(dsp, body)
    assert first.status_code == 201
    monkeypatch.setitem(photos.MAX_PIXELS, "PNG", 100)  # the rules tightened since
    fresh = post_report(dsp, {**body, "client_uuid": str(uuid.uuid4())})
    assert fresh.status_code == 422 and "photo" in fresh.get_json()["errors"]
    _assert_replayed(post_report(dsp, body), first)
    assert _count(app) == 1


def test_replay_after_the_reporter_left_the_region(app, dsp, org, make):
    body = report_body(org)
    first = post_report(dsp, body)
    assert first.status_code == 201
    south = make.region("South")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "dsp@x.test"))
        user.regions = [db.session.get(Region, south)]
        db.session.commit()
    assert post_report(dsp, {**body, "client_uuid": str(uuid.uuid4())}).status_code == 403
    _assert_replayed(post_report(dsp, body), first)


def test_a_replay_with_other_content_is_409_even_when_it_would_not_validate(app, dsp, org):
    body = report_body(org, category="medication")
    assert post_report(dsp, body).status_code == 201
    _change(
        app,
        lambda admin: set_category_active(
            admin, db.session.scalar(select(Category).where(Category.code == "medication")), False
        ),
    )
    conflict = post_report(dsp, {**body, "what_happened": "Another report entirely"})
    assert conflict.status_code == 409
    assert conflict.get_json()["errors"] == {"client_uuid": ["Already used for a different report."]}


def test_another_persons_uuid_is_answered_as_before_and_reveals_nothing(app, dsp, org, make):
    body = report_body(org)
    assert post_report(dsp, body).status_code == 201
    other = app.test_client()
    login(other, "dsp2@x.test")
    conflict = post_report(other, body)
    assert conflict.status_code == 409
    assert "id" not in conflict.get_json() and str(org) not in conflict.get_data(as_text=True)
    # Checked as a new report of theirs first: a region they are not in is still 403, bad input 422.
    south = make.region("South")
    assert post_report(other, {**body, "region_id": south}).status_code == 403
    assert post_report(other, {**body, "category": "astrology"}).status_code == 422
    assert _count(app) == 1
