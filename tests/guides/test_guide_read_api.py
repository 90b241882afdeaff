"""POST /api/v1/guide-reads: the outbox's way of saying "I have read this version" (issue 20 point 3)."""

import uuid

import jsonschema
import pytest

from tests.factories import api_token, login


@pytest.fixture
def dsp(client, make):
    make.user("dsp@x.test", regions=["North"])
    make.user("dsp2@x.test", regions=["South"])
    login(client, "dsp@x.test")
    return client


def body(**overrides) -> dict:
    return {"client_uuid": str(uuid.uuid4()), "role": "dsp", "language": "en", "version": 0, **overrides}


def post(client, payload, token=None):
    token = token if token is not None else api_token(client)
    return client.post("/api/v1/guide-reads", json=payload, headers={"X-CSRFToken": token})


def schema_of(client, name):
    document = client.get("/api/v1/openapi.json").get_json()
    schema = document["components"]["schemas"][name]
    return {**schema, "components": document["components"]}, document


def test_create_then_replay_then_conflict(dsp, app, make):
    payload = body(read_at="2026-06-17T09:30:00-04:00")
    created = post(dsp, payload)
    assert created.status_code == 201
    answer = created.get_json()
    assert answer["client_uuid"] == payload["client_uuid"] and answer["version"] == 0
    assert answer["read_at"] == "2026-06-17T13:30:00+00:00"
    replay = post(dsp, payload)
    assert (replay.status_code, replay.get_json()) == (200, answer)
    conflict = post(dsp, {**payload, "role": "nurse"})
    assert conflict.status_code == 409 and conflict.get_json()["error"] == "conflict"
    other = app.test_client()
    login(other, "dsp2@x.test")
    assert post(other, payload).status_code == 409


def test_the_answer_and_the_request_match_the_openapi_document(dsp):
    payload = body()
    answer = post(dsp, payload).get_json()
    request_schema, document = schema_of(dsp, "GuideReadRequest")
    jsonschema.validate(payload, request_schema)
    jsonschema.validate(answer, schema_of(dsp, "GuideRead")[0])
    responses = document["paths"]["/api/v1/guide-reads"]["post"]["responses"]
    assert {"200", "201", "401", "409", "422"} <= set(responses)


def test_fields_are_checked_with_messages(dsp):
    response = post(dsp, body(version=3, role="dsp"))
    assert response.status_code == 422
    assert response.get_json()["errors"]["version"] == ["This guide has no such version."]
    assert post(dsp, body(client_uuid="nope")).status_code == 422
    assert post(dsp, [1, 2]).status_code == 422


def test_not_signed_in_is_401_and_a_missing_token_400(client, dsp, app):
    stranger = app.test_client()
    response = post(stranger, body(), api_token(stranger))
    assert response.status_code == 401 and response.get_json()["error"] == "unauthenticated"
    refused = dsp.post("/api/v1/guide-reads", json=body())
    assert refused.status_code == 400 and refused.get_json()["error"] == "csrf"


def test_not_json_is_415(dsp):
    response = dsp.post("/api/v1/guide-reads", data={"a": "b"}, headers={"X-CSRFToken": api_token(dsp)})
    assert response.status_code == 415


def test_the_guide_of_a_role_not_held_is_refused_with_422(dsp, make):
    answer = post(dsp, body(role="nurse"))
    assert answer.status_code == 422
    refusal = answer.get_json()
    assert refusal["errors"] == {"role": ["This is not the guide of a role you hold."]}
    assert set(refusal) == set(post(dsp, body(version=99)).get_json()), "the shape of every 422"
    assert post(dsp, body(role="dsp")).status_code == 201
