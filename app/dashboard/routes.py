from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.actions.models import Action
from app.core.clock import org_today, org_tz
from app.core.forms import date_argument, form_ids, form_int
from app.core.models import now_utc
from app.core.permissions import visible_region_ids
from app.core.roles import Role
from app.dashboard import bp, views
from app.dashboard.exposure_csv import parse_exposure_csv
from app.dashboard.models import Cluster, Exposure
from app.dashboard.operations import ClusterError, detect_clusters, handle_cluster, import_exposure
from app.dashboard.queries import Scope, monday
from app.extensions import db
from app.taxonomy.models import Program, Region
from app.taxonomy.queries import active_categories
from app.taxonomy.vocabulary import InterfaceType

DEFAULT_WEEKS = 26
MAX_WEEKS = 160
EXPOSURE_ROLES = {Role.QUALITY_LEAD, Role.MANAGER, Role.ADMIN, Role.OPERATIONS_LEAD}


def _require_dashboard():
    if visible_region_ids(current_user) == frozenset():
        abort(403, "The dashboard is for supervisors, clinical and operations staff and the leads.")


def _scope() -> tuple[Scope, dict]:
    today = org_today()
    # Default: the last complete week, so a half-finished week never looks like a fall in reporting.
    last = monday(date_argument(request.args, "to") or today - timedelta(weeks=1))
    first = monday(date_argument(request.args, "from") or last - timedelta(weeks=DEFAULT_WEEKS - 1))
    if first > last:
        first, last = last, first
    first = max(first, last - timedelta(weeks=MAX_WEEKS - 1))
    permitted = visible_region_ids(current_user)
    region = form_int(request.args.get("region"))
    if region is not None and (permitted is None or region in permitted):
        regions = frozenset({region})
    else:
        region, regions = None, permitted
    interface = request.args.get("interface") or None
    if interface not in {t.value for t in InterfaceType}:
        interface = None
    scope = Scope(
        first,
        last,
        regions,
        form_int(request.args.get("program")),
        form_int(request.args.get("category")),
        interface,
    )
    chosen = {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "region": region,
        "program": scope.program_id,
        "category": scope.category_id,
        "interface": interface,
    }
    return scope, chosen


@bp.get("/dashboard")
@login_required
def index():
    _require_dashboard()
    scope, chosen = _scope()
    permitted = visible_region_ids(current_user)
    board = views.build(scope, current_user, tz=org_tz(), today=org_today(), now=now_utc())
    regions = [
        r
        for r in db.session.scalars(select(Region).order_by(Region.name))
        if permitted is None or r.id in permitted
    ]
    return render_template(
        "dashboard/index.html",
        board=board,
        chosen=chosen,
        regions=regions,
        categories=active_categories(),
        programs=db.session.scalars(select(Program).order_by(Program.name)).all(),
        interface_types=list(InterfaceType),
        can_handle=Role.QUALITY_LEAD in current_user.roles,
        can_exposure=bool(current_user.roles & EXPOSURE_ROLES),
    )


@bp.post("/dashboard/clusters/detect")
@login_required
def run_detection():
    if Role.QUALITY_LEAD not in current_user.roles:
        abort(403, "Cluster detection is run by the quality lead.")
    week = date_argument(request.form, "week") or monday(org_today()) - timedelta(weeks=1)
    found = detect_clusters(week, tz=org_tz(), actor=current_user)
    db.session.commit()
    flash(f"Detection for the week of {monday(week):%d %b %Y}: {len(found)} new cluster(s).")
    return redirect(url_for("dashboard.index") + "#clusters")


@bp.post("/dashboard/clusters/<int:cluster_id>")
@login_required
def cluster_action(cluster_id: int):
    if Role.QUALITY_LEAD not in current_user.roles:
        abort(403, "Clusters are handled by the quality lead.")
    cluster = db.session.get(Cluster, cluster_id)
    if cluster is None:
        abort(404)
    try:
        action_ids = form_ids([request.form.get("action_id", "")])
        linked = db.session.get(Action, action_ids[0]) if action_ids and action_ids[0] > 0 else None
        handle_cluster(
            cluster,
            current_user,
            action=request.form.get("action", ""),
            reason=request.form.get("reason", ""),
            linked_action=linked,
        )
    except ClusterError as exc:
        db.session.rollback()
        flash(str(exc))
        return redirect(url_for("dashboard.index") + "#clusters")
    db.session.commit()
    if cluster.review_id:
        flash("A barrier review was started for the cluster.")
        return redirect(url_for("reviews.edit", review_id=cluster.review_id))
    flash("Cluster updated.")
    return redirect(url_for("dashboard.index") + "#clusters")


@bp.route("/dashboard/exposure", methods=["GET", "POST"])
@login_required
def exposure():
    if not current_user.roles & EXPOSURE_ROLES:
        abort(403, "Exposure figures are kept by the quality lead, managers and administrators.")
    regions = db.session.scalars(select(Region).order_by(Region.name)).all()
    errors, status, pasted = [], 200, ""
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is not None and upload.filename:
            raw = upload.read(5 * 1024 * 1024 + 1)
            text = raw.decode("utf-8-sig", errors="replace") if len(raw) <= 5 * 1024 * 1024 else ""
            if not text:
                errors = ["The file is empty or larger than 5 MB."]
        else:
            text = pasted = request.form.get("csv", "")
            if request.form.get("single") == "1":
                text = (
                    f"region,week_start,visits,service_hours\n{request.form.get('region_id', '')},"
                    f"{request.form.get('week_start', '')},{request.form.get('visits', '')},"
                    f"{request.form.get('service_hours', '')}"
                )
        if not errors:
            rows, errors = parse_exposure_csv(text, {r.name: r.id for r in regions})
            if not errors:
                count = import_exposure(rows, actor=current_user)
                db.session.commit()
                flash(f"{count} week(s) of exposure saved.")
                return redirect(url_for("dashboard.exposure"))
        status = 422
    recent = db.session.scalars(
        select(Exposure).order_by(Exposure.week_start.desc(), Exposure.region_id).limit(60)
    ).all()
    return render_template(
        "dashboard/exposure.html",
        regions=regions,
        errors=errors,
        recent=recent,
        pasted=pasted,
        this_week=monday(org_today()),
    ), status
