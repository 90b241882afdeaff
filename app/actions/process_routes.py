"""The process measure's routes on an action: define it, enter a week, import and export CSV."""

from flask import abort, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.actions import bp
from app.actions.models import Action
from app.actions.process import import_process_csv, save_process_measure, save_process_weeks
from app.actions.process_csv import process_csv
from app.actions.process_forms import process_input, uploaded_csv, week_entry
from app.actions.queries import can_change_action
from app.actions.routes import NOT_YOURS, _action, _action_page
from app.core.clock import org_today as today
from app.core.concurrency import form_version
from app.core.form_flow import save_form

CHANGED_MEANWHILE = (
    "Someone else changed this process measure or its counts after you opened the page: the table "
    "shows what is saved now. What you typed is still in the form; save again to replace theirs."
)


def _changeable(action_id: int) -> Action:
    action = _action(action_id)
    if not can_change_action(current_user, action):
        abort(403, NOT_YOURS)
    return action


def _to_process(action: Action):
    return redirect(url_for("actions.show", action_id=action.id) + "#process")


def _process_form_flow(action: Action, save, message: str):
    """Save, or show the page again with the reasons (422) or with the news of a newer save (409)."""
    typed = request.form.to_dict()
    return save_form(
        save,
        saved=lambda _: _to_process(action),
        invalid=lambda errors: _action_page(action, errors=errors, process_values=typed),
        conflict=lambda: _action_page(
            action,
            errors={"process_conflict": [CHANGED_MEANWHILE]},
            process_values={**typed, "version": str(action.process_measure.version)},
        ),
        message=message,
    )


@bp.post("/actions/<int:action_id>/process")
@login_required
def process_define(action_id: int):
    action = _changeable(action_id)
    data, based_on = process_input(request.form), form_version(request.form)
    return _process_form_flow(
        action,
        lambda: save_process_measure(action, current_user, data, today=today(), based_on=based_on),
        _("Process measure saved."),
    )


@bp.post("/actions/<int:action_id>/process/weeks")
@login_required
def process_week(action_id: int):
    action = _changeable(action_id)
    entry, based_on = week_entry(request.form), form_version(request.form)
    return _process_form_flow(
        action,
        lambda: save_process_weeks(action, current_user, [entry], today=today(), based_on=based_on),
        _("Week's counts saved."),
    )


@bp.post("/actions/<int:action_id>/process/import")
@login_required
def process_import(action_id: int):
    action = _changeable(action_id)
    text, based_on = uploaded_csv(request.files), form_version(request.form)
    return _process_form_flow(
        action,
        lambda: import_process_csv(action, current_user, text, today=today(), based_on=based_on),
        _("Weekly counts imported."),
    )


@bp.get("/actions/<int:action_id>/process.csv")
@login_required
def process_export(action_id: int):
    action = _action(action_id)
    if action.process_measure is None:
        abort(404)
    response = make_response(process_csv(action.process_measure.weeks))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="action-A-{action.id}-process.csv"'
    return response
