from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.clock import org_today, org_tz
from app.core.concurrency import form_version
from app.core.form_flow import save_form
from app.core.settings import get_setting
from app.reviews import bp
from app.reviews.conflicts import review_conflict
from app.reviews.forms import new_review_values, review_input_from_form, review_values
from app.reviews.models import Review
from app.reviews.operations import MAX_STEPS, REVIEW_KINDS, REVIEW_STATUSES, save_review
from app.reviews.queries import (
    can_run_reviews,
    possible_review_owners,
    recent_reviews_visible_to,
    visible_review_or_404,
)


def _require_review_role():
    if not can_run_reviews(current_user):
        abort(403, _("Reviews are for supervisors, nurses, schedulers and the leads."))


@bp.get("/reviews")
@login_required
def index():
    _require_review_role()
    return render_template(
        "reviews/index.html",
        kinds=REVIEW_KINDS,
        review_statuses=REVIEW_STATUSES,
        reviews=recent_reviews_visible_to(current_user),
        today=org_today(),
        tz=org_tz(),
    )


def _render(review: Review | None, values: dict, errors: dict, conflict=None) -> str:
    return render_template(
        "reviews/form.html",
        review=review,
        values=values,
        errors=errors,
        conflict=conflict,
        kinds=REVIEW_KINDS,
        max_steps=MAX_STEPS,
        owners=possible_review_owners(),
        due_days={kind: int(get_setting(f"review_due_days_{kind}")) for kind in REVIEW_KINDS},
    )


def _conflict_page(review: Review) -> str:
    """Someone else saved the review meanwhile: their answers beside the user's, nothing typed lost."""
    theirs, yours = review_values(review), request.form.to_dict()
    yours["version"] = theirs["version"]  # saving again deliberately replaces theirs
    return _render(review, yours, {}, review_conflict(review, theirs, yours))


def _save(review: Review | None) -> Review:
    data = review_input_from_form(request.form, current_user)
    return save_review(current_user, data, review, based_on=form_version(request.form))


@bp.route("/reviews/new", methods=["GET", "POST"])
@bp.route("/reviews/<int:review_id>/edit", methods=["GET", "POST"])
@login_required
def edit(review_id: int | None = None):
    _require_review_role()
    review = None if review_id is None else visible_review_or_404(current_user, review_id)
    if request.method == "GET":
        values = new_review_values(request.args) if review is None else review_values(review)
        return _render(review, values, {})
    return save_form(
        lambda: _save(review),
        saved=lambda saved: redirect(url_for("reviews.show", review_id=saved.id)),
        invalid=lambda errors: _render(review, request.form.to_dict(), errors),
        conflict=lambda: _conflict_page(review),
        message=_("Review saved."),
    )


@bp.get("/reviews/<int:review_id>")
@login_required
def show(review_id: int):
    review = visible_review_or_404(current_user, review_id)
    return render_template(
        "reviews/show.html",
        kinds=REVIEW_KINDS,
        review_statuses=REVIEW_STATUSES,
        review=review,
        can_edit=can_run_reviews(current_user),
        today=org_today(),
        tz=org_tz(),
    )
