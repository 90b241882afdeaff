"""Error pages and JSON errors: clear 4xx answers, never a stack trace."""

from flask import current_app, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from app.core.concurrency import EditConflict
from app.core.json_errors import json_error
from app.extensions import db


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def register(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        if _wants_json():
            return json_error(
                400, "csrf", "Missing or stale CSRF token: fetch /api/v1/csrf and send it again."
            )
        return render_template("errors/error.html", code=400, message=error.description), 400

    @app.errorhandler(HTTPException)
    def http_error(error):
        # Keep the headers the error carries (Allow on a 405, Retry-After): clients act on them.
        headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        if _wants_json():
            response = json_error(error.code, error.name.lower().replace(" ", "_"), error.description)
            response.headers.extend(headers)
            return response
        return (
            render_template("errors/error.html", code=error.code, message=error.description),
            error.code,
            headers,
        )

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(error):
        """The database went away (a restart, a failover): a temporary 503 that tells clients to
        retry - the outbox keeps the report and sends it again - not a 500 that reads as a bug."""
        db.session.rollback()
        current_app.logger.warning("database unavailable: %s", type(error.orig or error).__name__)
        headers = {"Retry-After": "5"}
        message = "The service is briefly unavailable. Nothing was lost: try again in a few seconds."
        if _wants_json():
            response = json_error(503, "unavailable", message)
            response.headers.update(headers)
            return response
        return render_template("errors/error.html", code=503, message=message), 503, headers

    @app.errorhandler(StaleDataError)
    @app.errorhandler(EditConflict)
    def changed_meanwhile(_error):
        """Someone else saved the same record between this request's read and its write, on a path
        without a form of its own to show both answers (a mark-done, a spot check): 409, try again.
        The edit forms catch this themselves and show both answers (core.concurrency)."""
        db.session.rollback()
        message = "Someone changed this at the same moment, so nothing was saved. Open it again and retry."
        if _wants_json():
            return json_error(409, "conflict", message)
        return render_template("errors/error.html", code=409, message=message), 409
