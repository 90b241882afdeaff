"""What /api/v1/openapi.json promises beyond the schema's types (issue 14)."""

import pytest


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").get_json()


@pytest.mark.parametrize("field", ["occurred_at", "captured_at"])
def test_a_time_without_an_offset_is_read_in_the_organisations_zone(app, document, field):
    description = document["components"]["schemas"]["ReportPayload"]["properties"][field]["description"]
    assert "without an offset" in description
    assert f"organisation's time zone ({app.config['ORG_TIMEZONE']}, the ORG_TIMEZONE setting)" in description


def test_the_zone_named_is_the_one_configured(app):
    from app import create_app
    from app.config import TestConfig

    class Elsewhere(TestConfig):
        ORG_TIMEZONE = "Europe/London"

    other = create_app(Elsewhere).test_client().get("/api/v1/openapi.json").get_json()
    description = other["components"]["schemas"]["ReportPayload"]["properties"]["occurred_at"]["description"]
    assert "(Europe/London, the ORG_TIMEZONE setting)" in description


def test_the_submission_limit_is_documented(document):
    answers = document["paths"]["/api/v1/reports"]["post"]["responses"]
    assert "Retry-After" in answers["429"]["headers"]
    assert "200" in answers and "replay" in answers["200"]["description"].lower()
