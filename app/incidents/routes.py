from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.clock import org_tz
from app.core.form_flow import save_and_flash, save_form
from app.incidents import bp
from app.incidents.forms import category_choice, other_report_id, reason_text
from app.incidents.operations import link_warning, reclassify_as_incident, unlink_warning
from app.incidents.queries import active_incident_categories, is_incident, may_handle_incidents, warning_link
from app.reports.models import Report
from app.reports.queries import visible_report


def _handled_report(report_id: int) -> Report:
    """The report if the user may read it (404 otherwise) and handle incidents on it (403)."""
    report = visible_report(current_user, report_id)
    if report is None:
        abort(404)
    if not may_handle_incidents(current_user, report):
        abort(403, _("Only those who triage or review this report record incidents and warnings."))
    return report


def _report_page(report: Report):
    return redirect(url_for("reports.report_detail", report_id=report.id) + "#incident")


def _incident_form(report: Report, values: dict, errors: dict | None = None) -> str:
    return render_template(
        "incidents/form.html",
        report=report,
        values=values,
        errors=errors or {},
        categories=active_incident_categories(),
        incident=is_incident(report),
    )


@bp.get("/reports/<int:report_id>/incident")
@login_required
def incident_form(report_id: int):
    report = _handled_report(report_id)
    chosen = str(report.incident.category_id) if report.incident else ""
    return _incident_form(report, {"category_id": chosen})


@bp.post("/reports/<int:report_id>/incident")
@login_required
def record_incident(report_id: int):
    report = _handled_report(report_id)
    category_id, reason = category_choice(request.form), reason_text(request.form)
    return save_form(
        lambda: reclassify_as_incident(
            report, current_user, category_id=category_id, reason=reason, tz=org_tz()
        ),
        saved=lambda _: _report_page(report),
        invalid=lambda errors: _incident_form(report, request.form, errors),
        message=_("NM-%(id)s is recorded as an incident.", id=report.id),
    )


@bp.post("/reports/<int:report_id>/warnings")
@login_required
def link(report_id: int):
    report = _handled_report(report_id)
    other = visible_report(current_user, other_report_id(request.form) or 0)
    near_miss, incident = (other, report) if is_incident(report) else (report, other)
    return save_and_flash(
        lambda: link_warning(near_miss, incident, current_user),
        message=_("Linked."),
        then=lambda: _report_page(report),
    )


@bp.post("/reports/<int:report_id>/warnings/<int:link_id>/remove")
@login_required
def unlink(report_id: int, link_id: int):
    report = _handled_report(report_id)
    found = warning_link(link_id)
    if found is None or report.id not in (found.near_miss_id, found.incident_id):
        abort(404)
    return save_and_flash(
        lambda: unlink_warning(found, current_user),
        message=_("Link removed."),
        then=lambda: _report_page(report),
    )
