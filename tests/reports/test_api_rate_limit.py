"""Report submission is rate limited per signed-in person (issue 14, point 10).

The suite runs with the limiter off (it signs in and submits hundreds of times a minute); these tests
use a second app with it on and a small limit, then switch it off again (see tests/auth/test_auth.py).
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from limits import parse_many

from app.config import Config
from tests.factories import csrf_from_page, login, post_report, report_body

PINNED = datetime(2026, 6, 17, 18, 0, 0, tzinfo=UTC)


@pytest.fixture
def limited_app(app):
    from app import create_app
    from app.config import TestConfig
    from app.extensions import limiter

    class Limited(TestConfig):
        RATELIMIT_ENABLED = True
        REPORT_SUBMISSION_LIMITS = "3 per minute"

    yield create_app(Limited)
    limiter.reset()
    limiter.enabled = False


def _signed_in(app, email):
    client = app.test_client()
    login(client, email)
    return client


def test_a_fourth_report_in_the_minute_is_429_with_retry_after(limited_app, make):
    make.user("dsp@x.test", regions=["North"])
    make.user("dsp2@x.test", regions=["North"])
    north = make.region("North")
    with time_machine.travel(PINNED, tick=False):
        phone = _signed_in(limited_app, "dsp@x.test")
        assert [post_report(phone, report_body(north)).status_code for _ in range(3)] == [201] * 3
        refused = post_report(phone, report_body(north))
        assert refused.status_code == 429
        assert refused.is_json and refused.get_json()["error"] == "too_many_requests"
        assert "try again" in refused.get_json()["message"]
        assert 1 <= int(refused.headers["Retry-After"]) <= 61  # the window's rest, rounded up

        # Per person: someone else on the same address is not held up.
        colleague = _signed_in(limited_app, "dsp2@x.test")
        assert post_report(colleague, report_body(north)).status_code == 201

        # The capture form shares the person's allowance: it is not a way round the limit.
        form = {
            "csrf_token": csrf_from_page(phone, "/report"),
            "client_uuid": report_body(north)["client_uuid"],
            "still_at_risk": "no",
            "what_happened": "Sharps cabinet unlocked",
            "category": "equipment_environment",
            "barrier": "Noticed on arrival",
            "occurred_at": (PINNED - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
            "region_id": str(north),
        }
        page = phone.post("/report", data=form)
        assert page.status_code == 429 and "Retry-After" in page.headers
        text = page.get_data(as_text=True)
        assert "Too many reports in a short time" in text and "Too many sign-in attempts" not in text
        assert "Sharps cabinet unlocked" in text and form["client_uuid"] in text, "what was typed is kept"

        # Not signed in stays 401 (never a 429 that tells nothing about signing in).
        stranger = limited_app.test_client()
        assert post_report(stranger, report_body(north)).status_code == 401

    with time_machine.travel(PINNED + timedelta(seconds=61), tick=False):
        assert post_report(phone, report_body(north)).status_code == 201, "the next minute is open"


def test_the_production_limit_lets_a_long_offline_shift_drain_in_one_go():
    """An outbox back online sends its queue back to back; 200 reports after a long offline shift must
    all go through without a single 429 (each would delay the rest by Retry-After), and so must a
    phone's and a tablet's queue at once (bench.outbox_sync sends 200 directly, then 200 by outbox)."""
    limits = parse_many(Config.REPORT_SUBMISSION_LIMITS)
    assert limits, "a limit is set"
    assert all(limit.amount >= 2 * 200 for limit in limits)


def _batch(client, reports):
    token = client.get("/api/v1/csrf").get_json()["csrf_token"]
    return client.post("/api/v1/reports/batch", json={"reports": reports}, headers={"X-CSRFToken": token})


def _stored(app) -> int:
    from sqlalchemy import func, select

    from app.extensions import db
    from app.reports.models import Report

    with app.app_context():
        return db.session.scalar(select(func.count(Report.id)))


def test_each_report_of_a_batch_counts_against_the_same_allowance(limited_app, make):
    """A batch is no way round the limit: its reports count one each, with single reports and the form."""
    make.user("dsp@x.test", regions=["North"])
    north = make.region("North")
    with time_machine.travel(PINNED, tick=False):
        phone = _signed_in(limited_app, "dsp@x.test")
        two = _batch(phone, [report_body(north), report_body(north)])
        assert [r["status"] for r in two.get_json()["results"]] == [201, 201]
        assert post_report(phone, report_body(north)).status_code == 201  # the third of three
        refused = _batch(phone, [report_body(north)])
        assert refused.status_code == 429 and refused.is_json
        assert 1 <= int(refused.headers["Retry-After"]) <= 61

    with time_machine.travel(PINNED + timedelta(minutes=2), tick=False):
        # More than the allowance (three) is refused whole, and nothing of it is stored.
        four = [report_body(north) for _ in range(4)]
        assert _batch(phone, four).status_code == 429
        assert _stored(limited_app) == 3

    with time_machine.travel(PINNED + timedelta(minutes=4), tick=False):
        assert [r["status"] for r in _batch(phone, four[:3]).get_json()["results"]] == [201] * 3

    with time_machine.travel(PINNED + timedelta(minutes=6), tick=False):
        # A body that is no batch costs one, and is refused for what it is.
        assert _batch(phone, "not a list").status_code == 422
        assert [r["status"] for r in _batch(phone, four[3:]).get_json()["results"]] == [201]
