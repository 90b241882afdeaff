"""Administration of the critical-incident categories: add, rename, re-order, deactivate.

Nothing is deleted: incidents point at every category ever used."""

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import bp
from app.admin.forms import category_code, incident_category_fields, incident_category_values, wants_active
from app.core.form_flow import back_to, save_form
from app.incidents.operations import save_incident_category, set_incident_category_active
from app.incidents.queries import (
    incident_categories_listed,
    incident_category,
    incidents_per_category,
    next_incident_category_sort_order,
)


def _page(editing=None, errors=None, values=None):
    if values is None:
        values = {"sort_order": str(next_incident_category_sort_order())}
    return render_template(
        "admin/incident_categories.html",
        categories=incident_categories_listed(),
        incidents=incidents_per_category(),
        editing=editing,
        errors=errors or {},
        values=values,
    )


def _category_or_404(category_id: int):
    return incident_category(category_id) or abort(404)


@bp.route("/incident-categories", methods=["GET", "POST"])
def incident_categories():
    if request.method == "GET":
        return _page()
    fields = incident_category_fields(request.form)
    return save_form(
        lambda: save_incident_category(current_user, code=category_code(request.form), **fields),
        saved=back_to("admin.incident_categories", lambda c: _("Category %(name)s added.", name=c.name)),
        invalid=lambda errors: _page(errors=errors, values=request.form),
    )


@bp.route("/incident-categories/<int:category_id>", methods=["GET", "POST"])
def edit_incident_category(category_id: int):
    category = _category_or_404(category_id)
    if request.method == "GET":
        return _page(editing=category, values=incident_category_values(category))
    fields = incident_category_fields(request.form)
    return save_form(
        lambda: save_incident_category(current_user, category=category, **fields),
        saved=back_to("admin.incident_categories", lambda c: _("Category %(name)s saved.", name=c.name)),
        invalid=lambda errors: _page(editing=category, errors=errors, values=request.form),
    )


@bp.post("/incident-categories/<int:category_id>/active")
def incident_category_active(category_id: int):
    category = _category_or_404(category_id)
    active = wants_active(request.form)
    return save_form(
        lambda: set_incident_category_active(current_user, category, active),
        saved=back_to("admin.incident_categories"),
        invalid=lambda errors: _page(errors=errors),
        message=_("Category %(name)s reactivated.", name=category.label)
        if active
        else _("Category %(name)s deactivated.", name=category.label),
    )
