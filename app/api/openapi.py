"""The OpenAPI 3.1 description of the JSON API; the request schema comes from the validator itself."""

from functools import cache

from app.api.category_suggestion import SuggestionRequest
from app.guides.defaults import GUIDE_LANGUAGES, GUIDE_ROLES
from app.reports.submission_batch import MAX_BATCH_REPORTS
from app.reports.validation import ReportPayload
from app.taxonomy.vocabulary import CAPTURE_EVENT_CLASSES, EventClass
from app.triage.category_scorer import THRESHOLD

_REF = "#/components/schemas/{model}"
# Text a database can store: no NUL (refused with 422). Lone surrogates are refused too, but they are
# not Unicode text at all, and a pattern naming them cannot be compiled by common validators.
_STORABLE_TEXT = "^[^\\u0000]*$"


def _error(description: str, *, with_fields: bool = False) -> dict:
    schema = "FieldErrors" if with_fields else "Error"
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def _describe_capture_rules(properties: dict, nested: dict, org_timezone: str) -> None:
    """What the validator checks beyond the pydantic types, so a schema-valid report is storable."""
    # A device reports a near miss or an unsafe condition; "incident" is only set at triage.
    nested.pop("EventClass", None)
    properties["event_class"] = {
        "type": "string",
        "enum": [event_class.value for event_class in CAPTURE_EVENT_CLASSES],
        "default": EventClass.NEAR_MISS.value,
    }
    for schema in [*properties.values(), *nested.get("PhotoUpload", {}).get("properties", {}).values()]:
        for option in schema.get("anyOf", [schema]):
            if option.get("type") == "string" and "maxLength" in option:
                option["pattern"] = _STORABLE_TEXT
    for name in ("what_happened", "barrier"):
        properties[name]["description"] = "Spaces at either end are trimmed before the length is checked."
    properties["category"]["description"] = "A category code (or id) from /api/v1/taxonomy."
    properties["region_id"]["description"] = "One of the user's regions from /api/v1/taxonomy."
    local_time = (
        "A time without an offset (2026-03-01T14:30) is read in the organisation's time zone "
        f"({org_timezone}, the ORG_TIMEZONE setting), never the server's; one with an offset "
        "(2026-03-01T14:30-05:00, or Z) is taken as given."
    )
    properties["occurred_at"]["description"] = (
        f"ISO 8601; not in the future and not more than a year ago (both refused with 422). {local_time}"
    )
    properties["captured_at"]["description"] = (
        f"The device's clock when the report was made (ISO 8601); default: when it arrives. {local_time}"
    )


def _category_suggestion_path() -> dict:
    """The capture form's hint; a JSON write like the others (session cookie, X-CSRFToken)."""
    return {
        "post": {
            "summary": 'The likely category of the words typed so far into "What happened?" '
            "(a hint for the form, nothing is stored)",
            "parameters": [
                {"name": "X-CSRFToken", "in": "header", "required": True, "schema": {"type": "string"}}
            ],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/SuggestionRequest"}}
                },
            },
            "responses": {
                "200": {
                    "description": "A category, or category null when the text does not point clearly to one",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/CategorySuggestion"}}
                    },
                },
                "400": _error("Missing or stale CSRF token, or a body that is not JSON"),
                "401": _error("Not signed in"),
                "413": _error("Body too large"),
                "415": _error("Not JSON", with_fields=True),
                "422": _error("No text, or not text", with_fields=True),
                "429": {
                    **_error("Too many suggestions asked for in a short time"),
                    "headers": {
                        "Retry-After": {
                            "description": "Seconds to wait before asking again",
                            "schema": {"type": "integer"},
                        }
                    },
                },
            },
        }
    }


