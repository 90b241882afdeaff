"""``POST /api/v1/reports/batch`` (issue 18, point 3; SPEC §5): one result per report, in order,
each exactly what ``POST /api/v1/reports`` answers for it; one transaction per report, so a refused
one never holds back the others; one audit event per stored report.

Runs on SQLite, and on PostgreSQL with TEST_DATABASE_URL naming one.
"""

import json
import random
import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from app.core.audit.models import AuditEvent
from app.core.audit.operations import first_chain_problem
from app.extensions import db
from app.reports.models import Report
from app.reports.submission_batch import MAX_BATCH_REPORTS
from tests.factories import api_token, login, post_report, report_body

BATCH = "/api/v1/reports/batch"


@pytest.fixture
def north(make):
    make.user("dsp@x.test", regions=["North"])
    make.user("dsp2@x.test", regions=["North"])
    make.region("South")
    return make.region("North")


@pytest.fixture
def dsp(client, north):
    login(client, "dsp@x.test")
    return client


def post_batch(client, reports, token=None):
    token = token if token is not None else api_token(client)
    return client.post(BATCH, json={"reports": reports}, headers={"X-CSRFToken": token})


def _stored(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Report.id)))


def _submit_events(app) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "report.submit")
        )


def _results(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["results"]


def test_a_mixed_batch_answers_each_report_as_the_single_endpoint_does(app, dsp, north, make):
    south = make.region("South")
    earlier = report_body(north)
    first = post_report(dsp, earlier)
    assert first.status_code == 201
    items = [
        report_body(north),  # new: 201
        report_body(north, category="astrology"),  # 422
        report_body(south),  # 403
        {**earlier, "barrier": "Something else caught it"},  # the UUID with other content: 409
        earlier,  # a replay of a report stored before: 200
        report_body(north, client_uuid="not-a-uuid"),  # 422 on shape
        "not an object",  # 422, as the single endpoint answers a body that is no object
        report_body(north),  # new: 201, after all the refusals
    ]

    results = _results(post_batch(dsp, items))

    assert [r["status"] for r in results] == [201, 422, 403, 409, 200, 422, 422, 201]
    assert results[4] == {"status": 200, **first.get_json()}
    for item, result in zip(items, results, strict=True):
        single = post_report(dsp, item)  # now: the stored ones are replays, the refused ones refused again
        expected_status = 200 if result["status"] == 201 else result["status"]
        assert single.status_code == expected_status
        assert {k: v for k, v in result.items() if k != "status"} == single.get_json()
    assert _stored(app) == 3
    assert _submit_events(app) == 3, "one audit event per stored report, none for a replay or a refusal"


def test_results_come_in_the_order_sent(app, dsp, north):
    items = [report_body(north, what_happened=f"Report number {n}") for n in range(MAX_BATCH_REPORTS)]
    results = _results(post_batch(dsp, items))
    assert [r["client_uuid"] for r in results] == [item["client_uuid"] for item in items]
    assert [r["status"] for r in results] == [201] * MAX_BATCH_REPORTS
    with app.app_context():
        stored = dict(db.session.execute(select(Report.client_uuid, Report.what_happened)).all())
    assert {str(k): v for k, v in stored.items()} == {i["client_uuid"]: i["what_happened"] for i in items}
    ids = [r["id"] for r in results]
    assert ids == sorted(ids), "stored one after another, in the order sent"


def test_more_than_the_limit_is_refused_whole_with_413_and_a_message(app, dsp, north):
    too_many = [report_body(north) for _ in range(MAX_BATCH_REPORTS + 1)]
    refused = post_batch(dsp, too_many)
    assert refused.status_code == 413
    assert refused.is_json
    assert f"at most {MAX_BATCH_REPORTS} reports" in refused.get_json()["message"]
    assert refused.get_json()["errors"]["reports"]
    assert _stored(app) == 0
    assert [r["status"] for r in _results(post_batch(dsp, too_many[:MAX_BATCH_REPORTS]))] == [201] * 25


@pytest.mark.parametrize(
    "body",
    [
        [],
        ["reports"],
        "reports",
        None,
        17,
        {},
        {"reports": None},
        {"reports": {"0": {}}},
        {"reports": "a report"},
        {"reports": []},
        {"report": [{}]},
    ],
    ids=repr,
)
def test_a_body_that_is_no_batch_is_a_422_in_json(dsp, body):
    response = dsp.post(
        BATCH, data=json.dumps(body), content_type="application/json", headers={"X-CSRFToken": api_token(dsp)}
    )
    assert response.status_code == 422
    assert response.is_json and response.get_json()["errors"]


def test_not_json_is_415_and_bad_json_400(dsp):
    token = api_token(dsp)
    form = dsp.post(BATCH, data={"reports": "x"}, headers={"X-CSRFToken": token})
    assert form.status_code == 415 and form.is_json
    broken = dsp.post(
        BATCH, data="{not json", content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert broken.status_code == 400 and broken.is_json


def test_items_that_are_not_reports_are_each_refused_and_the_rest_stored(app, dsp, north):
    good = report_body(north)
    items = [None, [], 3, "x", {"photo": "not an object"}, {}, good]
    results = _results(post_batch(dsp, items))
    assert [r["status"] for r in results] == [422] * 6 + [201]
    assert all(r["errors"] for r in results[:6])
    assert results[6]["client_uuid"] == good["client_uuid"]
    assert _stored(app) == 1


def test_replays_inside_one_batch(app, dsp, north):
    body = report_body(north)
    results = _results(post_batch(dsp, [body, body, {**body, "what_happened": "Other words entirely"}, body]))
    assert [r["status"] for r in results] == [201, 200, 409, 200]
    assert results[0]["id"] == results[1]["id"] == results[3]["id"]
    assert _stored(app) == 1
    assert _submit_events(app) == 1


def test_a_batch_sent_again_is_answered_from_the_stored_reports(app, dsp, north):
    items = [report_body(north) for _ in range(5)] + [report_body(north, category="astrology")]
    first = _results(post_batch(dsp, items))
    again = _results(post_batch(dsp, items))
    assert [r["status"] for r in first] == [201] * 5 + [422]
    assert [r["status"] for r in again] == [200] * 5 + [422]
    strip = [{k: v for k, v in r.items() if k != "status"} for r in first]
    assert strip == [{k: v for k, v in r.items() if k != "status"} for r in again]
    # Part of a batch, then the whole batch again (an answer lost half-way): none stored twice.
    more = [report_body(north) for _ in range(4)]
    assert [r["status"] for r in _results(post_batch(dsp, more[:2]))] == [201, 201]
    assert [r["status"] for r in _results(post_batch(dsp, more))] == [200, 200, 201, 201]
    assert _stored(app) == 9
    assert _submit_events(app) == 9


def test_a_report_sent_alone_then_in_a_batch_is_one_report(app, dsp, north):
    body = report_body(north)
    alone = post_report(dsp, body)
    [in_batch] = _results(post_batch(dsp, [body]))
    assert in_batch == {"status": 200, **alone.get_json()}
    assert _stored(app) == 1


def test_another_persons_uuid_is_a_conflict_that_reveals_nothing(app, client, north):
    body = report_body(north)
    login(client, "dsp2@x.test")
    assert post_report(client, body).status_code == 201
    phone = app.test_client()
    login(phone, "dsp@x.test")
    [result] = _results(post_batch(phone, [body]))
    assert result["status"] == 409
    assert "id" not in result
    assert _stored(app) == 1


def test_signed_out_is_401_json(client, north):
    response = client.post(BATCH, json={"reports": [report_body(north)]})
    assert response.status_code == 401
    assert response.is_json and response.get_json()["error"] == "unauthenticated"


def test_missing_or_stale_csrf_is_400_json(app, dsp, north):
    missing = dsp.post(BATCH, json={"reports": [report_body(north)]})
    assert missing.status_code == 400 and missing.get_json()["error"] == "csrf"
    stale = post_batch(dsp, [report_body(north)], token="ImJvZ3VzIg.bogus.token")
    assert stale.status_code == 400 and stale.get_json()["error"] == "csrf"
    assert _stored(app) == 0


def _devices(app, email: str, count: int):
    devices = []
    for _ in range(count):
        client = app.test_client()
        login(client, email)
        devices.append((client, api_token(client)))
    return devices


def test_two_devices_racing_with_the_same_uuids_store_each_report_once(app, north):
    """A phone and a tablet (and more) send the same queued reports at the same moment, each in its
    own order: every report is stored once, each device is told it is stored (201 for exactly one
    of them, 200 for the others, the same id), and the audit chain stays whole."""
    items = [report_body(north, what_happened=f"Raced report {n}") for n in range(12)]
    devices = _devices(app, "dsp@x.test", 4)
    barrier = threading.Barrier(len(devices))
    answers = []
    lock = threading.Lock()

    def send(index, client, token):
        mine = list(items)
        random.Random(index).shuffle(mine)
        batches = [mine[:5], mine[5:]]
        barrier.wait()
        for batch in batches:
            response = post_batch(client, batch, token)
            with lock:
                answers.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=send, args=(n, *device)) for n, device in enumerate(devices)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert [status for status, _ in answers] == [200] * 8, answers
    results = [result for _, body in answers for result in body["results"]]
    by_uuid: dict[str, list[dict]] = {}
    for result in results:
        by_uuid.setdefault(result["client_uuid"], []).append(result)
    assert set(by_uuid) == {item["client_uuid"] for item in items}
    for answers_for_one in by_uuid.values():
        assert sorted(r["status"] for r in answers_for_one) == [200, 200, 200, 201]
        assert len({r["id"] for r in answers_for_one}) == 1
    with app.app_context():
        rows = Counter(str(u) for u in db.session.scalars(select(Report.client_uuid)))
        assert rows == Counter({item["client_uuid"]: 1 for item in items})
        assert first_chain_problem() is None
    assert _submit_events(app) == len(items)
