from flask import abort, has_request_context, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.form_flow import save_form
from app.core.roles import Role
from app.feedback import bp
from app.feedback.forms import feedback_input, new_feedback_values, typed_feedback_values
from app.feedback.models import FeedbackPost
from app.feedback.operations import can_publish, publish
from app.feedback.queries import (
    audience_regions,
    feed_for,
    median_days_to_feedback,
    post_page,
    posts_about,
    visible_post,
)


@bp.app_context_processor
def _latest_feedback():
    """``latest_feedback()`` in any template: the newest update for the signed-in user, or None."""

    def latest_feedback():
        if not has_request_context() or not current_user.is_authenticated:
            return None
        posts = feed_for(current_user, limit=1)
        return posts[0] if posts else None

    return {"latest_feedback": latest_feedback, "changes_for": posts_about}


@bp.get("/feedback")
@login_required
def index():
    return render_template(
        "feedback/index.html",
        posts=feed_for(current_user),
        can_publish=can_publish(current_user),
        median_days=median_days_to_feedback() if can_publish(current_user) else None,
    )


def _feedback_form(values: dict, errors=None) -> str:
    return render_template(
        "feedback/form.html",
        values=values,
        errors=errors or {},
        roles=list(Role),
        regions=audience_regions(),
    )


def _published(post: FeedbackPost):
    return redirect(url_for("feedback.show", post_id=post.id))


@bp.route("/feedback/new", methods=["GET", "POST"])
@login_required
def new():
    if not can_publish(current_user):
        abort(403, _("Feedback updates are published by the quality lead."))
    if request.method == "GET":
        return _feedback_form(new_feedback_values(request.args))
    data = feedback_input(request.form)
    return save_form(
        lambda: publish(current_user, data),
        saved=_published,
        invalid=lambda errors: _feedback_form(typed_feedback_values(request.form), errors),
        message=_("Published. Every reporter of a linked report has been told."),
    )


@bp.get("/feedback/<int:post_id>")
@login_required
def show(post_id: int):
    post = visible_post(current_user, post_id)
    if post is None:
        abort(404)
    return render_template("feedback/show.html", **post_page(post, current_user))
