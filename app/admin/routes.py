from flask import abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.admin import bp
from app.admin.forms import (
    calendar_fields,
    external_body_fields,
    jurisdiction_choice,
    matrix_cells,
    matrix_note,
    settings_input,
    typed_settings,
)
from app.admin.operations import save_jurisdiction, save_settings, save_working_calendar
from app.admin.queries import calendar_form_values, calendar_preview, matrix_versions, row_by_id
from app.admin.queries import external_bodies as all_external_bodies
from app.core.clock import org_today
from app.core.form_flow import back_to, save_form
from app.core.jurisdiction import KINDS, US_STATES, jurisdiction
from app.core.roles import ADMIN_ROLES, Role
from app.core.settings import SETTINGS, all_settings
from app.emergency.policy import allowed_roles
from app.escalations.models import ExternalBody
from app.escalations.operations import save_external_body
from app.escalations.vocabulary import default_external_bodies, shown_body_name
from app.triage.matrix import Recurrence, ReviewLevel, Severity
from app.triage.operations import current_matrix, save_matrix


@bp.before_request
@login_required
def _admins_only():
    if not current_user.roles & ADMIN_ROLES:
        abort(403, _("Administration is for administrators."))


ADMIN_SECTIONS = [
    ("admin.users", _l("Users"), _l("Accounts, roles, regions; deactivate; passkeys and sessions")),
    ("admin.roles", _l("Sign-in rules per role"), _l("Passkey-only roles; shared-device roles")),
    ("admin.regions", _l("Regions"), _l("Where services are delivered")),
    ("admin.programs", _l("Programs"), _l("Services within each region")),
    ("anonymous.admin_links", _l("Public reporting links"), _l("Anonymous reports by QR code, per program")),
    ("admin.categories", _l("Categories"), _l("What near misses are about; safeguarding and stop-the-line")),
    (
        "admin.incident_categories",
        _l("Critical-incident categories"),
        _l("Incidents by kind (CMS HCBS list)"),
    ),
    (
        "packs.oversight_export",
        _l("Oversight export"),
        _l("Incidents and near misses per period, CSV or JSON"),
    ),
    (
        "admin.settings",
        _l("Targets and settings"),
        _l("Triage, safeguarding and stop-the-line targets; timeouts"),
    ),
    (
        "admin.business_days",
        _l("Business-day calendar"),
        _l("Public holidays by country and state; added days off"),
    ),
    ("admin.triage_matrix", _l("Triage matrix"), _l("Severity x recurrence to review level, versioned")),
    ("admin.external_bodies", _l("External reporting bodies"), _l("Who must be told, and how fast")),
    (
        "people.correct",
        _l("Person references"),
        _l("Correct a mistyped reference; merge two that name one person"),
    ),
    (
        "admin.jurisdiction_settings",
        _l("Local vocabulary"),
        _l("Country and state: external bodies, safeguarding words, emergency number"),
    ),
    ("jobs.index", _l("Background jobs"), _l("Failed jobs and retries")),
]


@bp.get("/")
def index():
    sections = [s for s in ADMIN_SECTIONS if s[0] in current_app.view_functions]
    return render_template("admin/index.html", sections=sections)


def _matrix_page(cells, errors=None):
    return render_template(
        "admin/matrix.html",
        cells=cells,
        errors=errors or {},
        versions=matrix_versions(),
        severities=list(Severity),
        recurrences=list(Recurrence),
        levels=list(ReviewLevel),
    )


@bp.route("/triage-matrix", methods=["GET", "POST"])
def triage_matrix():
    if request.method == "GET":
        return _matrix_page(current_matrix().cells)
    cells = matrix_cells(request.form)
    return save_form(
        lambda: save_matrix(cells, actor=current_user, note=matrix_note(request.form)),
        saved=back_to(
            "admin.triage_matrix",
            lambda version: _("Matrix version %(number)s is now in force.", number=version.version),
        ),
        invalid=lambda errors: _matrix_page(cells, errors),
    )


def _settings_page(values, emergency_roles, errors=None):
    return render_template(
        "admin/settings.html",
        specs=SETTINGS,
        values=values,
        errors=errors or {},
        roles=list(Role),
        emergency_roles=emergency_roles,
    )


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    current_roles = {role.value for role in allowed_roles()}
    if request.method == "GET":
        return _settings_page(all_settings(), current_roles)
    submitted = settings_input(request.form)
    return save_form(
        lambda: save_settings(submitted.numbers, submitted.emergency_roles, actor=current_user),
        saved=back_to("admin.settings"),
        invalid=lambda errors: _settings_page(
            {**all_settings(), **typed_settings(request.form)},
            current_roles if submitted.emergency_roles is None else submitted.emergency_roles,
            errors,
        ),
        message=_("Settings saved."),
    )


def _calendar_page(values, errors=None):
    return render_template(
        "admin/calendar.html", values=values, errors=errors or {}, preview=calendar_preview(org_today())
    )


@bp.route("/business-days", methods=["GET", "POST"])
def business_days():
    """The calendar business-day clocks count by: regulators' deadlines skip its days off."""
    if request.method == "GET":
        return _calendar_page(calendar_form_values())
    fields = calendar_fields(request.form)
    return save_form(
        lambda: save_working_calendar(fields, actor=current_user),
        saved=back_to("admin.business_days"),
        invalid=lambda errors: _calendar_page(request.form, errors),
        message=_("Business-day calendar saved."),
    )


def _external_bodies_page(errors=None):
    return render_template(
        "admin/external_bodies.html", bodies=all_external_bodies(), errors=errors or {}, values=request.form
    )


@bp.route("/external-bodies", methods=["GET", "POST"])
def external_bodies():
    if request.method == "GET":
        return _external_bodies_page()
    fields = external_body_fields(request.form)
    body = row_by_id(ExternalBody, fields.body_id)
    return save_form(
        lambda: save_external_body(current_user, **fields.for_body(body)),
        saved=back_to("admin.external_bodies"),
        invalid=_external_bodies_page,
        message=_("Saved."),
    )


def _jurisdiction_page(values, errors=None):
    chosen = jurisdiction()
    return render_template(
        "admin/jurisdiction.html",
        values=values,
        errors=errors or {},
        kinds=KINDS,
        states=US_STATES,
        defaults=[
            {**spec, "label": shown_body_name(spec["code"], spec["name"])}
            for spec in default_external_bodies(chosen)
        ],
        present={body.code for body in all_external_bodies()},
        emergency_number=chosen.emergency_number,
    )


@bp.route("/jurisdiction", methods=["GET", "POST"])
def jurisdiction_settings():
    """The organisation's jurisdiction: its default external bodies, safeguarding words, 911 or 999."""
    if request.method == "GET":
        chosen = jurisdiction()
        return _jurisdiction_page({"kind": chosen.kind, "state": chosen.state})
    return save_form(
        lambda: save_jurisdiction(*jurisdiction_choice(request.form), actor=current_user),
        saved=back_to("admin.jurisdiction_settings"),
        invalid=lambda errors: _jurisdiction_page(request.form, errors),
        message=_("Local vocabulary saved; any missing default external bodies were added."),
    )