def _guide_reads_path() -> dict:
    """A phone's "I have read this version" of a cue guide, queued in the outbox like a report."""
    stored = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/GuideRead"}}}}
    return {
        "post": {
            "summary": "Confirm that the signed-in person read one version of a role's cue guide; "
            "idempotent on client_uuid. A version that is no longer the current one is still recorded "
            "against that version.",
            "parameters": [
                {"name": "X-CSRFToken", "in": "header", "required": True, "schema": {"type": "string"}}
            ],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/GuideReadRequest"}}
                },
            },
            "responses": {
                "201": {"description": "Stored for the first time", **stored},
                "200": {"description": "A replay of the same client_uuid: the stored confirmation", **stored},
                "400": _error("Missing or stale CSRF token, or a body that is not JSON"),
                "401": _error("Not signed in"),
                "409": _error("client_uuid already used for another confirmation or by another person"),
                "413": _error("Body too large"),
                "415": _error("Not JSON", with_fields=True),
                "422": _error(
                    "Fields need attention (no such guide, language or version, or the guide of a role "
                    "the person does not hold)",
                    with_fields=True,
                ),
            },
        }
    }


def _guide_read_schemas() -> dict:
    guide = {
        "role": {"type": "string", "enum": list(GUIDE_ROLES), "description": "Whose guide it is"},
        "language": {"type": "string", "enum": list(GUIDE_LANGUAGES)},
        "version": {
            "type": "integer",
            "minimum": 0,
            "description": "The saved version read; 0 for the built-in default guide",
        },
    }
    return {
        "GuideReadRequest": {
            "type": "object",
            "required": ["client_uuid", "role", "language", "version"],
            "properties": {
                "client_uuid": {"type": "string", "format": "uuid"},
                **guide,
                "read_at": {
                    "type": ["string", "null"],
                    "format": "date-time",
                    "description": "When the person confirmed, on the phone (with an offset); "
                    "the time of arrival when null or left out",
                },
            },
        },
        "GuideRead": {
            "type": "object",
            "required": ["id", "client_uuid", "role", "language", "version", "read_at"],
            "properties": {
                "id": {"type": "integer"},
                "client_uuid": {"type": "string", "format": "uuid"},
                **guide,
                "read_at": {"type": "string", "format": "date-time"},
            },
        },
    }


def _batch_path(too_many: dict) -> dict:
    """Several queued reports in one request: each answered as ``POST /api/v1/reports`` answers it."""
    return {
        "post": {
            "summary": f"File up to {MAX_BATCH_REPORTS} reports at once (an outbox back online); each "
            "is answered, in order, exactly as POST /api/v1/reports answers it",
            "description": "Each report is stored or refused on its own (one transaction each), so a "
            "refused report never holds back the others: the answer is 200 with one result per report. "
            "A report that is not a valid report object is refused in its own result (422). A batch "
            "that fails part-way with a 5xx may be sent again whole: reports stored before the failure "
            "are then answered as replays (200).",
            "parameters": [
                {"name": "X-CSRFToken", "in": "header", "required": True, "schema": {"type": "string"}}
            ],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ReportBatch"}}},
            },
            "responses": {
                "200": {
                    "description": "One result per report, in the order sent",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/ReportBatchResults"}}
                    },
                },
                "400": _error("Missing or stale CSRF token, or a body that is not JSON"),
                "401": _error("Not signed in"),
                "413": _error(
                    f"More than {MAX_BATCH_REPORTS} reports, or the body is too large", with_fields=True
                ),
                "415": _error("Not JSON", with_fields=True),
                "422": _error("Not a batch: no list of reports, or an empty one", with_fields=True),
                "429": too_many,
            },
        }
    }


