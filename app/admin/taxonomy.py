"""Administration of regions, programs and categories.

Each list page adds on POST; ``/<id>`` shows the same page with that row's edit form and saves it on
POST; ``/<id>/active`` deactivates or reactivates. Nothing is ever deleted: reports point at these rows.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from app.admin import bp
from app.auth.models import User, user_regions
from app.core.forms import form_int
from app.extensions import db
from app.reports.models import Report
from app.taxonomy.models import Category, Program, Region
from app.taxonomy.operations import (
    TaxonomyInvalid,
    save_category,
    save_program,
    save_region,
    set_category_active,
    set_program_active,
    set_region_active,
)


def _reports_per(column) -> dict[int, int]:
    """How many reports point at each region, program or category (by id)."""
    rows = db.session.execute(select(column, func.count()).where(column.is_not(None)).group_by(column))
    return dict(rows.all())


def _wants_active() -> bool:
    value = request.form.get("active", "")
    if value not in ("yes", "no"):
        abort(400, "Say whether to activate or deactivate.")
    return value == "yes"


def _switch_active(row, setter, page, label: str, endpoint: str):
    """Deactivate or reactivate a region, program or category from its list page."""
    active = _wants_active()
    try:
        setter(current_user, row, active)
    except TaxonomyInvalid as exc:
        db.session.rollback()
        return page(errors=exc.errors, status=422)
    db.session.commit()
    flash(f"{label} {row.name} {'reactivated' if active else 'deactivated'}.")
    return redirect(url_for(endpoint))


def _row_or_404(model, row_id: int):
    row = db.session.get(model, row_id)
    if row is None:
        abort(404)
    return row


# Regions ---------------------------------------------------------------------------------------


def _regions_page(editing=None, errors=None, values=None, status=200):
    users = dict(
        db.session.execute(
            select(user_regions.c.region_id, func.count())
            .join(User, User.id == user_regions.c.user_id)
            .where(User.active)
            .group_by(user_regions.c.region_id)
        ).all()
    )
    programs = dict(
        db.session.execute(select(Program.region_id, func.count()).group_by(Program.region_id)).all()
    )
    return render_template(
        "admin/regions.html",
        regions=db.session.scalars(select(Region).order_by(Region.active.desc(), Region.name)).all(),
        reports=_reports_per(Report.region_id),
        users=users,
        programs=programs,
        editing=editing,
        errors=errors or {},
        values=values if values is not None else {},
    ), status


@bp.route("/regions", methods=["GET", "POST"])
def regions():
    if request.method == "GET":
        return _regions_page()
    try:
        region = save_region(current_user, request.form.get("name", ""))
    except TaxonomyInvalid as exc:
        db.session.rollback()
        return _regions_page(errors=exc.errors, values=request.form, status=422)
    db.session.commit()
    flash(f"Region {region.name} added.")
    return redirect(url_for("admin.regions"))


@bp.route("/regions/<int:region_id>", methods=["GET", "POST"])
def edit_region(region_id: int):
    region = _row_or_404(Region, region_id)
    if request.method == "GET":
        return _regions_page(editing=region, values={"name": region.name})
    try:
        save_region(current_user, request.form.get("name", ""), region=region)
    except TaxonomyInvalid as exc:
        db.session.rollback()
        return _regions_page(editing=region, errors=exc.errors, values=request.form, status=422)
    db.session.commit()
    flash(f"Region {region.name} saved.")
    return redirect(url_for("admin.regions"))


@bp.post("/regions/<int:region_id>/active")
def region_active(region_id: int):
    return _switch_active(
        _row_or_404(Region, region_id), set_region_active, _regions_page, "Region", "admin.regions"
    )


# Programs --------------------------------------------------------------------------------------


def _program_region_id() -> int | None:
    """The form's region: "" means every region; anything but a whole number is an unknown region."""
    raw = request.form.get("region_id", "").strip()
    if raw == "":
        return None
    region_id = form_int(raw)
    return region_id if region_id is not None else -1


