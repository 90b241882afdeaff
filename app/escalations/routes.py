from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.audit.access import record_report_view
from app.core.clock import org_tz
from app.core.form_flow import save_and_flash, save_form
from app.core.forms import checked, form_text
from app.core.jurisdiction import jurisdiction
from app.core.models import now_utc
from app.core.roles import SAFEGUARDING_NEED_TO_KNOW, Role
from app.escalations import bp
from app.escalations.clocks import clock
from app.escalations.forms import (
    decision_from_form,
    duty_completion_from_form,
    nurse_outcome_from_form,
    shift_from_form,
    shows_all_cases,
)
from app.escalations.models import SafeguardingCase, StopTheLineAlert
from app.escalations.nurse_reviews import (
    NURSE_REVIEW_OUTCOMES,
    can_take,
    record_nurse_outcome,
    take_nurse_review,
)
from app.escalations.on_call import (
    ROTA_AHEAD,
    add_shift,
    keeps_a_rota,
    remove_shift,
    rota_for_form,
    shifts_between,
)
from app.escalations.operations import (
    acknowledge_alert,
    active_external_bodies,
    can_handle_alert,
    complete_external_duty,
    decide_safeguarding,
    decision_conflict,
    record_case_view,
    record_safeguards,
)
from app.escalations.queries import (
    can_record_duty,
    rota_regions,
    safeguarding_case_or_404,
    safeguarding_cases,
    shift_or_404,
    supervisors_by_region,
    visible_alert_or_404,
    visible_duty_or_404,
    visible_nurse_review_or_404,
)
from app.escalations.vocabulary import SAFEGUARDING_DECISIONS, SAFEGUARDING_TRIGGERS, persons_views_label
from app.extensions import db
from app.notifications.operations import mark_read_for_link


def _alert_page(alert_id: int, errors: dict) -> str:
    """The alert's page; opening it reads its notifications and is recorded as a view of the report."""
    alert = visible_alert_or_404(current_user, alert_id)
    mark_read_for_link(current_user, f"/alerts/{alert.id}")
    record_report_view(current_user, alert.report, via="stop-the-line alert")
    db.session.commit()
    return render_template(
        "escalations/alert.html",
        alert=alert,
        report=alert.report,
        can_act=can_handle_alert(current_user, alert),
        errors=errors,
        now=now_utc(),
    )


def _alert_to_handle(alert_id: int) -> StopTheLineAlert:
    alert = visible_alert_or_404(current_user, alert_id)
    if not can_handle_alert(current_user, alert):
        abort(403, _("This alert is for the people it was sent to."))
    return alert


@bp.get("/alerts/<int:alert_id>")
@login_required
def alert_page(alert_id: int):
    return _alert_page(alert_id, {})


@bp.post("/alerts/<int:alert_id>/acknowledge")
@login_required
def acknowledge(alert_id: int):
    alert = _alert_to_handle(alert_id)
    acknowledge_alert(alert, current_user)
    db.session.commit()
    flash(_("Acknowledged. Now record the immediate safeguards."))
    return redirect(url_for("escalations.alert_page", alert_id=alert.id))


@bp.post("/alerts/<int:alert_id>/safeguards")
@login_required
def safeguards(alert_id: int):
    alert = _alert_to_handle(alert_id)
    return save_form(
        lambda: record_safeguards(
            alert,
            current_user,
            form_text(request.form, "safeguards"),
            nurse_review=checked(request.form, "nurse_review"),
        ),
        saved=lambda _: redirect(url_for("escalations.alert_page", alert_id=alert.id)),
        invalid=lambda errors: _alert_page(alert_id, errors),
        message=_("Safeguards recorded."),
    )


def _require_safeguarding_view():
    if not current_user.roles & SAFEGUARDING_NEED_TO_KNOW:
        abort(403, _("The safeguarding screen is for the safeguarding and quality leads."))


def _require_safeguarding_lead():
    if Role.SAFEGUARDING_LEAD not in current_user.roles:
        abort(403, _("Only the safeguarding lead records the decision."))


@bp.get("/safeguarding")
@login_required
def safeguarding_queue():
    _require_safeguarding_view()
    show_all = shows_all_cases(request.args)
    return render_template(
        "escalations/safeguarding.html",
        cases=safeguarding_cases(open_only=not show_all),
        show_all=show_all,
        triggers=SAFEGUARDING_TRIGGERS,
        decisions=SAFEGUARDING_DECISIONS,
        bodies=active_external_bodies(),
        now=now_utc(),
    )


def _case_page(case: SafeguardingCase, values: dict, errors: dict, conflict=None) -> str:
    return render_template(
        "escalations/case.html",
        case=case,
        report=case.report,
        errors=errors,
        values=values,
        conflict=conflict,
        triggers=SAFEGUARDING_TRIGGERS,
        decisions=SAFEGUARDING_DECISIONS,
        persons_views_label=persons_views_label(jurisdiction()),
        now=now_utc(),
    )


