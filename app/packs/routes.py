from datetime import date, timedelta

from flask import abort, current_app, make_response, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from app.core.audit.operations import record_event
from app.core.clock import org_today, org_tz
from app.core.forms import form_date, form_int
from app.core.models import now_utc
from app.core.pdf import PdfRenderError, render_pdf
from app.core.roles import Role
from app.dashboard.queries import Scope, monday
from app.extensions import db
from app.packs import bp
from app.packs.builder import build_pack
from app.packs.export import export_zip
from app.taxonomy.models import Region

PACK_ROLES = {Role.MANAGER, Role.QUALITY_LEAD}
PACK_TIMEOUT_SECONDS = 120
MAX_WEEKS = 160


def _require_pack_role():
    if not current_user.roles & PACK_ROLES:
        abort(403, "Evidence packs are for managers and the quality lead.")


def _scope() -> tuple[Scope, str]:
    """The period (whole weeks) and region of a pack; refuses unreadable or impossible dates."""
    today = org_today()
    first_day = form_date(request.args.get("from")) or today - timedelta(days=365)
    last_day = form_date(request.args.get("to")) or today
    if request.args.get("from") and form_date(request.args.get("from")) is None:
        abort(400, "Give from= as YYYY-MM-DD.")
    if request.args.get("to") and form_date(request.args.get("to")) is None:
        abort(400, "Give to= as YYYY-MM-DD.")
    if first_day > last_day:
        abort(400, "The period ends before it starts.")
    first, last = monday(first_day), monday(last_day)
    if (last - first).days // 7 + 1 > MAX_WEEKS:
        abort(400, f"A pack covers at most {MAX_WEEKS} weeks.")
    region_id = form_int(request.args.get("region"))
    if request.args.get("region") and region_id is None:
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
        regions=db.session.scalars(select(Region).order_by(Region.name)).all(),
        default_from=(today - timedelta(days=365)).isoformat(),
        default_to=today.isoformat(),
    )


@bp.get("/packs/oversight.pdf")
@login_required
def oversight_pdf():
    _require_pack_role()
    scope, region_name = _scope()
    tz = org_tz()
    pack = build_pack(scope, current_user, tz=tz, today=org_today(), now=now_utc(), region_name=region_name)
    html = render_template(
        "pdf/pack.html", pack=pack, page_size=current_app.config["GUIDE_PAGE_SIZE"].title()
    )
    try:
        rendered = render_pdf(html, timeout=PACK_TIMEOUT_SECONDS)
    except PdfRenderError as exc:
        abort(503, str(exc))
    record_event(
        "pack.download",
        actor=current_user,
        object_type="pack",
        object_id="oversight",
        after={
            "from": scope.first_week.isoformat(),
            "to": scope.last_week.isoformat(),
            "region": region_name,
            "pages": rendered.pages,
        },
    )
    db.session.commit()
    response = make_response(rendered.data)
    response.headers["Content-Type"] = "application/pdf"
    name = f"oversight-{scope.first_week:%Y%m%d}-{scope.last_week + timedelta(days=6):%Y%m%d}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


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
    response.headers["Content-Disposition"] = f'attachment; filename="oversight-{date.today():%Y%m%d}.zip"'
    return response
