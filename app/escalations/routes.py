from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.core.audit.access import record_report_view
from app.core.audit.operations import record_event
from app.core.concurrency import CONFLICT_STATUS, EditConflict, conflicts_refused, form_version
from app.core.models import now_utc
from app.core.permissions import can_triage, sees_report_through_role
from app.core.roles import Role
from app.escalations import bp
from app.escalations.models import ExternalDuty, SafeguardingCase, StopTheLineAlert
from app.escalations.operations import (
    EscalationError,
    acknowledge_alert,
    can_handle_alert,
    complete_external_duty,
    decide_safeguarding,
    decision_conflict,
    record_safeguards,
)
from app.escalations.queries import safeguarding_cases
from app.escalations.vocabulary import SAFEGUARDING_DECISIONS, SAFEGUARDING_TRIGGERS
from app.extensions import db
from app.notifications.operations import mark_read_for_link


def _alert(alert_id: int) -> StopTheLineAlert:
    """The alert if the user may read its report through their role (as ``/reports/<id>`` shows the
    full page); 404 for unknown and forbidden alike. Being told about an alert never widens what a
    person may read, and the reporter of a still-at-risk report gets only the reporter's view of it:
    who acknowledged and the safeguards are staff work."""
    alert = db.session.get(StopTheLineAlert, alert_id)
    if alert is None or not sees_report_through_role(current_user, alert.report):
        abort(404)
    return alert


@bp.get("/alerts/<int:alert_id>")
@login_required
def alert_page(alert_id: int, errors=None, status=200):
    alert = _alert(alert_id)
    mark_read_for_link(current_user, f"/alerts/{alert.id}")
    record_report_view(current_user, alert.report, via="stop-the-line alert")
    db.session.commit()
    return render_template(
        "escalations/alert.html",
        alert=alert,
        report=alert.report,
        can_act=can_handle_alert(current_user, alert),
        errors=errors or {},
        now=now_utc(),
    ), status


@bp.post("/alerts/<int:alert_id>/acknowledge")
@login_required
def acknowledge(alert_id: int):
    alert = _alert(alert_id)
    if not can_handle_alert(current_user, alert):
        abort(403, "This alert is for the people it was sent to.")
    acknowledge_alert(alert, current_user)
    db.session.commit()
    flash("Acknowledged. Now record the immediate safeguards.")
    return redirect(url_for("escalations.alert_page", alert_id=alert.id))


@bp.post("/alerts/<int:alert_id>/safeguards")
@login_required
def safeguards(alert_id: int):
    alert = _alert(alert_id)
    if not can_handle_alert(current_user, alert):
        abort(403, "This alert is for the people it was sent to.")
    try:
        record_safeguards(alert, current_user, request.form.get("safeguards", ""))
    except EscalationError as exc:
        db.session.rollback()
        return alert_page(alert_id, errors=exc.errors, status=422)
    db.session.commit()
    flash("Safeguards recorded.")
    return redirect(url_for("escalations.alert_page", alert_id=alert.id))


def _require_safeguarding_view():
    if not current_user.roles & {Role.SAFEGUARDING_LEAD, Role.QUALITY_LEAD}:
        abort(403, "The safeguarding screen is for the safeguarding and quality leads.")


@bp.get("/safeguarding")
@login_required
def safeguarding_queue():
    _require_safeguarding_view()
    show_all = request.args.get("show") == "all"
    return render_template(
        "escalations/safeguarding.html",
        cases=safeguarding_cases(open_only=not show_all),
        show_all=show_all,
        triggers=SAFEGUARDING_TRIGGERS,
        decisions=SAFEGUARDING_DECISIONS,
        now=now_utc(),
    )


@bp.route("/safeguarding/<int:case_id>", methods=["GET", "POST"])
@login_required
def safeguarding_case(case_id: int):
    _require_safeguarding_view()
    case = db.session.get(SafeguardingCase, case_id)
    if case is None:
        abort(404)
    errors, status, conflict, values = {}, 200, None, request.form.to_dict()
    if request.method == "POST":
        if Role.SAFEGUARDING_LEAD not in current_user.roles:
            abort(403, "Only the safeguarding lead records the decision.")
        try:
            with conflicts_refused():
                decide_safeguarding(
                    case,
                    current_user,
                    decision=request.form.get("decision", ""),
                    rationale=request.form.get("rationale", ""),
                    persons_views=request.form.get("persons_views", ""),
                    based_on=form_version(request.form),
                )
                db.session.commit()
        except EscalationError as exc:
            db.session.rollback()
            case = db.session.get(SafeguardingCase, case_id)
            errors, status = exc.errors, 422
        except EditConflict:
            db.session.rollback()
            case = db.session.get(SafeguardingCase, case_id)
            conflict, status = decision_conflict(case, values), CONFLICT_STATUS
            values["version"] = str(case.version)  # saving again deliberately replaces theirs
        else:
            flash("Decision recorded.")
            return redirect(url_for("escalations.safeguarding_queue"))
    else:
        record_event(
            "safeguarding.view",
            actor=current_user,
            object_type="report",
            object_id=case.report_id,
            region_id=case.report.region_id,
        )
        mark_read_for_link(current_user, f"/safeguarding/{case.id}")
        db.session.commit()
    return render_template(
        "escalations/case.html",
        case=case,
        report=case.report,
        errors=errors,
        values=values,
        conflict=conflict,
        triggers=SAFEGUARDING_TRIGGERS,
        decisions=SAFEGUARDING_DECISIONS,
        now=now_utc(),
    ), status


@bp.post("/duties/<int:duty_id>/done")
@login_required
def duty_done(duty_id: int):
    duty = db.session.get(ExternalDuty, duty_id)
    if duty is None or not sees_report_through_role(current_user, duty.report):
        abort(404)
    allowed = can_triage(current_user, duty.report) or Role.SAFEGUARDING_LEAD in current_user.roles
    if not allowed:
        abort(403, "Recording an external report is for the region's supervisors and the leads.")
    try:
        complete_external_duty(
            duty,
            current_user,
            reference=request.form.get("reference", ""),
            notes=request.form.get("notes", ""),
        )
    except EscalationError as exc:
        db.session.rollback()
        flash(" ".join(m for ms in exc.errors.values() for m in ms))
    else:
        db.session.commit()
        flash(f"Recorded: reported to {duty.body.name}.")
    return redirect(url_for("reports.report_detail", report_id=duty.report_id))
