from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.form_flow import save_and_flash, save_form
from app.core.forms import form_text
from app.core.models import now_utc
from app.emergency import bp
from app.emergency.models import EmergencyAccess
from app.emergency.operations import (
    NOT_ALLOWED,
    REASON_MAX_CHARS,
    REASON_MIN_CHARS,
    REVIEWER_ROLES,
    can_end,
    duration_choices,
    end_grant,
    max_hours,
    record_lapsed,
    start_grant,
)
from app.emergency.policy import may_use_emergency_access
from app.emergency.queries import grant_with_id, grants_of, recent_grants, view_counts, views_under
from app.extensions import db
from app.notifications.operations import mark_read_for_link


def _is_reviewer() -> bool:
    return bool(current_user.roles & REVIEWER_ROLES)


def _index_page(values: dict, errors: dict) -> str:
    """The page to start emergency access, with the person's own grants."""
    return render_template(
        "emergency/index.html",
        grant=g.get("emergency_grant"),
        own_grants=grants_of(current_user),
        choices=duration_choices(),
        max_hours=max_hours(),
        reason_min=REASON_MIN_CHARS,
        reason_max=REASON_MAX_CHARS,
        values=values,
        errors=errors,
        is_reviewer=_is_reviewer(),
        now=now_utc(),
    )


def _require_allowed_role():
    if not may_use_emergency_access(current_user):
        abort(403, _(NOT_ALLOWED))


@bp.get("")
@login_required
def index():
    _require_allowed_role()
    return _index_page({"reason": "", "hours": "1"}, {})


@bp.post("")
@login_required
def start():
    _require_allowed_role()
    values = {"reason": form_text(request.form, "reason"), "hours": form_text(request.form, "hours")}
    return save_form(
        lambda: start_grant(current_user, reason=values["reason"], hours=values["hours"]),
        saved=_started,
        invalid=lambda errors: _index_page(values, errors),
    )


def _started(grant: EmergencyAccess):
    flash(
        _(
            "Emergency access is on for %(hours)s h. Every report you open is recorded; "
            "the safeguarding lead and the administrators have been told.",
            hours=grant.hours,
        )
    )
    return redirect(url_for("reports.report_list"))


def _grant(grant_id: int) -> EmergencyAccess:
    grant = grant_with_id(grant_id)
    if grant is None:
        abort(404)
    return grant


@bp.post("/<int:grant_id>/end")
@login_required
def end(grant_id: int):
    grant = _grant(grant_id)
    if not can_end(current_user, grant):
        abort(404)
    return save_and_flash(
        lambda: end_grant(grant, current_user),
        message=_("Emergency access ended."),
        then=lambda: _after_ending(grant),
    )


def _after_ending(grant):
    """Whoever ended their own access goes back to the start; anyone else to the grant's page."""
    if grant.user_id == current_user.id:
        return redirect(url_for("emergency.index"))
    return redirect(url_for("emergency.grant_detail", grant_id=grant.id))


def _require_reviewer():
    if not _is_reviewer():
        abort(403, _("Emergency access grants are reviewed by the safeguarding lead and administrators."))


@bp.get("/grants")
@login_required
def grants():
    _require_reviewer()
    if record_lapsed():
        db.session.commit()
    rows = recent_grants()
    return render_template("emergency/grants.html", grants=rows, views=view_counts(rows), now=now_utc())


@bp.get("/grants/<int:grant_id>")
@login_required
def grant_detail(grant_id: int):
    _require_reviewer()
    grant = _grant(grant_id)
    record_lapsed(user=grant.user)
    mark_read_for_link(current_user, f"/emergency/grants/{grant.id}")
    db.session.commit()
    return render_template(
        "emergency/grant.html",
        grant=grant,
        views=views_under(grant),
        can_end=grant.is_active_at(now_utc()),
        now=now_utc(),
    )
