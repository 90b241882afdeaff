from datetime import date, timedelta

from flask import abort, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.clock import org_today, org_tz
from app.core.pdf import PdfRenderError
from app.core.roles import PACK_ROLES
from app.extensions import db
from app.packs import bp, queries
from app.packs.export import export_zip
from app.packs.forms import pack_scope
from app.packs.models import PackRender
from app.packs.operations import record_pack_download, record_pack_export
from app.packs.rendering import render_pack_pdf, request_render
from app.taxonomy.queries import regions_by_name


def _require_pack_role():
    if not current_user.roles & PACK_ROLES:
        abort(403, _("Evidence packs are for managers and the quality lead."))


@bp.get("/packs")
@login_required
def index():
    _require_pack_role()
    today = org_today()
    return render_template(
        "packs/index.html",
        renders=queries.recent_renders(current_user.id),
        regions=regions_by_name(),
        default_from=(today - timedelta(days=365)).isoformat(),
        default_to=today.isoformat(),
    )


@bp.get("/packs/oversight.pdf")
@login_required
def oversight_pdf():
    _require_pack_role()
    scope, region_name = pack_scope(request.args, org_today())
    try:
        rendered = render_pack_pdf(scope, current_user, region_name)
    except PdfRenderError as exc:
        abort(503, str(exc))
    record_pack_download(scope.first_week, scope.last_week, region_name, rendered.pages, actor=current_user)
    db.session.commit()
    return _pdf_response(rendered.data, scope.first_week, scope.last_week)


def _attachment(data: bytes, content_type: str, filename: str):
    response = make_response(data)
    response.headers["Content-Type"] = content_type
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _pdf_response(data: bytes, first_week: date, last_week: date):
    name = f"oversight-{first_week:%Y%m%d}-{last_week + timedelta(days=6):%Y%m%d}.pdf"
    return _attachment(data, "application/pdf", name)


@bp.post("/packs/oversight/render")
@login_required
def request_oversight_render():
    """A pack drawn in the background (on the job queue when there is one), for long periods."""
    _require_pack_role()
    scope, region_name = pack_scope(request.form, org_today())
    render = request_render(scope, current_user, region_name)
    db.session.commit()
    return redirect(url_for("packs.render_status", render_id=render.id))


def _own_render(render_id: int) -> PackRender:
    _require_pack_role()
    render = queries.render_by_id(render_id)
    if render is None or render.requested_by_id != current_user.id:
        abort(404)
    return render


@bp.get("/packs/renders/<int:render_id>")
@login_required
def render_status(render_id: int):
    return render_template("packs/render.html", render=_own_render(render_id))


@bp.get("/packs/renders/<int:render_id>.pdf")
@login_required
def render_download(render_id: int):
    render = _own_render(render_id)
    if render.status != "done" or render.pdf is None:
        abort(409, _("This pack is not ready yet."))
    record_pack_download(
        render.first_week,
        render.last_week,
        render.region_name,
        render.pages,
        actor=current_user,
        render_id=render.id,
    )
    db.session.commit()
    return _pdf_response(render.pdf, render.first_week, render.last_week)


@bp.get("/packs/oversight.zip")
@login_required
def oversight_csv():
    _require_pack_role()
    scope, region_name = pack_scope(request.args, org_today())
    data = export_zip(scope, org_tz())
    record_pack_export(scope, region_name, actor=current_user)
    db.session.commit()
    return _attachment(data, "application/zip", f"oversight-{org_today():%Y%m%d}.zip")
