"""The failed-jobs page for administrators: what failed, why, and a retry button."""

from flask import abort, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.form_flow import back_to, save_form
from app.core.roles import Role
from app.jobs import bp
from app.jobs.operations import JobNotFound, retry_failed_job, retry_inline_failure
from app.jobs.queries import (
    INLINE_DAYS,
    failed_jobs_if_reachable,
    inline_failure,
    inline_failures,
    queue_state,
)
from app.jobs.queue import JOB_ID


@bp.before_request
@login_required
def _admins_only():
    if Role.ADMIN not in current_user.roles:
        abort(403, _("Background jobs are for administrators."))


@bp.get("")
def index():
    state = queue_state()
    return render_template(
        "jobs/index.html",
        state=state,
        failed=failed_jobs_if_reachable(state),
        inline=inline_failures(),
        inline_days=INLINE_DAYS,
    )


@bp.post("/<job_id>/retry")
def retry(job_id: str):
    if not JOB_ID.match(job_id):
        abort(404)
    return save_form(
        lambda: retry_failed_job(job_id, actor=current_user),
        saved=back_to("jobs.index"),
        message=_("The job is back on the queue."),
        refused=(JobNotFound,),
        refusal=lambda _error: abort(404, _("That job is no longer in the failed list.")),
    )


@bp.post("/inline/<int:event_id>/retry")
def retry_inline(event_id: int):
    event = inline_failure(event_id)
    if event is None:
        abort(404)
    return save_form(
        lambda: retry_inline_failure(event, actor=current_user),
        saved=back_to("jobs.index", said=_ran),
        refused=(JobNotFound,),
        refusal=lambda _error: abort(404, _("That job no longer exists.")),
    )


def _ran(succeeded: bool) -> str:
    return _("The job ran and succeeded.") if succeeded else _("The job failed again; see the newest entry.")
