"""Error pages and JSON errors: clear 4xx answers, never a stack trace."""

from flask import current_app, g, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from app.core.concurrency import EditConflict
from app.core.json_errors import json_error
from app.extensions import db

# Werkzeug's own words for an error raised without a message of its own, in the person's language
# (the English is Werkzeug's, unchanged).
_DEFAULT_DESCRIPTIONS = {
    400: _l("The browser (or proxy) sent a request that this server could not understand."),
    403: _l(
        "You don't have the permission to access the requested resource. It is either read-protected or not"
        " readable by the server."
    ),
    404: _l(
        "The requested URL was not found on the server. If you entered the URL manually please check your"
        " spelling and try again."
    ),
    405: _l("The method is not allowed for the requested URL."),
    413: _l("The data value transmitted exceeds the capacity limit."),
    415: _l("The server does not support the media type transmitted in the request."),
    429: _l("This user has exceeded an allotted request count. Try again later."),
    401: _l(
        "The server could not verify that you are authorized to access the URL requested. You either supplied"
        " the wrong credentials (e.g. a bad password), or your browser doesn't understand how to supply the"
        " credentials required."
    ),
    409: _l(
        "A conflict happened while processing the request. The resource might have been modified while the"
        " request was being processed."
    ),
    410: _l(
        "The requested URL is no longer available on this server and there is no forwarding address. If you"
        " followed a link from a foreign page, please contact the author of this page."
    ),
    422: _l("The request was well-formed but was unable to be followed due to semantic errors."),
    500: _l(
        "The server encountered an internal error and was unable to complete your request. Either the server"
        " is overloaded or there is an error in the application."
    ),
    503: _l(
        "The server is temporarily unable to service your request due to maintenance downtime or capacity"
        " problems. Please try again later."
    ),
}


def _description(error: HTTPException) -> str:
    default = _DEFAULT_DESCRIPTIONS.get(error.code)
    if default is not None and error.description == type(error).description:
        return str(default)
    return error.description


# Flask-WTF's reasons for refusing a form (English as Flask-WTF writes them).
_CSRF_WORDS = {
    "The CSRF token is missing.": _l("The CSRF token is missing."),
    "The CSRF session token is missing.": _l("The CSRF session token is missing."),
    "The CSRF token is invalid.": _l("The CSRF token is invalid."),
    "The CSRF token has expired.": _l("The CSRF token has expired."),
    "The CSRF tokens do not match.": _l("The CSRF tokens do not match."),
}


def csrf_words(error: CSRFError) -> str:
    """Why Flask-WTF refused the form, in the person's language."""
    return str(_CSRF_WORDS.get(error.description, error.description))


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def register(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        if _wants_json():
            return json_error(
                400, "csrf", _("Missing or stale CSRF token: fetch /api/v1/csrf and send it again.")
            )
        return render_template("errors/error.html", code=400, message=csrf_words(error)), 400

    @app.errorhandler(HTTPException)
    def http_error(error):
        # Keep the headers the error carries (Allow on a 405, Retry-After): clients act on them.
        headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        if _wants_json():
            response = json_error(error.code, error.name.lower().replace(" ", "_"), _description(error))
            response.headers.extend(headers)
            return response
        return (
            render_template("errors/error.html", code=error.code, message=_description(error)),
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
        message = _("The service is briefly unavailable. Nothing was lost: try again in a few seconds.")
        if _wants_json():
            response = json_error(503, "unavailable", message)
            response.headers.update(headers)
            return response
        if "_login_user" not in g:
            # The session check itself could not read the database: the page is drawn signed out
            # rather than reading the person again and failing a second time.
            g._login_user = AnonymousUserMixin()
        return render_template("errors/error.html", code=503, message=message), 503, headers

    @app.errorhandler(StaleDataError)
    @app.errorhandler(EditConflict)
    def changed_meanwhile(_error):
        """Someone else saved the same record between this request's read and its write, on a path
        without a form of its own to show both answers (a mark-done, a spot check): 409, try again.
        The edit forms catch this themselves and show both answers (core.concurrency)."""
        db.session.rollback()
        message = _("Someone changed this at the same moment, so nothing was saved. Open it again and retry.")
        if _wants_json():
            return json_error(409, "conflict", message)
        return render_template("errors/error.html", code=409, message=message), 409