def _case_conflict_page(case: SafeguardingCase) -> str:
    """Someone else decided meanwhile: their decision beside the user's, nothing typed lost."""
    values = request.form.to_dict()
    conflict = decision_conflict(case, values)
    values["version"] = str(case.version)  # saving again deliberately replaces theirs
    return _case_page(case, values, {}, conflict)


@bp.route("/safeguarding/<int:case_id>", methods=["GET", "POST"])
@login_required
def safeguarding_case(case_id: int):
    _require_safeguarding_view()
    case = safeguarding_case_or_404(case_id)
    if request.method == "POST":
        _require_safeguarding_lead()
        return save_form(
            lambda: decide_safeguarding(case, current_user, **decision_from_form(request.form)),
            saved=lambda _: redirect(url_for("escalations.safeguarding_queue")),
            invalid=lambda errors: _case_page(case, request.form.to_dict(), errors),
            conflict=lambda: _case_conflict_page(case),
            message=_("Decision recorded."),
        )
    record_case_view(current_user, case)
    db.session.commit()
    return _case_page(case, {}, {})


@bp.post("/duties/<int:duty_id>/done")
@login_required
def duty_done(duty_id: int):
    duty = visible_duty_or_404(current_user, duty_id)
    if not can_record_duty(current_user, duty.report):
        abort(403, _("Recording an external report is for the region's supervisors and the leads."))
    return save_and_flash(
        lambda: complete_external_duty(duty, current_user, **duty_completion_from_form(request.form)),
        message=_("Recorded: reported to %(body)s.", body=duty.body.label),
        then=lambda: redirect(url_for("reports.report_detail", report_id=duty.report_id)),
    )


def _rota_page(values: dict, errors: dict) -> str:
    now = now_utc()
    regions = rota_regions(current_user)
    return render_template(
        "escalations/on_call.html",
        regions=regions,
        supervisors=supervisors_by_region(regions),
        shifts=shifts_between([r.id for r in regions], now, now + ROTA_AHEAD),
        now=now,
        values=values,
        errors=errors,
    )


@bp.route("/on-call", methods=["GET", "POST"])
@login_required
def on_call_rota():
    if not rota_regions(current_user):
        abort(403, _("The on-call schedule is kept by the region's supervisors."))
    if request.method == "GET":
        return _rota_page({}, {})
    return save_form(
        lambda: add_shift(current_user, shift_from_form(request.form, org_tz())),
        saved=lambda _: redirect(url_for("escalations.on_call_rota")),
        invalid=lambda errors: _rota_page(request.form.to_dict(), errors),
        message=_("Shift added to the schedule."),
    )


@bp.post("/on-call/<int:shift_id>/remove")
@login_required
def remove_on_call_shift(shift_id: int):
    shift = shift_or_404(current_user, shift_id)
    return save_and_flash(
        lambda: remove_shift(current_user, shift),
        message=_("Shift removed from the schedule."),
        then=lambda: redirect(url_for("escalations.on_call_rota")),
    )


# Menus (my work) offer the rota page to the roles that keep one.
bp.add_app_template_global(keeps_a_rota)


@bp.app_context_processor
def _on_call_rota():
    """``on_call_rota()`` for the report form: the rota of the signed-in person's regions (the form
    carries it so that a phone offline can still show whom to call). Read only where a page calls it."""

    def rota() -> list[dict]:
        if not current_user.is_authenticated:
            return []
        return rota_for_form(current_user.region_ids, now_utc())

    return {"on_call_rota": rota}


def _nurse_review_page(review, errors: dict) -> str:
    now = now_utc()
    return render_template(
        "escalations/nurse_review.html",
        review=review,
        review_clock=clock(
            _("Nurse review"), review.requested_at, review.due_at, review.seen_at or review.outcome_at, now
        ),
        report=review.report,
        outcomes=NURSE_REVIEW_OUTCOMES,
        can_act=can_take(current_user, review),
        errors=errors,
        now=now,
    )


@bp.get("/nurse-reviews/<int:review_id>")
@login_required
def nurse_review(review_id: int):
    review = visible_nurse_review_or_404(current_user, review_id)
    mark_read_for_link(current_user, f"/nurse-reviews/{review.id}")
    record_report_view(current_user, review.report, via="nurse review")
    db.session.commit()
    return _nurse_review_page(review, {})


@bp.post("/nurse-reviews/<int:review_id>/take")
@login_required
def take_review(review_id: int):
    review = visible_nurse_review_or_404(current_user, review_id)
    return save_and_flash(
        lambda: take_nurse_review(review, current_user),
        message=_("It is yours now."),
        then=lambda: redirect(url_for("escalations.nurse_review", review_id=review.id)),
    )


@bp.post("/nurse-reviews/<int:review_id>/outcome")
@login_required
def nurse_review_outcome(review_id: int):
    review = visible_nurse_review_or_404(current_user, review_id)
    return save_form(
        lambda: record_nurse_outcome(
            review, current_user, **nurse_outcome_from_form(request.form, org_tz(), now_utc())
        ),
        saved=lambda _: redirect(url_for("escalations.nurse_review", review_id=review.id)),
        invalid=lambda errors: _nurse_review_page(review, errors),
        message=_("Outcome recorded."),
    )
