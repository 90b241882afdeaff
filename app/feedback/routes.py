from flask import abort, flash, has_request_context, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.core.forms import form_ids, form_int
from app.core.roles import Role
from app.extensions import db
from app.feedback import bp
from app.feedback.models import FeedbackPost
from app.feedback.operations import FeedbackInput, FeedbackInvalid, can_publish, is_for, publish
from app.feedback.queries import feed_for, median_days_to_feedback, posts_about
from app.taxonomy.models import Region


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


@bp.route("/feedback/new", methods=["GET", "POST"])
@login_required
def new():
    if not can_publish(current_user):
        abort(403, "Feedback updates are published by the quality lead.")
    errors, status = {}, 200
    values = {
        "action_ids": f"A-{request.args['action']}" if form_int(request.args.get("action")) else "",
        "report_ids": "",
        "region_ids": [],
        "roles": [],
    }
    if request.method == "POST":
        data = FeedbackInput(
            title=request.form.get("title", ""),
            what_changed=request.form.get("what_changed", ""),
            why=request.form.get("why", ""),
            action_ids=form_ids([request.form.get("action_ids", "")]),
            report_ids=form_ids([request.form.get("report_ids", "")]),
            region_ids=form_ids(request.form.getlist("region_ids")),
            roles=request.form.getlist("roles"),
        )
        try:
            post = publish(current_user, data)
        except FeedbackInvalid as exc:
            db.session.rollback()
            errors, status = exc.errors, 422
            values = {
                **request.form.to_dict(),
                "region_ids": request.form.getlist("region_ids"),
                "roles": request.form.getlist("roles"),
            }
        else:
            db.session.commit()
            flash("Published. Every reporter of a linked report has been told.")
            return redirect(url_for("feedback.show", post_id=post.id))
    return render_template(
        "feedback/form.html",
        values=values,
        errors=errors,
        roles=list(Role),
        regions=db.session.query(Region).order_by(Region.name).all(),
    ), status


@bp.get("/feedback/<int:post_id>")
@login_required
def show(post_id: int):
    post = db.session.get(FeedbackPost, post_id)
    if post is None or not is_for(post, current_user):
        about = post.reports + [r for a in post.actions for r in a.reports] if post is not None else []
        mine = any(r.reporter_id == current_user.id for r in about)
        if not mine:
            abort(404)
    return render_template("feedback/show.html", post=post)
