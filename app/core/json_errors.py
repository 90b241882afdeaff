"""JSON error bodies: the API's answers and the app-wide error handlers' answers under /api/, and
the JSON answers of pages' fetches (passkeys, push subscriptions, the language switch)."""

from flask import jsonify


def json_error(status: int, error: str, message: str | None = None, **extra):
    """``{"error": ..., "message": ...}`` with ``status``; a ``message`` of None leaves the key out
    (a device's subscription refused by field, which the page explains from ``errors``)."""
    body = {"error": error} if message is None else {"error": error, "message": message}
    response = jsonify(**body, **extra)
    response.status_code = status
    return response


def json_field_errors(status: int, errors: dict[str, list[str]], message: str | None = None):
    return json_error(status, "invalid", message, errors=errors)
