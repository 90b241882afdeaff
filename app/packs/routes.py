from datetime import date, timedelta

from flask import abort, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.core.audit.operations import record_event
from app.core.clock import org_today, org_tz
from app.core.forms import form_date, form_int
from app.core.pdf import PdfRenderError
from app.dashboard.queries import Scope, monday
from app.extensions import db
from app.packs import bp
from app.packs.export import export_zip
from app.packs.models import PackRender
from app.packs.rendering import PACK_ROLES, render_pack_pdf, request_render
from app.taxonomy.models import Region

MAX_WEEKS = 160


def _require_pack_role():
    if not current_user.roles & PACK_ROLES:
        abort(403, "Evidence packs are for managers and the quality lead.")


def _scope(values=None) -> tuple[Scope, str]:
    """The period (whole weeks) and region of a pack; refuses unreadable or impossible dates."""
    values = request.args if values is None else values
    today = org_today()
    first_day = form_date(values.get("from")) or today - timedelta(days=365)
    last_day = form_date(values.get("to")) or today
    if values.get("from") and form_date(values.get("from")) is None:
        abort(400, "Give from= as YYYY-MM-DD.")
    if values.get("to") and form_date(values.get("to")) is None:
        abort(400, "Give to= as YYYY-MM-DD.")
    if first_day > last_day:
        abort(400, "The period ends before it starts.")
    first, last = monday(first_day), monday(last_day)
    if (last - first).days // 7 + 1 > MAX_WEEKS:
        abort(400, f"A pack covers at most {MAX_WEEKS} weeks.")
    region_id = form_int(values.get("region"))
    if values.get("region") and region_id is None:
        abort(400, "Give region= as a region id.")
    if region_id is None:
        return Scope(first, last, None), "All regions"
    region = db.session.get(Region, region_id)
    if region is None:
        abort(404, "No such region.")
    return Scope(first, last, frozenset({region_id})), region.name


@bp.get("/packs")
@login_required
def index():
    _require_pack_role()
    today = org_today()
    return render_template(
        "packs/index.html",
        renders=db.session.scalars(
            select(PackRender)
            .where(PackRender.requested_by_id == current_user.id)
            .order_by(PackRender.id.desc())
            .limit(10)
        ).all(),
        regions=db.session.scalars(select(Region).order_by(Region.name)).all(),
        default_from=(today - timedelta(days=365)).isoformat(),
        default_to=today.isoformat(),
    )


@bp.get("/packs/oversight.pdf")
@login_required
def oversight_pdf():
    _require_pack_role()
    scope, region_name = _scope()
    try:
        rendered = render_pack_pdf(scope, current_user, region_name)
    except PdfRenderError as exc:
        abort(503, str(exc))
    _record_download(scope.first_week, scope.last_week, region_name, rendered.pages)
    db.session.commit()
    return _pdf_response(rendered.data, scope.first_week, scope.last_week)


def _record_download(first_week: date, last_week: date, region_name: str, pages: int, **extra) -> None:
    """The access-log entry for an evidence pack PDF (scope and size; no report data)."""
    record_event(
        "pack.download",
        actor=current_user,
        object_type="pack",
        object_id="oversight",
        after={
            "from": first_week.isoformat(),
            "to": last_week.isoformat(),
            "region": region_name,
            "pages": pages,
            **extra,
        },
    )


def _pdf_response(data: bytes, first_week: date, last_week: date):
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    name = f"oversight-{first_week:%Y%m%d}-{last_week + timedelta(days=6):%Y%m%d}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.post("/packs/oversight/render")
@login_required
def request_oversight_render():
    """A pack drawn in the background (on the job queue when there is one), for long periods."""
    _require_pack_role()
    scope, region_name = _scope(request.form)
    render = request_render(scope, current_user, region_name)
    db.session.commit()
    return redirect(url_for("packs.render_status", render_id=render.id))


def _own_render(render_id: int) -> PackRender:
    _require_pack_role()
    render = db.session.get(PackRender, render_id)
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
        abort(409, "This pack is not ready yet.")
    _record_download(
        render.first_week, render.last_week, render.region_name, render.pages, render_id=render.id
    )
    db.session.commit()
    return _pdf_response(render.pdf, render.first_week, render.last_week)


@bp.get("/packs/oversight.zip")
@login_required
def oversight_csv():
    _require_pack_role()
    scope, region_name = _scope()
    data = export_zip(scope, org_tz())
    record_event(
        "pack.export",
        actor=current_user,
        object_type="pack",
        object_id="csv",
        after={
            "from": scope.first_week.isoformat(),
            "to": scope.last_week.isoformat(),
            "region": region_name,
        },
    )
    db.session.commit()
    response = make_response(data)
    response.headers["Content-Type"] = "application/zip"
    response.headers["Content-Disposition"] = f'attachment; filename="oversight-{org_today():%Y%m%d}.zip"'
    return response
