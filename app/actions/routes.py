from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.actions import bp
from app.actions.charts import measure_chart, partial_note
from app.actions.conflicts import action_conflict, verdict_conflict
from app.actions.forms import (
    action_input,
    action_values,
    new_action_values,
    register_filters,
    spot_check_passed,
    typed_action_values,
    verdict_input,
)
from app.actions.measure import MeasureFilter
from app.actions.models import Action
from app.actions.operations import (
    can_verify,
    mark_done,
    record_spot_check,
    save_action,
    verify,
)
from app.actions.process import process_locked, process_view
from app.actions.queries import (
    actions_for,
    can_change_action,
    comparison_for,
    default_baseline_end,
    detectable_for,
    is_overdue,
    measure_choices,
    measure_locked,
    measure_names,
    open_spot_check,
    visible_action,
    visible_reports,
    visible_reviews,
    windows_for,
)
from app.actions.vocabulary import STATUSES, STRENGTHS, VERDICTS
from app.auth.queries import active_users
from app.core.clock import org_today as today
from app.core.clock import org_tz
from app.core.concurrency import form_version
from app.core.form_flow import save_form
from app.core.forms import form_text
from app.extensions import db

NOT_YOURS = _l("Only the quality lead, the operations lead and the action's owner change actions.")


def _action(action_id: int) -> Action:
    action = visible_action(current_user, action_id)
    if action is None:
        abort(404)
    return action


def _to_action(action: Action):
    return redirect(url_for("actions.show", action_id=action.id))


# Pages of other features (a review's "Add an action") offer the button by the rule the form checks.
bp.add_app_template_global(can_change_action)


@bp.get("/actions")
@login_required
def index():
    filters = register_filters(request.args, current_user)
    day = today()
    return render_template(
        "actions/index.html",
        actions=actions_for(current_user, filters, day),
        filters=filters,
        owner=form_text(request.args, "owner"),
        statuses=STATUSES,
        strengths=STRENGTHS,
        is_overdue=lambda action: is_overdue(action, day),
        owners=active_users(),
        can_create=can_change_action(current_user),
        today=day,
    )


def _action_form(action: Action | None, values: dict | None = None, errors=None, conflict=None) -> str:
    """The action's form: its stored answers (a new one's defaults), or what was typed and why it
    was refused."""
    day = today()
    if values is None:
        values = action_values(action, current_user) if action else new_action_values(request.args, day)
    return render_template(
        "actions/form.html",
        action=action,
        values=values,
        errors=errors or {},
        conflict=conflict,
        strengths=STRENGTHS,
        owners=active_users(),
        locked=measure_locked(action, day),
        baseline_default=default_baseline_end(action, action.window_start) if action else None,
        **measure_choices(),
    )


def _conflicting_action_form(action: Action, typed: dict) -> str:
    """Someone saved the action meanwhile: their answers beside the refused ones."""
    theirs = action_values(action, current_user)
    typed = {**typed, "version": theirs["version"]}  # saving again deliberately replaces theirs
    return _action_form(action, typed, conflict=action_conflict(action, theirs, typed, measure_names()))


def _saved_action(action: Action):
    flash(_("Action A-%(number)s saved.", number=action.id))
    return _to_action(action)


@bp.route("/actions/new", methods=["GET", "POST"])
@bp.route("/actions/<int:action_id>/edit", methods=["GET", "POST"])
@login_required
def edit(action_id: int | None = None):
    action = _action(action_id) if action_id is not None else None
    if not can_change_action(current_user, action):
        abort(403, NOT_YOURS)
    if request.method == "GET":
        return _action_form(action)
    data, based_on = action_input(request.form), form_version(request.form)
    return save_form(
        lambda: save_action(current_user, data, tz=org_tz(), today=today(), action=action, based_on=based_on),
        saved=_saved_action,
        invalid=lambda errors: _action_form(action, typed_action_values(request.form), errors),
        conflict=lambda: _conflicting_action_form(action, typed_action_values(request.form)),
    )


def _action_page(
    action: Action, *, errors=None, conflict=None, verdict_values=None, process_values=None
) -> str:
    """The action's page; after a refused verdict, spot check or process entry, with the reasons and
    what was typed."""
    day, tz = today(), org_tz()
    comparison = comparison_for(action, tz, day)
    return render_template(
        "actions/show.html",
        action=action,
        measure=MeasureFilter.from_json(action.measure),
        comparison=comparison,
        detectable=detectable_for(action, comparison, day),
        chart=measure_chart(action, tz, day),
        chart_note=partial_note(windows_for(action), day),
        windows=windows_for(action),
        one_day=timedelta(days=1),
        today=day,
        strengths=STRENGTHS,
        verdicts=VERDICTS,
        errors=errors or {},
        conflict=conflict,
        verdict_values=verdict_values or {},
        can_change=can_change_action(current_user, action),
        can_verify=can_verify(current_user, action),
        linked_reports=visible_reports(action, current_user),
        linked_reviews=visible_reviews(action, current_user),
        window_ended=day > action.window_end,
        overdue=is_overdue(action, day),
        names=measure_names(),
        process=process_view(action, day),
        process_locked=process_locked(action, day),
        process_values=process_values or {},
    )


@bp.get("/actions/<int:action_id>")
@login_required
def show(action_id: int):
    return _action_page(_action(action_id))


@bp.post("/actions/<int:action_id>/done")
@login_required
def done(action_id: int):
    action = _action(action_id)
    if not can_change_action(current_user, action):
        abort(403, NOT_YOURS)
    mark_done(action, current_user, note=form_text(request.form, "progress_note"))
    db.session.commit()
    flash(_("Marked as in place. The test window measures whether it works."))
    return _to_action(action)


def _conflicting_verdict_page(action: Action, typed: dict) -> str:
    """A verdict was recorded meanwhile: it beside the refused one."""
    typed = {**typed, "version": str(action.version)}  # saving again deliberately replaces theirs
    return _action_page(action, conflict=verdict_conflict(action, typed), verdict_values=typed)


@bp.post("/actions/<int:action_id>/verify")
@login_required
def record_verdict(action_id: int):
    action = _action(action_id)
    verdict, based_on = verdict_input(request.form), form_version(request.form)
    return save_form(
        lambda: verify(action, current_user, **verdict, tz=org_tz(), today=today(), based_on=based_on),
        saved=lambda _: _to_action(action),
        invalid=lambda errors: _action_page(action, errors=errors, verdict_values=request.form.to_dict()),
        conflict=lambda: _conflicting_verdict_page(action, request.form.to_dict()),
        message=_("Verdict recorded."),
    )


@bp.post("/actions/<int:action_id>/spot-checks/<int:check_id>")
@login_required
def spot_check(action_id: int, check_id: int):
    action = _action(action_id)
    check = open_spot_check(action, check_id)
    if check is None:
        abort(404)
    if not (can_change_action(current_user, action) or can_verify(current_user, action)):
        abort(403, _("Spot checks are recorded by the owner, the quality lead or a verifier."))
    passed, note = spot_check_passed(request.form), form_text(request.form, "note")
    return save_form(
        lambda: record_spot_check(check, current_user, passed=passed, note=note, today=today()),
        saved=lambda _: _to_action(action),
        invalid=lambda errors: _action_page(action, errors=errors),
        message=_("Spot check recorded.") if passed else _("Spot check failed: the action is reopened."),
    )
