"""The shared validator, without the database or HTTP."""

import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from app.reports.validation import as_utc, check_against_taxonomy, parse_payload

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
TZ = ZoneInfo("America/New_York")


def body(**overrides):
    base = {
        "client_uuid": str(uuid.uuid4()),
        "what_happened": "Wrong address on the rota",
        "category": "scheduling_rota",
        "occurred_at": "2026-11-26T09:30",
        "region_id": 1,
        "still_at_risk": False,
        "barrier": "Called the office",
    }
    base.update(overrides)
    return base


def check(payload, **overrides):
    category = SimpleNamespace(id=5, code="scheduling_rota")
    program = SimpleNamespace(id=7, serves=lambda region_id: region_id == 1)
    options = {
        "categories": {"scheduling_rota": category, 5: category},
        "programs": {7: program},
        "region_exists": True,
        "now": NOW,
        "tz": TZ,
        "clock_skew": timedelta(minutes=10),
        "max_age": timedelta(days=366),
    }
    options.update(overrides)
    return check_against_taxonomy(payload, **options)


def test_valid_body_passes_and_local_time_becomes_utc():
    payload, errors = parse_payload(body())
    assert errors == {}
    checked, errors = check(payload)
    assert errors == {}
    assert checked.occurred_at == datetime(2026, 11, 26, 14, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"client_uuid": "not-a-uuid"}, "client_uuid"),
        ({"what_happened": ""}, "what_happened"),
        ({"what_happened": "x" * 2001}, "what_happened"),
        ({"category": None}, "category"),
        ({"occurred_at": "yesterday-ish"}, "occurred_at"),
        ({"occurred_at": "1899-01-01T00:00:00Z"}, "occurred_at"),
        ({"region_id": "north"}, "region_id"),
        ({"region_id": 2**40}, "region_id"),
        ({"still_at_risk": "perhaps"}, "still_at_risk"),
        ({"still_at_risk": None}, "still_at_risk"),
        ({"barrier": ["a", "list"]}, "barrier"),
        ({"interface_tag": "telepathy"}, "interface_tag"),
        ({"person_ref": "x" * 41}, "person_ref"),
        ({"what_happened": "nul \x00 byte"}, "what_happened"),
        ({"what_happened": "lone \ud800 surrogate"}, "what_happened"),
    ],
)
def test_bad_fields_get_a_message_on_that_field(overrides, field):
    payload, errors = parse_payload(body(**overrides))
    assert payload is None
    assert field in errors
    assert all(isinstance(m, str) and m for m in errors[field])


def test_missing_fields_are_each_named():
    _, errors = parse_payload({})
    required = {
        "client_uuid",
        "what_happened",
        "category",
        "occurred_at",
        "region_id",
        "still_at_risk",
        "barrier",
    }
    assert required <= errors.keys()
    assert errors["barrier"] == ["Say what caught it."]


@pytest.mark.parametrize("raw", [None, [], "text", 3, [{"a": 1}]])
def test_non_object_bodies_are_refused(raw):
    payload, errors = parse_payload(raw)
    assert payload is None
    assert "_body" in errors


def test_future_time_is_refused_beyond_clock_skew():
    payload, _ = parse_payload(body(occurred_at="2026-11-26T15:05:00+00:00"))
    assert check(payload)[1] == {}
    payload, _ = parse_payload(body(occurred_at="2026-11-26T15:30:00+00:00"))
    assert "future" in check(payload)[1]["occurred_at"][0]


def test_too_old_is_refused():
    payload, _ = parse_payload(body(occurred_at="2025-11-01T10:00:00+00:00"))
    assert "occurred_at" in check(payload)[1]


def test_unknown_category_program_and_region():
    payload, _ = parse_payload(body(category="astrology", program_id=99))
    _, errors = check(payload, region_exists=False)
    assert set(errors) == {"category", "program_id", "region_id"}


def test_program_of_another_region_is_refused():
    payload, _ = parse_payload(body(program_id=7, region_id=2))
    assert "program_id" in check(payload)[1]


def test_category_by_id_is_accepted():
    payload, _ = parse_payload(body(category=5))
    checked, errors = check(payload)
    assert errors == {} and checked.category.code == "scheduling_rota"


def test_incident_cannot_be_captured():
    payload, _ = parse_payload(body(event_class="incident"))
    assert "event_class" in check(payload)[1]


def test_content_hash_ignores_key_order_and_spelling_of_time():
    a, _ = parse_payload(body(client_uuid="0b4f2a3e-5c43-4a4c-9a55-2b8d3d1f0a11"))
    b, _ = parse_payload(
        body(client_uuid="0b4f2a3e-5c43-4a4c-9a55-2b8d3d1f0a11", occurred_at="2026-11-26T14:30:00Z")
    )
    assert check(a)[0].content_hash() == check(b)[0].content_hash()
    c, _ = parse_payload(body(client_uuid="0b4f2a3e-5c43-4a4c-9a55-2b8d3d1f0a11", barrier="Other"))
    assert check(c)[0].content_hash() != check(a)[0].content_hash()


def test_naive_times_read_in_org_zone_across_daylight_saving():
    # 2026-11-01 02:00 EDT ends; 01:30 happens twice: zoneinfo picks the first (EDT, UTC-4).
    assert as_utc(datetime(2026, 11, 1, 1, 30), TZ) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    assert as_utc(datetime(2026, 11, 2, 1, 30), TZ) == datetime(2026, 11, 2, 6, 30, tzinfo=UTC)
