from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import abort, current_app, make_response, render_template, request
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError
from sqlalchemy import select
from werkzeug.exceptions import TooManyRequests

from app.auth.models import User
from app.core.audit.access import record_list_view, record_report_view
from app.core.audit.queries import events_for
from app.core.forms import date_argument, form_int
from app.core.models import now_utc
from app.core.permissions import reporter_is_visible
from app.extensions import db
from app.reports import bp
from app.reports.forms import blank_form_values, payload_from_form
from app.reports.operations import (
    ClientUUIDConflict,
    RegionForbidden,
    ReportInvalid,
    SubmissionSettings,
    submit_report,
)
from app.reports.presenters import REPORTER_STATUS, reporter_view, sees_only_as_reporter
from app.reports.queries import reports_by, reports_visible_to, visible_report
from app.reports.signals import report_page_sections, reporter_page_sections
from app.reports.submission_limit import submission_limit
from app.reports.validation import parse_payload
from app.taxonomy.queries import active_categories, programs_for_regions, regions_of
from app.taxonomy.vocabulary import CAPTURE_EVENT_CLASSES, InterfaceType


def render_capture_form(values: dict, errors: dict | None = None, *, status: int = 200, notice=None):
    regions = regions_of(current_user)
    return (
        render_template(
            "reports/form.html",
            values=values,
            errors=errors or {},
            notice=notice,
            categories=active_categories(),
            regions=regions,
            programs=programs_for_regions(r.id for r in regions),
            interface_types=list(InterfaceType),
            event_classes=CAPTURE_EVENT_CLASSES,
        ),
        status,
    )


@bp.get("/report")
@login_required
def new_report():
    settings = SubmissionSettings.from_config(current_app.config)
    return render_capture_form(blank_form_values(current_user, settings.tz, now_utc()))


@bp.post("/report")
@login_required
@submission_limit
def create_report():
    values = request.form.to_dict()
    payload, errors = parse_payload(payload_from_form(request.form, request.files))
    if errors:
        return render_capture_form(values, errors, status=422)
    try:
        submission = submit_report(current_user, payload, SubmissionSettings.from_config(current_app.config))
    except ReportInvalid as exc:
        db.session.rollback()
        return render_capture_form(values, exc.errors, status=422)
    except RegionForbidden:
        db.session.rollback()
        errors = {"region_id": ["You can only report in your own regions."]}
        return render_capture_form(values, errors, status=403)
    except ClientUUIDConflict:
        db.session.rollback()
        settings = SubmissionSettings.from_config(current_app.config)
        fresh_uuid = blank_form_values(current_user, settings.tz, now_utc())["client_uuid"]
        values["client_uuid"] = fresh_uuid
        notice = "This form was already used for another report. Check the details and send again."
        return render_capture_form(values, status=409, notice=notice)
    db.session.commit()
    report = submission.report
    return render_template("reports/sent.html", report=report, created=submission.created)


@bp.errorhandler(CSRFError)
def expired_form(error):
    """Never lose what a DSP typed because a token aged: show it again with a fresh token."""
    if request.endpoint != "reports.create_report" or not current_user.is_authenticated:
        return render_template("errors/error.html", code=400, message=error.description), 400
    notice = "The form had expired. Your answers are kept; check them and send again."
    return render_capture_form(request.form.to_dict(), status=400, notice=notice)


@bp.errorhandler(TooManyRequests)
def too_many_reports(error):
    """Never lose what a DSP typed because of the submission limit: the form again, with the wait."""
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    if request.endpoint != "reports.create_report" or not current_user.is_authenticated:
        return render_template("errors/error.html", code=429, message=error.description), 429, headers
    page, status = render_capture_form(request.form.to_dict(), status=429, notice=error.description)
    return page, status, headers


@bp.get("/my-reports")
@login_required
def my_reports():
    return render_template(
        "reports/mine.html", reports=reports_by(current_user), reporter_status=REPORTER_STATUS
    )


@bp.get("/reports")
@login_required
def report_list():
    filters = _list_filters(request.args)
    reports = reports_visible_to(current_user, limit=200, filters=filters)
    if record_list_view(current_user, reports, via="reports.list"):
        db.session.commit()
    return render_template(
        "reports/list.html",
        reports=reports,
        filtered=bool(filters),
        reporter_is_visible=reporter_is_visible,
    )


def _list_filters(args) -> dict:
    """Filters from the dashboard's drill-down links; malformed ids are ignored, an unreadable or far
    date is refused (400)."""
    tz = ZoneInfo(current_app.config["ORG_TIMEZONE"])
    filters = {}
    for name in ("region", "category", "program"):
        value = form_int(args.get(name))
        if value is not None:
            filters[name] = value
    if "interface" in args:
        filters["interface"] = (
            args["interface"] if args["interface"] in {t.value for t in InterfaceType} else ""
        )
    for name, key, extra in (("from", "start", 0), ("to", "end", 7)):
        day = date_argument(args, name)
        if day is not None:
            filters[key] = datetime.combine(day + timedelta(days=extra), time(), tzinfo=tz)
    return filters


@bp.get("/reports/<int:report_id>")
@login_required
def report_detail(report_id: int):
    report = visible_report(current_user, report_id)
    if report is None:
        abort(404)
    if record_report_view(current_user, report, via="report page"):
        db.session.commit()
    if sees_only_as_reporter(current_user, report):
        return render_template(
            "reports/reporter_detail.html",
            view=reporter_view(report, events_for("report", report.id)),
            sections=_sections(reporter_page_sections, report),
        )
    return render_template(
        "reports/detail.html",
        report=report,
        show_reporter=reporter_is_visible(current_user, report),
        sections=_sections(report_page_sections, report),
        history=history_for(report, current_user),
    )


def _sections(signal, report) -> list[str]:
    """The HTML other features return for this page (see ``app.reports.signals``)."""
    return [html for _, html in signal.send(report, viewer=current_user) if html]


def history_for(report, viewer) -> list[dict]:
    """The report's audit trail, naming actors except a confidential reporter."""
    events = events_for("report", report.id)
    actor_ids = {e.actor_id for e in events if e.actor_id}
    names = {u.id: u.name for u in db.session.scalars(select(User).where(User.id.in_(actor_ids)))}
    show_reporter = reporter_is_visible(viewer, report)
    rows = []
    for event in events:
        hidden = event.actor_id == report.reporter_id and not show_reporter
        actor = "The reporter (confidential)" if hidden else names.get(event.actor_id, "The system")
        rows.append({"at": event.occurred_at, "action": event.action, "actor": actor})
    return rows


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
