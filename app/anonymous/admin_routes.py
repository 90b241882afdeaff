"""Administration of the public reporting links: one per program, turned on, rotated or closed."""

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.anonymous import bp
from app.anonymous.links import link_url, qr_data_uri
from app.anonymous.operations import close_link, open_link, rotate_link
from app.anonymous.queries import open_link_for_program, programs_with_links
from app.core.form_flow import save_and_flash
from app.core.roles import ADMIN_ROLES
from app.taxonomy.models import Program
from app.taxonomy.queries import program_by_id


def _admin_only() -> None:
    if not current_user.roles & ADMIN_ROLES:
        abort(403, _("Administration is for administrators."))


def _back():
    return redirect(url_for("anonymous.admin_links"))


def _program(program_id: int) -> Program:
    program = program_by_id(program_id)
    if program is None:
        abort(404)
    return program


def _open_link_of(program_id: int):
    link = open_link_for_program(_program(program_id).id)
    if link is None:
        abort(404)
    return link


@bp.get("/admin/reporting-links")
@login_required
def admin_links():
    _admin_only()
    return render_template(
        "anonymous/admin_links.html", rows=programs_with_links(), link_url=link_url, qr_data_uri=qr_data_uri
    )


@bp.post("/admin/reporting-links/<int:program_id>/open")
@login_required
def open_program_link(program_id: int):
    _admin_only()
    program = _program(program_id)
    return save_and_flash(
        lambda: open_link(program, actor=current_user),
        message=_(
            "%(program)s now has a public reporting link. Print its QR code from here.", program=program.name
        ),
        then=_back,
    )


@bp.post("/admin/reporting-links/<int:program_id>/rotate")
@login_required
def rotate_program_link(program_id: int):
    _admin_only()
    link = _open_link_of(program_id)
    return save_and_flash(
        lambda: rotate_link(link, actor=current_user),
        message=_("New link made. The old link and its printed QR codes no longer work: print the new one."),
        then=_back,
    )


@bp.post("/admin/reporting-links/<int:program_id>/close")
@login_required
def close_program_link(program_id: int):
    _admin_only()
    link = _open_link_of(program_id)
    return save_and_flash(
        lambda: close_link(link, actor=current_user),
        message=_("Link closed. Anyone who opens it is told it no longer takes reports."),
        then=_back,
    )
