"""A write that meets someone else's newer version on a path without a conflict form of its own (a
mark-done, a spot check, a job) answers 409 "changed at the same moment", never a 500."""

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

import app.reports.submission_flow as submission_flow
from tests.factories import api_token, csrf_from_page, login, report_body, yesterday_local


def _changed_meanwhile(*args, **kwargs):
    raise StaleDataError("UPDATE statement on table 'actions' expected to update 1 row(s); 0 were matched.")


def test_a_json_write_that_meets_a_newer_version_is_409(client, make, monkeypatch):
    region = make.region("North")
    make.user("dsp@x.test")
    login(client, "dsp@x.test")
    token = api_token(client)
    monkeypatch.setattr(submission_flow, "submit_report", _changed_meanwhile)
    answer = client.post("/api/v1/reports", json=report_body(region), headers={"X-CSRFToken": token})
    assert answer.status_code == 409
    assert answer.get_json()["error"] == "conflict"
    assert "actions" not in answer.get_data(as_text=True)


def test_a_form_that_meets_a_newer_version_is_409_with_words_for_people(client, make, monkeypatch):
    region = make.region("North")
    make.user("dsp@x.test")
    login(client, "dsp@x.test")
    form = {
        "csrf_token": csrf_from_page(client, "/report"),
        "client_uuid": report_body(region)["client_uuid"],
        "still_at_risk": "no",
        "what_happened": "Sharps cabinet unlocked",
        "category": "equipment_environment",
        "barrier": "Noticed on arrival",
        "occurred_at": yesterday_local(),
        "region_id": str(region),
    }
    monkeypatch.setattr(submission_flow, "submit_report", _changed_meanwhile)
    page = client.post("/report", data=form)
    assert page.status_code == 409
    text = page.get_data(as_text=True)
    assert "changed this at the same moment" in text and "expected to update" not in text


class _UniqueViolation(Exception):
    sqlstate = "23505"


def _unique_violation(*args, **kwargs):
    raise IntegrityError("INSERT INTO reports ...", {}, _UniqueViolation())


def test_a_stray_unique_violation_at_submission_is_not_a_conflict(client, make, monkeypatch):
    """Submission answers its own duplicates (a replay, a reused client_uuid). Any other unique
    violation stays a server error, which the outbox retries with the same client_uuid; a 409 would
    make it resend the report as a new one."""
    region = make.region("North")
    make.user("dsp@x.test")
    login(client, "dsp@x.test")
    token = api_token(client)
    monkeypatch.setattr(submission_flow, "submit_report", _unique_violation)
    with pytest.raises(IntegrityError):
        client.post("/api/v1/reports", json=report_body(region), headers={"X-CSRFToken": token})