def _programs_page(editing=None, errors=None, values=None, status=200):
    return render_template(
        "admin/programs.html",
        programs=db.session.scalars(select(Program).order_by(Program.active.desc(), Program.name)).all(),
        regions=db.session.scalars(select(Region).order_by(Region.active.desc(), Region.name)).all(),
        reports=_reports_per(Report.program_id),
        editing=editing,
        errors=errors or {},
        values=values if values is not None else {},
    ), status


@bp.route("/programs", methods=["GET", "POST"])
def programs():
    if request.method == "GET":
        return _programs_page()
    try:
        program = save_program(current_user, request.form.get("name", ""), _program_region_id())
    except TaxonomyInvalid as exc:
        db.session.rollback()
        return _programs_page(errors=exc.errors, values=request.form, status=422)
    db.session.commit()
    flash(f"Program {program.name} added.")
    return redirect(url_for("admin.programs"))


@bp.route("/programs/<int:program_id>", methods=["GET", "POST"])
def edit_program(program_id: int):
    program = _row_or_404(Program, program_id)
    if request.method == "GET":
        values = {"name": program.name, "region_id": str(program.region_id or "")}
        return _programs_page(editing=program, values=values)
    try:
        save_program(current_user, request.form.get("name", ""), _program_region_id(), program=program)
    except TaxonomyInvalid as exc:
        db.session.rollback()
        return _programs_page(editing=program, errors=exc.errors, values=request.form, status=422)
    db.session.commit()
    flash(f"Program {program.name} saved.")
    return redirect(url_for("admin.programs"))


@bp.post("/programs/<int:program_id>/active")
def program_active(program_id: int):
    return _switch_active(
        _row_or_404(Program, program_id), set_program_active, _programs_page, "Program", "admin.programs"
    )


# Categories ------------------------------------------------------------------------------------


def _category_fields() -> dict:
    form = request.form
    return {
        "name": form.get("name", ""),
        "description": form.get("description", ""),
        "examples": form.get("examples", ""),
        "is_safeguarding": form.get("is_safeguarding") == "on",
        "is_stop_the_line": form.get("is_stop_the_line") == "on",
        "sort_order": form_int(form.get("sort_order")),
    }


def _category_values(category: Category) -> dict:
    return {
        "name": category.name,
        "description": category.description,
        "examples": category.examples,
        "is_safeguarding": "on" if category.is_safeguarding else "",
        "is_stop_the_line": "on" if category.is_stop_the_line else "",
        "sort_order": str(category.sort_order),
    }


def _categories_page(editing=None, errors=None, values=None, status=200):
    if values is None:
        next_order = db.session.scalar(select(func.max(Category.sort_order))) or 0
        values = {"sort_order": str(next_order + 10)}
    return render_template(
        "admin/categories.html",
        categories=db.session.scalars(
            select(Category).order_by(Category.active.desc(), Category.sort_order, Category.name)
        ).all(),
        reports=_reports_per(Report.category_id),
        editing=editing,
        errors=errors or {},
        values=values,
    ), status


@bp.route("/categories", methods=["GET", "POST"])
def categories():
    if request.method == "GET":
        return _categories_page()
    try:
        category = save_category(current_user, code=request.form.get("code", ""), **_category_fields())
    except TaxonomyInvalid as exc:
        db.session.rollback()
        return _categories_page(errors=exc.errors, values=request.form, status=422)
    db.session.commit()
    flash(f"Category {category.name} added.")
    return redirect(url_for("admin.categories"))


@bp.route("/categories/<int:category_id>", methods=["GET", "POST"])
def edit_category(category_id: int):
    category = _row_or_404(Category, category_id)
    if request.method == "GET":
        return _categories_page(editing=category, values=_category_values(category))
    try:
        save_category(current_user, category=category, **_category_fields())
    except TaxonomyInvalid as exc:
        db.session.rollback()
        return _categories_page(editing=category, errors=exc.errors, values=request.form, status=422)
    db.session.commit()
    flash(f"Category {category.name} saved.")
    return redirect(url_for("admin.categories"))


@bp.post("/categories/<int:category_id>/active")
def category_active(category_id: int):
    return _switch_active(
        _row_or_404(Category, category_id),
        set_category_active,
        _categories_page,
        "Category",
        "admin.categories",
    )
