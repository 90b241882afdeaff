"""The JSON API contract of SPEC §5."""

import uuid

import pytest

from app.core.roles import Role
from tests.factories import api_token, login, post_report, report_body


@pytest.fixture
def north(make):
    make.user("dsp@x.test", regions=["North"])
    make.user("dsp2@x.test", regions=["South"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("sup2@x.test", roles=[Role.SUPERVISOR], regions=["South"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    return make.region("North")


@pytest.fixture
def dsp(client, north):
    login(client, "dsp@x.test")
    return client


def test_create_then_replay_then_conflict(dsp, north):
    body = report_body(north)
    created = post_report(dsp, body)
    assert created.status_code == 201
    assert created.get_json() == {"id": created.get_json()["id"], "client_uuid": body["client_uuid"]}
    replay = post_report(dsp, body)
    assert replay.status_code == 200
    assert replay.get_json() == created.get_json()
    conflict = post_report(dsp, {**body, "what_happened": "Something else entirely"})
    assert conflict.status_code == 409
    assert "client_uuid" in conflict.get_json()["errors"]


def test_field_errors_are_422_with_messages(dsp, north):
    response = post_report(dsp, report_body(north, category="astrology", client_uuid="nope"))
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors) == {"client_uuid"}  # shape errors first; taxonomy checked once shape is right
    response = post_report(dsp, report_body(north, category="astrology"))
    assert response.status_code == 422
    assert response.get_json()["errors"]["category"] == ["Choose one of the listed categories."]


def test_unknown_region_is_422_and_foreign_region_403(dsp, north, make):
    assert post_report(dsp, report_body(99999)).status_code == 422
    south = make.region("South")
    forbidden = post_report(dsp, report_body(south))
    assert forbidden.status_code == 403
    assert forbidden.get_json()["errors"]["region_id"]


def test_future_time_refused(dsp, north):
    response = post_report(dsp, report_body(north, occurred_at="2099-01-01T10:00:00Z"))
    assert response.status_code == 422
    assert "future" in response.get_json()["errors"]["occurred_at"][0]


def test_not_signed_in_is_401_json_not_redirect(client, north):
    token = api_token(client)
    response = post_report(client, report_body(north), token)
    assert response.status_code == 401
    assert response.is_json and response.get_json()["error"] == "unauthenticated"
    assert client.get("/api/v1/taxonomy").status_code == 401
    assert client.get("/api/v1/reports/1").status_code == 401


@pytest.mark.parametrize("token", ["", "stale-or-forged"])
def test_missing_or_bad_csrf_is_400_json(dsp, north, token):
    response = dsp.post(
        "/api/v1/reports", json=report_body(north), headers={"X-CSRFToken": token} if token else {}
    )
    assert response.status_code == 400
    assert response.get_json()["error"] == "csrf"


def test_malformed_and_non_json_bodies(dsp, north):
    headers = {"X-CSRFToken": api_token(dsp), "Content-Type": "application/json"}
    bad = dsp.post("/api/v1/reports", data="{not json", headers=headers)
    assert bad.status_code == 400 and "_body" in bad.get_json()["errors"]
    array = dsp.post("/api/v1/reports", data="[1,2]", headers=headers)
    assert array.status_code == 422 and "_body" in array.get_json()["errors"]
    form = dsp.post("/api/v1/reports", data={"a": "b"}, headers={"X-CSRFToken": api_token(dsp)})
    assert form.status_code == 415


def test_get_report_visibility(client, north, make):
    report_id = make.report("dsp@x.test", region="North", confidential=True)
    login(client, "dsp@x.test")
    mine = client.get(f"/api/v1/reports/{report_id}")
    assert mine.status_code == 200 and mine.get_json()["reporter"]["name"] == "Dsp"
    assert mine.headers["Cache-Control"] == "no-store"

    other = type(client)(client.application)
    login(other, "dsp2@x.test")
    forbidden = other.get(f"/api/v1/reports/{report_id}")
    unknown = other.get("/api/v1/reports/987654")
    assert forbidden.status_code == unknown.status_code == 404
    assert forbidden.get_json() == unknown.get_json()
    assert other.get("/api/v1/reports/99999999999999999999").status_code == 404

    supervisor = type(client)(client.application)
    login(supervisor, "sup@x.test")
    seen = supervisor.get(f"/api/v1/reports/{report_id}").get_json()
    assert seen["reporter"] is None and seen["confidential"] is True

    quality = type(client)(client.application)
    login(quality, "quality@x.test")
    assert quality.get(f"/api/v1/reports/{report_id}").get_json()["reporter"]["name"] == "Dsp"

    south_supervisor = type(client)(client.application)
    login(south_supervisor, "sup2@x.test")
    assert south_supervisor.get(f"/api/v1/reports/{report_id}").status_code == 404


def test_dsp_cannot_read_a_colleagues_report_by_guessing(client, north, make):
    make.user("dsp3@x.test", regions=["North"])
    report_id = make.report("dsp3@x.test", region="North")
    login(client, "dsp@x.test")
    assert client.get(f"/api/v1/reports/{report_id}").status_code == 404
    assert client.get(f"/reports/{report_id}").status_code == 404


def test_taxonomy_lists_only_the_users_regions(dsp, north, make):
    make.region("South")
    taxonomy = dsp.get("/api/v1/taxonomy").get_json()
    assert [r["name"] for r in taxonomy["regions"]] == ["North"]
    codes = [c["code"] for c in taxonomy["categories"]]
    assert "medication" in codes and "safeguarding_rights" in codes
    assert {"handover", "other"} <= {t["code"] for t in taxonomy["interface_types"]}
    assert [e["code"] for e in taxonomy["event_classes"]] == ["near_miss", "unsafe_condition"]


def test_csrf_endpoint_gives_a_fresh_token(client):
    response = client.get("/api/v1/csrf")
    assert response.status_code == 200 and response.get_json()["csrf_token"]


def test_openapi_describes_the_report_payload(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    payload = document["components"]["schemas"]["ReportPayload"]
    assert {
        "client_uuid",
        "what_happened",
        "category",
        "occurred_at",
        "region_id",
        "still_at_risk",
        "barrier",
    } <= set(payload["required"])
    assert set(document["paths"]["/api/v1/reports"]["post"]["responses"]) >= {
        "200",
        "201",
        "400",
        "401",
        "403",
        "409",
        "422",
    }


def test_api_404_and_405_are_json(dsp):
    assert dsp.get("/api/v1/nothing-here").get_json()["error"] == "not_found"
    assert dsp.delete("/api/v1/reports").status_code == 405


def test_uuid_is_stored_exactly(dsp, north):
    body = report_body(north, client_uuid=str(uuid.uuid4()))
    report_id = post_report(dsp, body).get_json()["id"]
    assert dsp.get(f"/api/v1/reports/{report_id}").get_json()["client_uuid"] == body["client_uuid"]
