"""The OpenAPI 3.1 description of the JSON API; the request schema comes from the validator itself."""

from functools import cache

from app.reports.validation import ReportPayload

_REF = "#/components/schemas/{model}"


def _error(description: str, *, with_fields: bool = False) -> dict:
    schema = "FieldErrors" if with_fields else "Error"
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


@cache
def openapi_document() -> dict:
    payload_schema = ReportPayload.model_json_schema(ref_template=_REF)
    nested = payload_schema.pop("$defs", {})
    created = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ReportReceipt"}}}}
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
                        "200": {"description": "A replay of a stored report", **created},
                        "400": _error("Missing or stale CSRF token, or a body that is not JSON"),
                        "401": _error("Not signed in"),
                        "403": _error("Not one of the user's regions", with_fields=True),
                        "409": _error("client_uuid already used for other content"),
                        "413": _error("Body too large"),
                        "415": _error("Not JSON", with_fields=True),
                        "422": _error("Fields need attention", with_fields=True),
                    },
                }
            },
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
                    },
                },
            }
        },
    }
