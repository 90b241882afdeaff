from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.core.concurrency import CONFLICT_STATUS, EditConflict, conflicts_refused, form_version
from app.core.forms import form_date, form_ids, form_int
from app.core.ids import is_db_id
from app.core.permissions import can_view_report
from app.extensions import db
from app.reports.models import Report
from app.reports.queries import UNSEEN_REPORT
from app.reviews import bp
from app.reviews.conflicts import review_conflict
from app.reviews.models import Review
from app.reviews.operations import MAX_STEPS, REVIEW_KINDS, ReviewInput, ReviewInvalid, save_review
from app.reviews.queries import can_run_reviews, can_view_review


@bp.get("/reviews")
@login_required
def index():
    if not can_run_reviews(current_user):
        abort(403, "Reviews are for supervisors, nurses, schedulers and the leads.")
    reviews = db.session.scalars(select(Review).order_by(Review.created_at.desc()).limit(200))
    return render_template(
        "reviews/index.html",
        kinds=REVIEW_KINDS,
        reviews=[r for r in reviews if can_view_review(current_user, r)],
    )


def _input_from_form(form, reports) -> ReviewInput:
    participants = []
    for line in form.get("participants", "").splitlines():
        if line.strip():
            role, _, name = line.partition(":")
            participants.append({"role": role.strip()[:60], "name": name.strip()[:80]})
    steps = []
    for i in range(MAX_STEPS):
        what = form.get(f"step_{i}_what", "").strip()
        if what:
            steps.append(
                {
                    "what": what[:300],
                    "where": form.get(f"step_{i}_where", "").strip()[:200],
                    "confirmation": form.get(f"step_{i}_confirmation", "").strip()[:200],
                    "broke": form.get("broke_at") == str(i),
                }
            )
    return ReviewInput(
        kind=form.get("kind", ""),
        title=form.get("title", ""),
        reports=reports,
        held_on=form_date(form.get("held_on")),
        duration_minutes=form_int(form.get("duration_minutes")),
        participants=participants,
        findings=form.get("findings", ""),
        root_pattern=form.get("root_pattern", ""),
        barriers_held=form.get("barriers_held", ""),
        barriers_failed=form.get("barriers_failed", ""),
        pathway_steps=steps,
        complete=form.get("complete") == "on",
    )


def _reports_from(ids) -> tuple[list[Report], list[str]]:
    reports, problems = [], []
    for report_id in ids:
        report = db.session.get(Report, report_id) if is_db_id(report_id) else None
        if report is None or not can_view_report(current_user, report):
            problems.append(UNSEEN_REPORT)
        else:
            reports.append(report)
    return reports, problems


def _render(review, values, errors, status=200, conflict=None):
    return render_template(
        "reviews/form.html",
        review=review,
        values=values,
        errors=errors,
        conflict=conflict,
        kinds=REVIEW_KINDS,
        max_steps=MAX_STEPS,
    ), status


def _values(review: Review | None, report_ids: str = "", kind: str = "") -> dict:
    if review is None:
        return {"report_ids": report_ids, "kind": kind, "title": "", "version": ""}
    values = {
        "version": str(review.version),
        "kind": review.kind,
        "title": review.title,
        "report_ids": ", ".join(f"NM-{r.id}" for r in review.reports),
        "held_on": review.held_on.isoformat() if review.held_on else "",
        "duration_minutes": review.duration_minutes or "",
        "participants": "\n".join(f"{p['role']}: {p['name']}" for p in review.participants),
        "findings": review.findings,
        "root_pattern": review.root_pattern,
        "barriers_held": review.barriers_held,
        "barriers_failed": review.barriers_failed,
        "complete": review.status == "completed",
    }
    for i, step in enumerate(review.pathway_steps):
        values.update(
            {
                f"step_{i}_what": step["what"],
                f"step_{i}_where": step["where"],
                f"step_{i}_confirmation": step["confirmation"],
            }
        )
        if step.get("broke"):
            values["broke_at"] = str(i)
    return values


@bp.route("/reviews/new", methods=["GET", "POST"])
@bp.route("/reviews/<int:review_id>/edit", methods=["GET", "POST"])
@login_required
def edit(review_id: int | None = None):
    if not can_run_reviews(current_user):
        abort(403, "Reviews are for supervisors, nurses, schedulers and the leads.")
    review = None
    if review_id is not None:
        review = db.session.get(Review, review_id)
        if review is None or not can_view_review(current_user, review):
            abort(404)
    if request.method == "GET":
        report = request.args.get("report", "")
        return _render(
            review,
            _values(review, f"NM-{report}" if form_int(report) else "", request.args.get("kind", "")),
            {},
        )
    reports, problems = _reports_from(form_ids([request.form.get("report_ids", "")]))
    try:
        if problems:
            raise ReviewInvalid({"reports": problems[:1]})
        with conflicts_refused():
            saved = save_review(
                current_user,
                _input_from_form(request.form, reports),
                review,
                based_on=form_version(request.form),
            )
            db.session.commit()
    except ReviewInvalid as exc:
        db.session.rollback()
        return _render(review, request.form.to_dict(), exc.errors, 422)
    except EditConflict:
        db.session.rollback()
        theirs, yours = _values(review), request.form.to_dict()
        yours["version"] = theirs["version"]  # saving again deliberately replaces theirs
        return _render(review, yours, {}, CONFLICT_STATUS, review_conflict(review, theirs, yours))
    flash("Review saved.")
    return redirect(url_for("reviews.show", review_id=saved.id))


@bp.get("/reviews/<int:review_id>")
@login_required
def show(review_id: int):
    review = db.session.get(Review, review_id)
    if review is None or not can_view_review(current_user, review):
        abort(404)
    return render_template(
        "reviews/show.html", review=review, kinds=REVIEW_KINDS, can_edit=can_run_reviews(current_user)
    )
