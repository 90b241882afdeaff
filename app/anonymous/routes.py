"""The public pages: the anonymous form behind a link, the receipt, and the status by receipt code.

No account, no name, nothing about the sender kept: the request log names only the route (never the
path with the token), the rate limits count an HMAC of the address, and every answer is ``no-store``
so a shared phone's browser keeps neither the receipt nor the status.
"""

from flask import current_app, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import TooManyRequests

from app.anonymous import bp
from app.anonymous.forms import answers_from_form, blank_answers, receipt_code, typed_answers
from app.anonymous.operations import submit_anonymous_report
from app.anonymous.queries import link_by_token, receipt_view, regions_for_link, report_by_receipt, usable
from app.anonymous.rate_limits import lookup_limit, report_limit_per_link, report_limit_per_sender
from app.anonymous.vocabulary import plain_category
from app.core.clock import org_tz
from app.core.form_flow import save_form
from app.core.i18n import N_
from app.core.models import now_utc
from app.reports.operations import SubmissionSettings
from app.taxonomy.queries import active_categories

ENDED = {
    "rotated": N_("This reporting link has been replaced by a new one."),
    "closed": N_("This reporting link has been closed."),
}
USED_FORM = N_("This form was already used for another report. Check your answers and send again.")
EXPIRED_FORM = N_("The form had expired. Your answers are kept; check them and send again.")
NO_SUCH_CODE = N_("No report matches this code. Check the code and try again.")


@bp.after_request
def _keep_nothing(response):
    if request.blueprint == "anonymous":
        response.headers["Cache-Control"] = "no-store"
    return response


def _link_or_refusal(token: str):
    """The usable link behind ``token`` and None, or None and a clear refusal: 404 for a token never
    issued, 410 for a link replaced or closed (or whose program was switched off)."""
    link = link_by_token(token)
    if link is None:
        return None, (
            render_template("anonymous/link_refused.html", message=_("This reporting link is not known.")),
            404,
        )
    if not usable(link):
        message = _(ENDED.get(link.end_reason or "closed", ENDED["closed"]))
        return None, (render_template("anonymous/link_refused.html", message=message), 410)
    return link, None


def _form(link, values: dict, errors: dict | None = None, notice: str | None = None) -> str:
    return render_template(
        "anonymous/form.html",
        link=link,
        values=values,
        errors=errors or {},
        notice=notice,
        categories=active_categories(),
        regions=regions_for_link(link),
        plain_category=plain_category,
    )


@bp.get("/r/<token>")
def report_form(token: str):
    link, refusal = _link_or_refusal(token)
    return refusal or _form(link, blank_answers(org_tz(), now_utc()))


@bp.post("/r/<token>")
@report_limit_per_link
@report_limit_per_sender
def send_report(token: str):
    link, refusal = _link_or_refusal(token)
    return refusal or _store_and_answer(link)


def _store_and_answer(link):
    """Store the report and show its receipt; or the form again with what was typed and why."""
    settings = SubmissionSettings.from_config(current_app.config)
    return save_form(
        lambda: submit_anonymous_report(link, answers_from_form(request.form), settings),
        saved=lambda submission: render_template("anonymous/receipt.html", submission=submission, link=link),
        invalid=lambda errors: _form(link, typed_answers(request.form), errors),
        conflict=lambda: _form(link, _typed_with_fresh_id(), notice=_(USED_FORM)),
        guard_conflicts=False,
    )


def _typed_with_fresh_id() -> dict:
    """What was typed, under a new form id: the old one is spent on another report."""
    return {**typed_answers(request.form), "client_uuid": blank_answers(org_tz(), now_utc())["client_uuid"]}


@bp.get("/report-status")
def status_form():
    return render_template("anonymous/status_form.html")


@bp.post("/report-status")
@lookup_limit
def status_page():
    """The code comes in the form body, never in the URL; a wrong code and an unknown one answer alike."""
    report = report_by_receipt(receipt_code(request.form))
    if report is None:
        return render_template("anonymous/status_form.html", notice=_(NO_SUCH_CODE)), 404
    return render_template("anonymous/status.html", view=receipt_view(report))


def _refused_form(notice: str, status: int, headers=()):
    """A refused post (an aged token, too many reports): the form again with what was typed."""
    link = link_by_token((request.view_args or {}).get("token", ""))
    if request.endpoint != "anonymous.send_report" or link is None or not usable(link):
        page = render_template("anonymous/status_form.html", notice=notice)
        return page, status, list(headers)
    return _form(link, typed_answers(request.form), notice=notice), status, list(headers)


@bp.errorhandler(CSRFError)
def expired_form(_error):
    return _refused_form(_(EXPIRED_FORM), 400)


@bp.errorhandler(TooManyRequests)
def too_many(error):
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    return _refused_form(error.description, 429, headers)
