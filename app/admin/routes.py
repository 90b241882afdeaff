from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.admin import bp
from app.core.forms import form_float, form_int
from app.core.roles import Role
from app.core.settings import SETTINGS, SettingError, all_settings, set_setting
from app.emergency.policy import ALLOWED_ROLES_KEY, allowed_roles, set_allowed_roles
from app.escalations.models import ExternalBody
from app.escalations.operations import EscalationError, save_external_body
from app.extensions import db
from app.triage.matrix import Recurrence, ReviewLevel, Severity
from app.triage.models import TriageMatrixVersion
from app.triage.operations import TriageInvalid, current_matrix, save_matrix


@bp.before_request
@login_required
def _admins_only():
    if Role.ADMIN not in current_user.roles:
        abort(403, "Administration is for administrators.")


ADMIN_SECTIONS = [
    ("admin.users", "Users", "Accounts, roles, regions; deactivate; passkeys and sessions"),
    ("admin.roles", "Sign-in rules per role", "Passkey-only roles; shared-device roles"),
    ("admin.regions", "Regions", "Where services are delivered"),
    ("admin.programs", "Programs", "Services within each region"),
    ("admin.categories", "Categories", "What near misses are about; safeguarding and stop-the-line"),
    ("admin.settings", "Targets and settings", "Triage, safeguarding and stop-the-line targets; timeouts"),
    ("admin.triage_matrix", "Triage matrix", "Severity x recurrence to review level, versioned"),
    ("admin.external_bodies", "External reporting bodies", "Who must be told, and how fast"),
    ("jobs.index", "Background jobs", "Failed jobs and retries"),
]


@bp.get("/")
def index():
    sections = [s for s in ADMIN_SECTIONS if s[0] in current_app.view_functions]
    return render_template("admin/index.html", sections=sections)


@bp.route("/triage-matrix", methods=["GET", "POST"])
def triage_matrix():
    errors, status = {}, 200
    cells = current_matrix().cells
    if request.method == "POST":
        cells = {
            s.value: {r.value: request.form.get(f"{s.value}.{r.value}", "") for r in Recurrence}
            for s in Severity
        }
        try:
            version = save_matrix(cells, actor=current_user, note=request.form.get("note", ""))
        except TriageInvalid as exc:
            db.session.rollback()
            errors, status = exc.errors, 422
        else:
            db.session.commit()
            flash(f"Matrix version {version.version} is now in force.")
            return redirect(url_for("admin.triage_matrix"))
    versions = db.session.scalars(
        select(TriageMatrixVersion).order_by(TriageMatrixVersion.version.desc())
    ).all()
    return render_template(
        "admin/matrix.html",
        cells=cells,
        errors=errors,
        versions=versions,
        severities=list(Severity),
        recurrences=list(Recurrence),
        levels=list(ReviewLevel),
    ), status


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    errors, status = {}, 200
    values = all_settings()
    emergency_roles = {role.value for role in allowed_roles()}
    if request.method == "POST":
        if ALLOWED_ROLES_KEY in request.form:  # the form always sends it (a hidden empty value)
            emergency_roles = {value for value in request.form.getlist(ALLOWED_ROLES_KEY) if value}
            try:
                set_allowed_roles(emergency_roles, actor=current_user)
            except SettingError as exc:
                errors[ALLOWED_ROLES_KEY] = str(exc)
        for key in SETTINGS:
            raw = request.form.get(key, "").strip()
            try:
                number = float(raw)
            except ValueError:
                errors[key] = "Give a number."
                continue
            if number != values[key]:
                try:
                    set_setting(key, number, actor=current_user)
                except SettingError as exc:
                    errors[key] = str(exc)
        if errors:
            db.session.rollback()
            values = {**values, **{k: request.form.get(k, "") for k in SETTINGS}}
            status = 422
        else:
            db.session.commit()
            flash("Settings saved.")
            return redirect(url_for("admin.settings"))
    return render_template(
        "admin/settings.html",
        specs=SETTINGS,
        values=values,
        errors=errors,
        roles=list(Role),
        emergency_roles=emergency_roles,
    ), status


@bp.route("/external-bodies", methods=["GET", "POST"])
def external_bodies():
    errors, status = {}, 200
    if request.method == "POST":
        body_id = form_int(request.form.get("body_id"))
        body = db.session.get(ExternalBody, body_id) if body_id else None
        try:
            save_external_body(
                current_user,
                body=body,
                code=request.form.get("code", "") if body is None else body.code,
                name=request.form.get("name", ""),
                due_amount=form_float(request.form.get("due_amount")),
                business_days=request.form.get("unit") == "business_days",
                for_incidents=request.form.get("for_incidents") == "on",
                active=request.form.get("active") == "on",
            )
        except EscalationError as exc:
            db.session.rollback()
            errors, status = exc.errors, 422
        else:
            db.session.commit()
            flash("Saved.")
            return redirect(url_for("admin.external_bodies"))
    bodies = db.session.scalars(select(ExternalBody).order_by(ExternalBody.name)).all()
    return render_template(
        "admin/external_bodies.html", bodies=bodies, errors=errors, values=request.form
    ), status