def _batch_schemas() -> dict:
    return {
        "ReportBatch": {
            "type": "object",
            "required": ["reports"],
            "properties": {
                "reports": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": MAX_BATCH_REPORTS,
                    "items": {"$ref": "#/components/schemas/ReportPayload"},
                }
            },
        },
        "ReportBatchResults": {
            "type": "object",
            "required": ["results"],
            "properties": {
                "results": {"type": "array", "items": {"$ref": "#/components/schemas/ReportResult"}}
            },
        },
        "ReportResult": {
            "description": "What POST /api/v1/reports answers for this report: its status code, and its "
            "body (a ReportReceipt for 201 and 200, an Error with field messages otherwise)",
            "oneOf": [
                {
                    "type": "object",
                    "required": ["status", "id", "client_uuid"],
                    "properties": {
                        "status": {"enum": [200, 201]},
                        "id": {"type": "integer"},
                        "client_uuid": {"type": "string", "format": "uuid"},
                    },
                },
                {
                    "type": "object",
                    "required": ["status", "error", "message", "errors"],
                    "properties": {
                        "status": {"enum": [403, 409, 422]},
                        "error": {"type": "string"},
                        "message": {"type": "string"},
                        "errors": {"$ref": "#/components/schemas/FieldMessages"},
                    },
                },
            ],
        },
    }


def _suggestion_schemas() -> dict:
    request = SuggestionRequest.model_json_schema(ref_template=_REF)
    # Blank text is refused (422): at least one character that is not a space.
    request["properties"]["text"]["pattern"] = "\\S"
    return {
        "SuggestionRequest": request,
        "CategorySuggestion": {
            "type": "object",
            "required": ["category"],
            "properties": {
                "category": {
                    "anyOf": [
                        {"type": "null"},
                        {
                            "type": "object",
                            "required": ["code", "label"],
                            "properties": {"code": {"type": "string"}, "label": {"type": "string"}},
                        },
                    ]
                },
                "confidence": {
                    "type": "number",
                    "description": "How far the suggested category's score leads the next one's; "
                    f"a suggestion is only made from {THRESHOLD}.",
                },
            },
        },
    }


