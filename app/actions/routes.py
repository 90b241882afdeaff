from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.actions import bp
from app.actions.charts import measure_chart
from app.actions.conflicts import action_conflict, verdict_conflict
from app.actions.measure import MeasureFilter
from app.actions.models import Action, SpotCheck
from app.actions.operations import (
    STATUSES,
    STRENGTHS,
    VERDICTS,
    ActionInput,
    ActionInvalid,
    can_verify,
    comparison_for,
    mark_done,
    record_spot_check,
    save_action,
    verify,
)
from app.actions.queries import ActionFilters, actions_for, can_change_action, can_view_action, is_overdue
from app.auth.queries import active_users
from app.core.clock import org_today as today
from app.core.clock import org_tz
from app.core.concurrency import CONFLICT_STATUS, EditConflict, conflicts_refused, form_version
from app.core.forms import form_date, form_float, form_ids, form_int
from app.core.permissions import can_view_report
from app.extensions import db
from app.reviews.queries import can_view_review
from app.taxonomy.models import Program, Region
from app.taxonomy.queries import active_categories
from app.taxonomy.vocabulary import InterfaceType


def _action(action_id: int) -> Action:
    action = db.session.get(Action, action_id)
    if action is None or not can_view_action(current_user, action):
        abort(404)
    return action


@bp.get("/actions")
@login_required
def index():
    owner = request.args.get("owner", "")
    filters = ActionFilters(
        owner_id=current_user.id if owner == "me" else form_int(owner),
        status=request.args.get("status", "") if request.args.get("status") in STATUSES else "",
        overdue=request.args.get("overdue") == "1",
    )
    day = today()
    return render_template(
        "actions/index.html",
        actions=actions_for(current_user, filters, day),
        filters=filters,
        owner=owner,
        statuses=STATUSES,
        strengths=STRENGTHS,
        is_overdue=lambda a: is_overdue(a, day),
        owners=active_users(),
        can_create=can_change_action(current_user),
        today=day,
    )


def _input(form) -> ActionInput:
    return ActionInput(
        title=form.get("title", ""),
        change=form.get("change", ""),
        owner_id=form_int(form.get("owner_id")),
        due_date=form_date(form.get("due_date")),
        strength=form.get("strength", ""),
        window_start=form_date(form.get("window_start")),
        window_end=form_date(form.get("window_end")),
        measure=MeasureFilter(
            category_ids=tuple(sorted(i for i in form_ids(form.getlist("category_ids")))),
            region_ids=tuple(sorted(i for i in form_ids(form.getlist("region_ids")))),
            program_ids=tuple(sorted(i for i in form_ids(form.getlist("program_ids")))),
            interface_types=tuple(sorted(form.getlist("interface_types"))),
        ),
        target_reduction_percent=form_float(form.get("target_reduction_percent")),
        report_ids=form_ids([form.get("report_ids", "")]),
        review_ids=form_ids([form.get("review_ids", "")]),
    )


def _values(action: Action | None) -> dict:
    day = today()
    if action is None:
        report = request.args.get("report", "")
        review = request.args.get("review", "")
        return {
            "version": "",
            "report_ids": f"NM-{report}" if form_int(report) else "",
            "review_ids": f"R-{review}" if form_int(review) else "",
            "due_date": (day + timedelta(days=14)).isoformat(),
            "window_start": (day + timedelta(days=14)).isoformat(),
            "window_end": (day + timedelta(days=42)).isoformat(),
            "target_reduction_percent": "50",
            "category_ids": [],
            "region_ids": [],
            "program_ids": [],
            "interface_types": [],
        }
    measure = MeasureFilter.from_json(action.measure)
    return {
        "version": str(action.version),
        "title": action.title,
        "change": action.change,
        "owner_id": str(action.owner_id),
        "due_date": action.due_date.isoformat(),
        "strength": action.strength,
        "window_start": action.window_start.isoformat(),
        "window_end": action.window_end.isoformat(),
        "target_reduction_percent": f"{action.target_reduction_percent:g}",
        # Only the links this person may see; the others are kept by save_action.
        "report_ids": ", ".join(f"NM-{r.id}" for r in action.reports if can_view_report(current_user, r)),
        "review_ids": ", ".join(f"R-{r.id}" for r in action.reviews if can_view_review(current_user, r)),
        "category_ids": [str(i) for i in measure.category_ids],
        "region_ids": [str(i) for i in measure.region_ids],
        "program_ids": [str(i) for i in measure.program_ids],
        "interface_types": list(measure.interface_types),
    }


def _render_form(action, values, errors, status=200, conflict=None):
    return render_template(
        "actions/form.html",
        action=action,
        values=values,
        errors=errors,
        conflict=conflict,
        strengths=STRENGTHS,
        owners=active_users(),
        categories=active_categories(),
        regions=db.session.query(Region).order_by(Region.name).all(),
        programs=db.session.query(Program).order_by(Program.name).all(),
        interface_types=list(InterfaceType),
        locked=action is not None and today() >= action.window_start,
    ), status


