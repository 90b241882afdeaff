"""Administration of regions, programs and categories.

Each list page adds on POST; ``/<id>`` shows the same page with that row's edit form and saves it on
POST; ``/<id>/active`` deactivates or reactivates. Nothing is ever deleted: reports point at these rows.
"""

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import bp
from app.admin.forms import (
    category_code,
    category_fields,
    category_values,
    program_region_id,
    taxonomy_name,
    wants_active,
)
from app.admin.queries import (
    active_users_per_region,
    categories_listed,
    next_category_sort_order,
    programs_listed,
    programs_per_region,
    regions_listed,
    reports_per,
    row_by_id,
)
from app.core.form_flow import back_to, save_form
from app.reports.models import Report
from app.taxonomy.models import Category, Program, Region
from app.taxonomy.operations import (
    save_category,
    save_program,
    save_region,
    set_category_active,
    set_program_active,
    set_region_active,
)


def _switch_active(model, row_id: int, setter, page, label: str, endpoint: str):
    """Deactivate or reactivate a region, program or category from its list page."""
    row = _row_or_404(model, row_id)
    active = wants_active(request.form)
    return save_form(
        lambda: setter(current_user, row, active),
        saved=back_to(endpoint),
        invalid=lambda errors: page(errors=errors),
        message=(_("%(kind)s %(name)s reactivated.") if active else _("%(kind)s %(name)s deactivated."))
        % {"kind": label, "name": row.name},
    )


def _row_or_404(model, row_id: int):
    row = row_by_id(model, row_id)
    if row is None:
        abort(404)
    return row


# Regions ---------------------------------------------------------------------------------------


def _regions_page(editing=None, errors=None, values=None):
    return render_template(
        "admin/regions.html",
        regions=regions_listed(),
        reports=reports_per(Report.region_id),
        users=active_users_per_region(),
        programs=programs_per_region(),
        editing=editing,
        errors=errors or {},
        values=values if values is not None else {},
    )


@bp.route("/regions", methods=["GET", "POST"])
def regions():
    if request.method == "GET":
        return _regions_page()
    return save_form(
        lambda: save_region(current_user, taxonomy_name(request.form)),
        saved=back_to("admin.regions", lambda region: _("Region %(name)s added.", name=region.name)),
        invalid=lambda errors: _regions_page(errors=errors, values=request.form),
    )


@bp.route("/regions/<int:region_id>", methods=["GET", "POST"])
def edit_region(region_id: int):
    region = _row_or_404(Region, region_id)
    if request.method == "GET":
        return _regions_page(editing=region, values={"name": region.name})
    return save_form(
        lambda: save_region(current_user, taxonomy_name(request.form), region=region),
        saved=back_to("admin.regions", lambda saved: _("Region %(name)s saved.", name=saved.name)),
        invalid=lambda errors: _regions_page(editing=region, errors=errors, values=request.form),
    )


@bp.post("/regions/<int:region_id>/active")
def region_active(region_id: int):
    return _switch_active(Region, region_id, set_region_active, _regions_page, _("Region"), "admin.regions")


# Programs --------------------------------------------------------------------------------------


def _programs_page(editing=None, errors=None, values=None):
    return render_template(
        "admin/programs.html",
        programs=programs_listed(),
        regions=regions_listed(),
        reports=reports_per(Report.program_id),
        editing=editing,
        errors=errors or {},
        values=values if values is not None else {},
    )


@bp.route("/programs", methods=["GET", "POST"])
def programs():
    if request.method == "GET":
        return _programs_page()
    return save_form(
        lambda: save_program(current_user, taxonomy_name(request.form), program_region_id(request.form)),
        saved=back_to("admin.programs", lambda program: _("Program %(name)s added.", name=program.name)),
        invalid=lambda errors: _programs_page(errors=errors, values=request.form),
    )


@bp.route("/programs/<int:program_id>", methods=["GET", "POST"])
def edit_program(program_id: int):
    program = _row_or_404(Program, program_id)
    if request.method == "GET":
        values = {"name": program.name, "region_id": str(program.region_id or "")}
        return _programs_page(editing=program, values=values)
    name, region_id = taxonomy_name(request.form), program_region_id(request.form)
    return save_form(
        lambda: save_program(current_user, name, region_id, program=program),
        saved=back_to("admin.programs", lambda saved: _("Program %(name)s saved.", name=saved.name)),
        invalid=lambda errors: _programs_page(editing=program, errors=errors, values=request.form),
    )


@bp.post("/programs/<int:program_id>/active")
def program_active(program_id: int):
    return _switch_active(
        Program, program_id, set_program_active, _programs_page, _("Program"), "admin.programs"
    )


# Categories ------------------------------------------------------------------------------------


def _categories_page(editing=None, errors=None, values=None):
    if values is None:
        values = {"sort_order": str(next_category_sort_order())}
    return render_template(
        "admin/categories.html",
        categories=categories_listed(),
        reports=reports_per(Report.category_id),
        editing=editing,
        errors=errors or {},
        values=values,
    )


@bp.route("/categories", methods=["GET", "POST"])
def categories():
    if request.method == "GET":
        return _categories_page()
    fields = category_fields(request.form)
    return save_form(
        lambda: save_category(current_user, code=category_code(request.form), **fields),
        saved=back_to(
            "admin.categories", lambda category: _("Category %(name)s added.", name=category.label)
        ),
        invalid=lambda errors: _categories_page(errors=errors, values=request.form),
    )


@bp.route("/categories/<int:category_id>", methods=["GET", "POST"])
def edit_category(category_id: int):
    category = _row_or_404(Category, category_id)
    if request.method == "GET":
        return _categories_page(editing=category, values=category_values(category))
    fields = category_fields(request.form)
    return save_form(
        lambda: save_category(current_user, category=category, **fields),
        saved=back_to("admin.categories", lambda saved: _("Category %(name)s saved.", name=saved.name)),
        invalid=lambda errors: _categories_page(editing=category, errors=errors, values=request.form),
    )


@bp.post("/categories/<int:category_id>/active")
def category_active(category_id: int):
    return _switch_active(
        Category, category_id, set_category_active, _categories_page, _("Category"), "admin.categories"
    )
