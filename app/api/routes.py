from flask import current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from app.api import bp
from app.api import category_suggestion as suggestion
from app.api.guide_reads import confirm_and_answer
from app.api.openapi import openapi_document
from app.core.audit.access import record_report_view
from app.core.json_body import NOT_JSON, json_body
from app.core.json_errors import json_error, json_field_errors
from app.extensions import csrf, db
from app.reports.presenters import report_as_json
from app.reports.queries import visible_report
from app.reports.submission_batch import read_batch, submit_batch
from app.reports.submission_flow import submit_and_answer
from app.reports.submission_limit import batch_submission_limit, submission_limit
from app.taxonomy.queries import taxonomy_for
from app.triage.category_suggestion import suggest_category

PUBLIC_ENDPOINTS = {"api.csrf_token", "api.openapi"}

# The API checks sign-in before CSRF, so an expired session answers 401 (sign in again) rather
# than 400; writes are then protected by hand in ``_require_session_and_csrf``.
csrf.exempt(bp)


@bp.before_request
def _require_session_and_csrf():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return json_error(401, "unauthenticated", _("Sign in to continue."))
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.protect()
    return None


@bp.get("/csrf")
def csrf_token():
    """A fresh token, and whose session it belongs to, so a device only replays its user's reports."""
    user_id = current_user.id if current_user.is_authenticated else None
    return jsonify(csrf_token=generate_csrf(), user_id=user_id)


@bp.get("/taxonomy")
def taxonomy():
    return jsonify(taxonomy_for(current_user))


def _json_body():
    """The parsed body, or an error response for a body that is not JSON at all."""
    body, problem = json_body()
    if problem == NOT_JSON:
        return None, json_field_errors(
            415, {"_body": [_("Send JSON with Content-Type: application/json.")]}, _("Not JSON.")
        )
    if problem is not None:
        return None, json_field_errors(400, {"_body": [_("The body is not valid JSON.")]}, _("Bad JSON."))
    return body, None


class JsonAnswers:
    """How the API answers a submission (see ``app.reports.submission_flow``; SPEC §5): 201 with the
    new report's ``id`` and ``client_uuid``, 200 with the same body for a replay, JSON errors else.
    Plain bodies, which Flask sends as JSON: a batch puts the same bodies in its results."""

    def stored(self, submission):
        return submission.receipt, 201 if submission.created else 200

    def invalid(self, errors):
        return {"error": "invalid", "message": _("Some fields need attention."), "errors": errors}

    def forbidden(self):
        errors = {"region_id": [_("You do not belong to this region.")]}
        return {
            "error": "forbidden",
            "message": _("You can only report in your own regions."),
            "errors": errors,
        }

    def conflict(self):
        message = _("This client_uuid was already used for a different report. Make a new UUID.")
        errors = {"client_uuid": [_("Already used for a different report.")]}
        return {"error": "conflict", "message": message, "errors": errors}


@bp.post("/reports")
@submission_limit
def create_report():
    body, error = _json_body()
    if error is not None:
        return error
    return submit_and_answer(body, JsonAnswers())


@bp.post("/reports/batch")
@batch_submission_limit
def create_reports():
    """Up to ``MAX_BATCH_REPORTS`` reports, each answered as ``POST /reports`` would, in order."""
    body, error = _json_body()
    if error is not None:
        return error
    items, refused = read_batch(body)
    if refused is not None:
        return json_field_errors(refused.status, refused.errors, refused.message)
    return {"results": submit_batch(items, JsonAnswers())}


@bp.post("/guide-reads")
def confirm_guide_read():
    """The signed-in person read a version of a cue guide (sent by the outbox, offline-first)."""
    body, error = _json_body()
    if error is not None:
        return error
    return confirm_and_answer(current_user, body)


@bp.get("/reports/<int:report_id>")
def get_report(report_id: int):
    report = visible_report(current_user, report_id)
    if report is None:
        return json_error(404, "not_found", _("No such report."))
    if record_report_view(current_user, report, via="api"):
        db.session.commit()
    return jsonify(report_as_json(report, current_user))


@bp.post("/category-suggestion")
@suggestion.suggestion_limit
def category_suggestion():
    """A hint for the capture form: the likely category of the words typed so far (never stored)."""
    body, error = _json_body()
    if error is not None:
        return error
    text, errors = suggestion.read_request(body)
    if errors:
        return json_field_errors(422, errors, _("Some fields need attention."))
    return jsonify(suggestion.answer(suggest_category(text)))


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document(current_app.config["ORG_TIMEZONE"]))