@bp.route("/actions/new", methods=["GET", "POST"])
@bp.route("/actions/<int:action_id>/edit", methods=["GET", "POST"])
@login_required
def edit(action_id: int | None = None):
    action = _action(action_id) if action_id is not None else None
    if not can_change_action(current_user, action):
        abort(403, "Only the quality lead and the action's owner change actions.")
    if request.method == "GET":
        return _render_form(action, _values(action), {})
    values = request.form.to_dict()
    for name in ("category_ids", "region_ids", "program_ids", "interface_types"):
        values[name] = request.form.getlist(name)
    try:
        with conflicts_refused():
            saved = save_action(
                current_user,
                _input(request.form),
                tz=org_tz(),
                today=today(),
                action=action,
                based_on=form_version(request.form),
            )
            db.session.commit()
    except ActionInvalid as exc:
        db.session.rollback()
        return _render_form(action, values, exc.errors, 422)
    except EditConflict:
        db.session.rollback()
        theirs = _values(action)
        values["version"] = theirs["version"]  # saving again deliberately replaces theirs
        conflict = action_conflict(action, theirs, values, _measure_names())
        return _render_form(action, values, {}, CONFLICT_STATUS, conflict)
    flash(f"Action A-{saved.id} saved.")
    return redirect(url_for("actions.show", action_id=saved.id))


def _measure_names() -> dict:
    return {
        "category_ids": {str(c.id): c.name for c in active_categories()},
        "region_ids": {str(r.id): r.name for r in db.session.query(Region)},
        "program_ids": {str(p.id): p.name for p in db.session.query(Program)},
        "interface_types": {t.value: t.label for t in InterfaceType},
    }


@bp.get("/actions/<int:action_id>")
@login_required
def show(action_id: int, errors=None, status=200, conflict=None, verdict_values=None):
    action = _action(action_id)
    day = today()
    tz = org_tz()
    return render_template(
        "actions/show.html",
        action=action,
        measure=MeasureFilter.from_json(action.measure),
        comparison=comparison_for(action, tz),
        chart=measure_chart(action, tz, day),
        today=day,
        statuses=STATUSES,
        strengths=STRENGTHS,
        verdicts=VERDICTS,
        errors=errors or {},
        conflict=conflict,
        verdict_values=verdict_values or {},
        can_change=can_change_action(current_user, action),
        can_verify=can_verify(current_user, action),
        linked_reports=[r for r in action.reports if can_view_report(current_user, r)],
        linked_reviews=[r for r in action.reviews if can_view_review(current_user, r)],
        window_ended=day > action.window_end,
        overdue=is_overdue(action, day),
        categories={c.id: c.name for c in active_categories()},
        regions={r.id: r.name for r in db.session.query(Region)},
        programs={p.id: p.name for p in db.session.query(Program)},
    ), status


@bp.post("/actions/<int:action_id>/done")
@login_required
def done(action_id: int):
    action = _action(action_id)
    if not can_change_action(current_user, action):
        abort(403, "Only the quality lead and the action's owner change actions.")
    mark_done(action, current_user, note=request.form.get("progress_note", ""))
    db.session.commit()
    flash("Marked as in place. The test window measures whether it works.")
    return redirect(url_for("actions.show", action_id=action.id))


@bp.post("/actions/<int:action_id>/verify")
@login_required
def record_verdict(action_id: int):
    action = _action(action_id)
    values = request.form.to_dict()
    try:
        with conflicts_refused():
            verify(
                action,
                current_user,
                verdict=request.form.get("verdict", ""),
                note=request.form.get("note", ""),
                tz=org_tz(),
                today=today(),
                new_window_end=form_date(request.form.get("new_window_end")),
                based_on=form_version(request.form),
            )
            db.session.commit()
    except ActionInvalid as exc:
        db.session.rollback()
        return show(action_id, errors=exc.errors, status=422, verdict_values=values)
    except EditConflict:
        db.session.rollback()
        values["version"] = str(action.version)  # saving again deliberately replaces theirs
        conflict = verdict_conflict(action, values)
        return show(action_id, status=CONFLICT_STATUS, conflict=conflict, verdict_values=values)
    flash("Verdict recorded.")
    return redirect(url_for("actions.show", action_id=action.id))


@bp.post("/actions/<int:action_id>/spot-checks/<int:check_id>")
@login_required
def spot_check(action_id: int, check_id: int):
    action = _action(action_id)
    check = db.session.get(SpotCheck, check_id)
    if check is None or check.action_id != action.id or check.done_at is not None:
        abort(404)
    if not (can_change_action(current_user, action) or can_verify(current_user, action)):
        abort(403, "Spot checks are recorded by the owner, the quality lead or a verifier.")
    passed = {"yes": True, "no": False}.get(request.form.get("passed", ""))
    try:
        record_spot_check(
            check, current_user, passed=passed, note=request.form.get("note", ""), today=today()
        )
    except ActionInvalid as exc:
        db.session.rollback()
        return show(action_id, errors=exc.errors, status=422)
    db.session.commit()
    flash("Spot check recorded." if passed else "Spot check failed: the action is reopened.")
    return redirect(url_for("actions.show", action_id=action.id))
