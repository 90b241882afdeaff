"""Random JSON thrown at POST /api/v1/reports never gets a 500 (property-based, hypothesis)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import api_token, login, report_body

FIELDS = [
    "client_uuid",
    "what_happened",
    "category",
    "occurred_at",
    "region_id",
    "still_at_risk",
    "barrier",
    "program_id",
    "location",
    "person_ref",
    "immediate_action",
    "interface_tag",
    "confidential",
    "captured_at",
    "event_class",
    "occurred_at_approximate",
]

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=60)
    | st.sampled_from(
        [
            "2026-11-20T10:00",
            "2099-01-01T00:00Z",
            "0001-01-01T00:00",
            "medication",
            "x" * 3000,
            "00000000-0000-0000-0000-000000000000",
            "\x00",
            "1e400",
        ]
    )
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@pytest.fixture
def signed_in(app, make):
    make.user("dsp@x.test", regions=["North"])
    client = app.test_client()
    login(client, "dsp@x.test")
    return client, api_token(client), make.region("North")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_json_never_causes_a_server_error(signed_in, data):
    client, token, region_id = signed_in
    shape = data.draw(st.sampled_from(["mutated", "arbitrary", "raw"]))
    if shape == "mutated":
        body = report_body(region_id)
        for field in data.draw(st.lists(st.sampled_from(FIELDS), max_size=5)):
            if data.draw(st.booleans()):
                body[field] = data.draw(json_values)
            else:
                body.pop(field, None)
        response = client.post("/api/v1/reports", json=body, headers={"X-CSRFToken": token})
    elif shape == "arbitrary":
        response = client.post("/api/v1/reports", json=data.draw(json_values), headers={"X-CSRFToken": token})
    else:
        raw = data.draw(st.binary(max_size=200))
        response = client.post(
            "/api/v1/reports", data=raw, headers={"X-CSRFToken": token, "Content-Type": "application/json"}
        )
    assert response.status_code < 500, response.get_data(as_text=True)
    assert response.status_code in {200, 201, 400, 403, 409, 415, 422}
    assert response.is_json
    if response.status_code in (400, 415, 422):
        assert response.get_json()["errors"]
