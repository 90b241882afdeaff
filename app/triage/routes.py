from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.audit.access import record_report_view
from app.core.clock import org_tz
from app.core.concurrency import form_version
from app.core.form_flow import save_form
from app.core.models import now_utc
from app.core.permissions import can_triage
from app.core.roles import TRIAGE_ROLES
from app.escalations.operations import active_external_bodies, escalate_overdue_alerts
from app.escalations.queries import open_alerts_for
from app.escalations.vocabulary import SAFEGUARDING_TRIGGERS
from app.extensions import db
from app.incidents.queries import active_incident_categories
from app.reports.models import Report, ReportStatus
from app.reports.queries import visible_report
from app.taxonomy.queries import active_categories
from app.taxonomy.vocabulary import EventClass, InterfaceType
from app.triage import bp
from app.triage.conflicts import triage_conflict
from app.triage.forms import answers_from_form, queue_filters, stored_values, submitted_values
from app.triage.matrix import DEEPER_REVIEW_FLOOR, Recurrence, ReviewLevel, Severity
from app.triage.operations import current_matrix, recurrence_for, triage_report
from app.triage.queries import region_choices, similar_reports, triage_queue
from app.triage.vocabulary import DOWNGRADE_EXPLANATION_MIN, DowngradeReason


def _require_triage_role():
    if not current_user.roles & TRIAGE_ROLES:
        abort(403, _("Triage is for supervisors and the quality lead."))


@bp.get("/triage")
@login_required
def queue():
    _require_triage_role()
    now = now_utc()
    if escalate_overdue_alerts(now=now):
        db.session.commit()
    filters = queue_filters(request.args)
    return render_template(
        "triage/queue.html",
        items=triage_queue(current_user, filters, now),
        alerts=open_alerts_for(current_user),
        filters=filters,
        regions=region_choices(current_user),
        categories=active_categories(),
        statuses=list(ReportStatus),
        now=now,
    )


def _triageable(report_id: int) -> Report:
    _require_triage_role()
    report = visible_report(current_user, report_id)
    if report is None:
        abort(404)
    if not can_triage(current_user, report):
        abort(403, _("You triage only the reports of your own regions."))
    return report


def _render_form(report: Report, values: dict, errors: dict, conflict=None) -> str:
    proposal = recurrence_for(report)
    return render_template(
        "triage/form.html",
        report=report,
        values=values,
        errors=errors,
        proposal=proposal,
        similar=similar_reports(current_user, proposal),
        matrix=current_matrix(),
        severities=list(Severity),
        recurrences=list(Recurrence),
        review_levels=list(ReviewLevel),
        floor=DEEPER_REVIEW_FLOOR,
        downgrade_reasons=list(DowngradeReason),
        downgrade_min=DOWNGRADE_EXPLANATION_MIN,
        event_classes=list(EventClass),
        incident_categories=active_incident_categories(),
        interface_types=list(InterfaceType),
        triggers=SAFEGUARDING_TRIGGERS,
        bodies=active_external_bodies(),
        conflict=conflict,
    )


def _conflict_page(report: Report) -> str:
    """Someone else triaged meanwhile: their answers beside the user's, nothing typed lost."""
    theirs = stored_values(report)
    yours = submitted_values(request.form)
    yours["version"] = theirs["version"]  # saving again is a deliberate choice to replace theirs
    return _render_form(report, yours, {}, conflict=triage_conflict(report, theirs, yours))


@bp.get("/triage/<int:report_id>")
@login_required
def triage_form(report_id: int):
    report = _triageable(report_id)
    if record_report_view(current_user, report, via="triage"):
        db.session.commit()
    return _render_form(report, stored_values(report), {})


@bp.post("/triage/<int:report_id>")
@login_required
def save_triage(report_id: int):
    report = _triageable(report_id)
    answers = answers_from_form(request.form)
    based_on = form_version(request.form)
    return save_form(
        lambda: triage_report(report, current_user, answers, tz=org_tz(), based_on=based_on),
        saved=lambda _: redirect(url_for("triage.queue")),
        invalid=lambda errors: _render_form(report, submitted_values(request.form), errors),
        conflict=lambda: _conflict_page(report),
        message=_("NM-%(id)s triaged.", id=report.id),
    )
