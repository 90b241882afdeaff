from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.clock import org_today, org_tz
from app.core.dates import monday
from app.core.form_flow import save_form
from app.core.forms import date_argument
from app.core.models import now_utc
from app.core.permissions import visible_region_ids
from app.core.roles import Role
from app.dashboard import bp, overview, queries
from app.dashboard.forms import cluster_answer, dashboard_scope, exposure_submission
from app.dashboard.operations import ClusterError, detect_clusters, handle_cluster, import_exposure_submission
from app.extensions import db
from app.taxonomy.queries import active_categories, regions_by_name
from app.taxonomy.vocabulary import InterfaceType

EXPOSURE_ROLES = {Role.QUALITY_LEAD, Role.MANAGER, Role.ADMIN, Role.OPERATIONS_LEAD}


def _require_dashboard():
    if visible_region_ids(current_user) == frozenset():
        abort(403, _("The dashboard is for supervisors, clinical and operations staff and the leads."))


def _clusters_url() -> str:
    return url_for("dashboard.clusters")


# The weekly review (``/dashboard``) and the pages behind its links, one per part of the board: each
# reads the same board for the same filters and regions (one permission check, one scope) and shows
# its part in full.
SECTIONS = ("trends", "clusters", "timeliness", "triage", "incidents", "actions")


def _board_page(template: str, *, breakdowns: bool = False):
    """The page ``template`` over the board, whose parts are read as the page shows them;
    ``breakdowns`` when it shows the totals per region, category, program and interface type."""
    _require_dashboard()
    permitted = visible_region_ids(current_user)
    scope, chosen = dashboard_scope(request.args, permitted, org_today())
    board = overview.build(
        scope, current_user, tz=org_tz(), today=org_today(), now=now_utc(), breakdowns=breakdowns
    )
    return render_template(
        template,
        board=board,
        chosen=chosen,
        query={key: value for key, value in chosen.items() if value not in (None, "")},
        sections=SECTIONS,
        regions=queries.regions_visible(permitted),
        categories=active_categories(),
        programs=queries.all_programs(),
        interface_types=list(InterfaceType),
        linkable_actions=_linkable_actions(),
        can_exposure=bool(current_user.roles & EXPOSURE_ROLES),
        local_rule=queries.local_rule_parameters(),
    )


@bp.get("/dashboard")
@login_required
def index():
    """The weekly review: what needs attention, the trend, open clusters, actions and timeliness."""
    return _board_page("dashboard/index.html")


@bp.get("/dashboard/trends")
@login_required
def trends():
    """The control chart with its data table, reporting culture per team, where the reports come from."""
    return _board_page("dashboard/trends.html", breakdowns=True)


@bp.get("/dashboard/clusters")
@login_required
def clusters():
    """Every open cluster, with detection and the quality lead's answers."""
    return _board_page("dashboard/clusters.html")


@bp.get("/dashboard/timeliness")
@login_required
def timeliness():
    """Each timeliness measure, its chart and its weeks."""
    return _board_page("dashboard/timeliness.html")


@bp.get("/dashboard/triage")
@login_required
def triage():
    """Recurrence proposed at triage by month, and the triage downgrades."""
    return _board_page("dashboard/triage.html")


@bp.get("/dashboard/incidents")
@login_required
def incidents():
    """Near misses against the incidents of the same theme."""
    return _board_page("dashboard/incidents.html")


@bp.get("/dashboard/actions")
@login_required
def actions():
    """The before/after chart of every action with a start date in the period."""
    return _board_page("dashboard/actions.html")


def _linkable_actions():
    """For the quality lead, who handles clusters: the actions to link one to; None for anyone else."""
    return queries.linkable_actions() if Role.QUALITY_LEAD in current_user.roles else None


@bp.post("/dashboard/clusters/detect")
@login_required
def run_detection():
    if Role.QUALITY_LEAD not in current_user.roles:
        abort(403, _("Cluster detection is run by the quality lead."))
    week = date_argument(request.form, "week") or monday(org_today()) - timedelta(weeks=1)
    found = detect_clusters(week, tz=org_tz(), actor=current_user)
    db.session.commit()
    flash(
        _(
            "Detection for the week of %(date)s: %(count)s new cluster(s).",
            date=format_date(monday(week), "dd MMM yyyy"),
            count=len(found),
        )
    )
    return redirect(_clusters_url())


@bp.post("/dashboard/clusters/<int:cluster_id>")
@login_required
def cluster_action(cluster_id: int):
    """A refused answer (say, a dismissal without a reason) goes back to the list with the reason."""
    if Role.QUALITY_LEAD not in current_user.roles:
        abort(403, _("Clusters are handled by the quality lead."))
    cluster = queries.cluster_by_id(cluster_id) or abort(404)
    answer = cluster_answer(request.form)
    linked = queries.action_by_id(answer.linked_action_id)
    return save_form(
        lambda: handle_cluster(
            cluster, current_user, action=answer.action, reason=answer.reason, linked_action=linked
        ),
        saved=lambda _result: _answered(cluster),
        refused=(ClusterError,),
        refusal=lambda exc: _back_to_clusters(str(exc)),
    )


def _back_to_clusters(message: str):
    flash(message)
    return redirect(_clusters_url())


def _answered(cluster):
    """Where the quality lead goes next: the barrier review the answer started, or the list."""
    if cluster.review_id:
        flash(_("A barrier review was started for the cluster."))
        return redirect(url_for("reviews.edit", review_id=cluster.review_id))
    flash(_("Cluster updated."))
    return redirect(_clusters_url())


@bp.route("/dashboard/exposure", methods=["GET", "POST"])
@login_required
def exposure():
    if not current_user.roles & EXPOSURE_ROLES:
        abort(403, _("Exposure figures are kept by the quality lead, managers and administrators."))
    if request.method == "GET":
        return _exposure_page([], "")
    submission = exposure_submission(request.form, request.files)
    return save_form(
        lambda: import_exposure_submission(submission, actor=current_user),
        saved=_exposure_saved,
        invalid=lambda errors: _exposure_page(errors["csv"], submission.pasted),
    )


def _exposure_saved(weeks: int):
    flash(ngettext("%(num)s week of exposure saved.", "%(num)s weeks of exposure saved.", weeks))
    return redirect(url_for("dashboard.exposure"))


def _exposure_page(errors: list[str], pasted: str) -> str:
    return render_template(
        "dashboard/exposure.html",
        regions=regions_by_name(),
        errors=errors,
        recent=queries.recent_exposure(),
        pasted=pasted,
        this_week=monday(org_today()),
    )
