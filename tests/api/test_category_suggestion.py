"""POST /api/v1/category-suggestion: the capture form's hint (issue 16, point 1)."""

import logging
from datetime import UTC, datetime

import pytest
import time_machine

from app.triage.category_scorer import THRESHOLD
from app.triage.category_suggestion import forget_kept_scorer
from tests.factories import api_token, login

URL = "/api/v1/category-suggestion"
MEDICATION_TEXT = "The MAR said 5mg but the pharmacy label said 10mg, I held the dose"


@pytest.fixture(autouse=True)
def _no_scorer_from_another_test():
    forget_kept_scorer()
    yield
    forget_kept_scorer()


@pytest.fixture
def dsp(client, make):
    make.user("dsp@x.test", regions=["North"])
    login(client, "dsp@x.test")
    return client


def ask(client, body, token=None, **kwargs):
    token = token if token is not None else api_token(client)
    return client.post(URL, json=body, headers={"X-CSRFToken": token}, **kwargs)


def test_a_medication_text_is_suggested_medication(dsp):
    response = ask(dsp, {"text": MEDICATION_TEXT})

    assert response.status_code == 200
    body = response.get_json()
    assert body["category"] == {"code": "medication", "label": "Medication"}
    assert body["confidence"] >= THRESHOLD
    assert response.headers["Cache-Control"].startswith("no-store")


def test_a_vague_text_gets_category_null(dsp):
    response = ask(dsp, {"text": "it happened again today"})

    assert response.status_code == 200
    assert response.get_json() == {"category": None}


def test_the_organisations_own_reports_teach_it_and_a_new_report_refreshes_it(dsp, make):
    text = "the blue widget squeaked loudly near the gate"
    assert ask(dsp, {"text": text}).get_json() == {"category": None}

    for _ in range(5):
        make.report(
            "dsp@x.test", what_happened="The blue widget squeaked by the gate again", category="transport"
        )

    assert ask(dsp, {"text": text}).get_json()["category"]["code"] == "transport"


def test_not_signed_in_is_401_json(client):
    token = api_token(client)
    response = client.post(URL, json={"text": MEDICATION_TEXT}, headers={"X-CSRFToken": token})

    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthenticated"


def test_without_a_csrf_token_it_is_400_json(dsp):
    response = dsp.post(URL, json={"text": MEDICATION_TEXT})

    assert response.status_code == 400
    assert response.is_json


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "   \n "}, "text"),
        ({"text": 5}, "text"),
        ({"text": ["meds"]}, "text"),
        ({"text": "x" * 2001}, "text"),
        ({"words": MEDICATION_TEXT}, "text"),
        ([MEDICATION_TEXT], "_body"),
        ("meds", "_body"),
    ],
)
def test_bad_input_is_422_naming_the_field_without_repeating_the_text(dsp, body, field):
    response = ask(dsp, body)

    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert list(errors) == [field]
    sent = body.values() if isinstance(body, dict) else [body]
    answered = response.get_data(as_text=True)
    assert not any(isinstance(text, str) and text.strip() and text in answered for text in sent)


def test_a_lone_surrogate_is_422_not_500(dsp):
    response = dsp.post(
        URL,
        data='{"text": "pills \\ud800 missing"}',
        content_type="application/json",
        headers={"X-CSRFToken": api_token(dsp)},
    )

    assert response.status_code == 422


def test_a_body_that_is_not_json_is_415(dsp):
    response = dsp.post(URL, data="text=meds", headers={"X-CSRFToken": api_token(dsp)})

    assert response.status_code == 415


def test_the_text_is_never_logged(dsp, caplog):
    marker = "Zanzibarine overdose of warfarin"
    caplog.set_level(logging.DEBUG)

    assert ask(dsp, {"text": marker}).status_code == 200
    assert ask(dsp, {"text": marker + "x" * 2000}).status_code == 422

    logged = caplog.text + " ".join(str(getattr(record, "fields", "")) for record in caplog.records)
    assert any(getattr(record, "fields", {}).get("route") == URL for record in caplog.records)
    assert "Zanzibarine" not in logged


@pytest.fixture
def limited_app(app):
    from app import create_app
    from app.config import TestConfig
    from app.extensions import limiter

    class Limited(TestConfig):
        RATELIMIT_ENABLED = True
        CATEGORY_SUGGESTION_LIMITS = "2 per minute"

    yield create_app(Limited)
    limiter.reset()
    limiter.enabled = False


def test_asking_too_often_is_429_per_person(limited_app, make):
    make.user("dsp@x.test", regions=["North"])
    make.user("dsp2@x.test", regions=["North"])
    with time_machine.travel(datetime(2026, 6, 17, 18, 0, tzinfo=UTC), tick=False):
        phone = limited_app.test_client()
        login(phone, "dsp@x.test")
        assert [ask(phone, {"text": MEDICATION_TEXT}).status_code for _ in range(2)] == [200, 200]
        refused = ask(phone, {"text": MEDICATION_TEXT})
        assert refused.status_code == 429
        assert refused.is_json and "Retry-After" in refused.headers

        colleague = limited_app.test_client()
        login(colleague, "dsp2@x.test")
        assert ask(colleague, {"text": MEDICATION_TEXT}).status_code == 200
