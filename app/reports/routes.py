from flask import abort, make_response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import TooManyRequests

from app.core.audit.access import record_list_view, record_report_view
from app.core.audit.queries import events_for
from app.core.clock import org_tz
from app.core.errors import csrf_words
from app.core.i18n import N_
from app.core.models import now_utc
from app.core.permissions import reporter_is_visible
from app.extensions import db
from app.reports import bp
from app.reports.forms import blank_form_values, list_filters, payload_from_form
from app.reports.presenters import REPORTER_STATUS, reporter_view, sees_only_as_reporter
from app.reports.queries import report_history, reports_by, reports_visible_to, visible_report
from app.reports.signals import report_page_sections, reporter_page_sections
from app.reports.submission_flow import submit_and_answer
from app.reports.submission_limit import submission_limit
from app.taxonomy.queries import active_categories, programs_for_regions, regions_of
from app.taxonomy.vocabulary import CAPTURE_EVENT_CLASSES, InterfaceType, interface_label

FOREIGN_REGION = N_("You can only report in your own regions.")
USED_FORM = N_("This form was already used for another report. Check the details and send again.")
EXPIRED_FORM = N_("The form had expired. Your answers are kept; check them and send again.")


def capture_form(values: dict, errors: dict | None = None, *, notice=None) -> str:
    """The capture form filled with ``values``, with ``errors`` by their fields and a ``notice`` on top."""
    regions = regions_of(current_user)
    return render_template(
        "reports/form.html",
        values=values,
        errors=errors or {},
        notice=notice,
        categories=active_categories(),
        regions=regions,
        programs=programs_for_regions(r.id for r in regions),
        interface_types=list(InterfaceType),
        event_classes=CAPTURE_EVENT_CLASSES,
    )


def _blank_values() -> dict:
    return blank_form_values(current_user, org_tz(), now_utc())


class CaptureFormAnswers:
    """How the capture form answers a submission (see ``app.reports.submission_flow``): the
    confirmation page, or the form again with what was typed and why nothing was stored."""

    def __init__(self, values: dict):
        self.values = values

    def stored(self, submission):
        return render_template("reports/sent.html", report=submission.report, created=submission.created)

    def invalid(self, errors):
        return capture_form(self.values, errors)

    def forbidden(self):
        return capture_form(self.values, {"region_id": [_(FOREIGN_REGION)]})

    def conflict(self):
        """A fresh UUID, so sending again files a new report rather than meeting the same conflict."""
        return capture_form(
            {**self.values, "client_uuid": _blank_values()["client_uuid"]}, notice=_(USED_FORM)
        )

    def refused(self, notice: str):
        """Nothing was tried (an aged token, the submission limit): what was typed, and why."""
        return capture_form(self.values, notice=notice)


@bp.get("/report")
@login_required
def new_report():
    return capture_form(_blank_values())


@bp.post("/report")
@login_required
@submission_limit
def create_report():
    raw = payload_from_form(request.form, request.files)
    return submit_and_answer(raw, CaptureFormAnswers(request.form.to_dict()))


@bp.errorhandler(CSRFError)
def expired_form(error):
    """Never lose what a DSP typed because a token aged: show it again with a fresh token."""
    if request.endpoint != "reports.create_report" or not current_user.is_authenticated:
        return render_template("errors/error.html", code=400, message=csrf_words(error)), 400
    return CaptureFormAnswers(request.form.to_dict()).refused(_(EXPIRED_FORM)), 400


@bp.errorhandler(TooManyRequests)
def too_many_reports(error):
    """Never lose what a DSP typed because of the submission limit: the form again, with the wait."""
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    if request.endpoint != "reports.create_report" or not current_user.is_authenticated:
        return render_template("errors/error.html", code=429, message=error.description), 429, headers
    return CaptureFormAnswers(request.form.to_dict()).refused(error.description), 429, headers


@bp.get("/my-reports")
@login_required
def my_reports():
    return render_template(
        "reports/mine.html", reports=reports_by(current_user), reporter_status=REPORTER_STATUS
    )


@bp.get("/reports")
@login_required
def report_list():
    filters = list_filters(request.args, org_tz())
    reports = reports_visible_to(current_user, limit=200, filters=filters)
    if record_list_view(current_user, reports, via="reports.list"):
        db.session.commit()
    return render_template(
        "reports/list.html",
        reports=reports,
        filtered=bool(filters),
        reporter_is_visible=reporter_is_visible,
    )


@bp.get("/reports/<int:report_id>")
@login_required
def report_detail(report_id: int):
    report = visible_report(current_user, report_id)
    if report is None:
        abort(404)
    if record_report_view(current_user, report, via="report page"):
        db.session.commit()
    if sees_only_as_reporter(current_user, report):
        return _reporter_page(report)
    return _full_page(report)


def _reporter_page(report) -> str:
    """What the reporter sent and its progress in plain words, for someone whose only reason to see
    the report is having filed it (see ``sees_only_as_reporter``)."""
    view = reporter_view(report, events_for("report", report.id))
    sections = _sections(reporter_page_sections, report)
    return render_template("reports/reporter_detail.html", view=view, sections=sections)


def _full_page(report) -> str:
    """The report for someone who sees it through their role, with its history and what other
    features add to it."""
    return render_template(
        "reports/detail.html",
        report=report,
        show_reporter=reporter_is_visible(current_user, report),
        sections=_sections(report_page_sections, report),
        history=report_history(report, current_user),
    )


def _sections(signal, report) -> list[str]:
    """The HTML other features return for this page (see ``app.reports.signals``)."""
    return [html for _, html in signal.send(report, viewer=current_user) if html]


@bp.get("/reports/<int:report_id>/photo")
@login_required
def report_photo(report_id: int):
    report = visible_report(current_user, report_id)
    if report is None or report.photo is None:
        abort(404)
    response = make_response(report.photo.data)
    response.headers["Content-Type"] = report.photo.content_type
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# An interface type as people read it, on every page that names one.
bp.add_app_template_filter(interface_label, "interface_label")
