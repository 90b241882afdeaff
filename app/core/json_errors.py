"""JSON error bodies: the API's answers and the app-wide error handlers' answers under /api/."""

from flask import jsonify


def json_error(status: int, error: str, message: str, **extra):
    response = jsonify(error=error, message=message, **extra)
    response.status_code = status
    return response


def json_field_errors(status: int, errors: dict[str, list[str]], message: str):
    return json_error(status, "invalid", message, errors=errors)