@cache
def openapi_document(org_timezone: str) -> dict:
    """The document for an organisation whose device times without an offset are in ``org_timezone``."""
    payload_schema = ReportPayload.model_json_schema(ref_template=_REF)
    nested = payload_schema.pop("$defs", {})
    _describe_capture_rules(payload_schema["properties"], nested, org_timezone)
    created = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ReportReceipt"}}}}
    too_many_reports = {
        **_error(
            "Too many reports from this person in a short time (by default 600 in 10 minutes, 2,000 a "
            "day; each report of a batch counts); nothing was stored: send it again later"
        ),
        "headers": {
            "Retry-After": {
                "description": "Seconds to wait before sending again",
                "schema": {"type": "integer"},
            }
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Near-miss reporting API",
            "version": "1",
            "description": "Capture and read near-miss reports. Writes need the session cookie and "
            "a token from /api/v1/csrf in the X-CSRFToken header.",
        },
        "paths": {
            "/api/v1/csrf": {
                "get": {
                    "summary": "A fresh CSRF token for replaying queued writes",
                    "responses": {
                        "200": {
                            "description": "The token",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["csrf_token"],
                                        "properties": {"csrf_token": {"type": "string"}},
                                    }
                                }
                            },
                        }
                    },
                }
            },
            "/api/v1/taxonomy": {
                "get": {
                    "summary": "Categories, regions, programs and interface types the user may use",
                    "responses": {
                        "200": {
                            "description": "The taxonomy",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Taxonomy"}}
                            },
                        },
                        "401": _error("Not signed in"),
                    },
                }
            },
            "/api/v1/reports": {
                "post": {
                    "summary": "File a report; idempotent on client_uuid",
                    "parameters": [
                        {
                            "name": "X-CSRFToken",
                            "in": "header",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/ReportPayload"}}
                        },
                    },
                    "responses": {
                        "201": {"description": "Stored for the first time", **created},
                        "200": {
                            "description": "A replay: the same client_uuid and content from the same "
                            "person, answered from the stored report whatever changed since (a category "
                            "or program deactivated, the maximum age passed)",
                            **created,
                        },
                        "400": _error("Missing or stale CSRF token, or a body that is not JSON"),
                        "401": _error("Not signed in"),
                        "403": _error("Not one of the user's regions", with_fields=True),
                        "409": _error("client_uuid already used for other content"),
                        "413": _error("Body too large"),
                        "415": _error("Not JSON", with_fields=True),
                        "422": _error("Fields need attention", with_fields=True),
                        "429": too_many_reports,
                    },
                }
            },
            "/api/v1/reports/batch": _batch_path(too_many_reports),
            "/api/v1/reports/{report_id}": {
                "get": {
                    "summary": "One report, for a user allowed to see it",
                    "parameters": [
                        {
                            "name": "report_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "The report",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Report"}}
                            },
                        },
                        "401": _error("Not signed in"),
                        "404": _error("Unknown, or not visible to this user"),
                    },
                }
            },
            "/api/v1/category-suggestion": _category_suggestion_path(),
            "/api/v1/guide-reads": _guide_reads_path(),
            "/api/v1/openapi.json": {
                "get": {
                    "summary": "This document",
                    "responses": {"200": {"description": "OpenAPI 3.1 document"}},
                }
            },
        },
        "components": {
            "schemas": {
                **nested,
                "ReportPayload": payload_schema,
                **_suggestion_schemas(),
                **_batch_schemas(),
                **_guide_read_schemas(),
                "ReportReceipt": {
                    "type": "object",
                    "required": ["id", "client_uuid"],
                    "properties": {
                        "id": {"type": "integer"},
                        "client_uuid": {"type": "string", "format": "uuid"},
                    },
                },
                "Error": {
                    "type": "object",
                    "required": ["error", "message"],
                    "properties": {
                        "error": {"type": "string"},
                        "message": {"type": "string"},
                        "errors": {"$ref": "#/components/schemas/FieldMessages"},
                    },
                },
                "FieldErrors": {
                    "type": "object",
                    "required": ["errors"],
                    "properties": {
                        "error": {"type": "string"},
                        "message": {"type": "string"},
                        "errors": {"$ref": "#/components/schemas/FieldMessages"},
                    },
                },
                "FieldMessages": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
                "Taxonomy": {
                    "type": "object",
                    "required": [
                        "categories",
                        "regions",
                        "programs",
                        "interface_types",
                        "event_classes",
                    ],
                    "properties": {
                        "categories": {"type": "array", "items": {"type": "object"}},
                        "regions": {"type": "array", "items": {"type": "object"}},
                        "programs": {"type": "array", "items": {"type": "object"}},
                        "interface_types": {"type": "array", "items": {"type": "object"}},
                        "event_classes": {"type": "array", "items": {"type": "object"}},
                    },
                },
                "Report": {
                    "type": "object",
                    "required": ["id", "client_uuid", "category", "region_id", "status"],
                    "properties": {
                        "id": {"type": "integer"},
                        "client_uuid": {"type": "string", "format": "uuid"},
                        "what_happened": {"type": "string"},
                        "category": {"type": "string"},
                        "event_class": {"type": "string"},
                        "occurred_at": {"type": "string", "format": "date-time"},
                        "occurred_at_approximate": {"type": "boolean"},
                        "captured_at": {"type": "string", "format": "date-time"},
                        "received_at": {"type": "string", "format": "date-time"},
                        "region_id": {"type": "integer"},
                        "program_id": {"type": ["integer", "null"]},
                        "location": {"type": ["string", "null"]},
                        "person_ref": {"type": ["string", "null"]},
                        "still_at_risk": {"type": "boolean"},
                        "barrier": {"type": "string"},
                        "immediate_action": {"type": ["string", "null"]},
                        "interface_tag": {"type": ["string", "null"]},
                        "confidential": {"type": "boolean"},
                        "status": {"type": "string"},
                        "reporter": {
                            "type": ["object", "null"],
                            "description": "Null when the report is confidential and the viewer "
                            "may not see who filed it.",
                        },
                        "triage_downgrade": {
                            "type": ["object", "null"],
                            "description": "For people who triage: why a high potential or clustered "
                            "report got less than a barrier review (reason, reason_label, explanation, "
                            "from_level, to_level); null when it did not.",
                        },
                    },
                },
            }
        },
    }
