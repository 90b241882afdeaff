"""A refused review save (someone else saved first): their answers beside the refused ones."""

from app.auth.models import User
from app.core.concurrency import ConflictView, conflict_view, last_change
from app.extensions import db
from app.reviews.models import Review
from app.reviews.operations import MAX_STEPS, REVIEW_KINDS

_QUESTIONS = [
    ("kind", "Kind of review"),
    ("title", "Title"),
    ("report_ids", "Reports"),
    ("held_on", "Held on"),
    ("duration_minutes", "Duration (minutes)"),
    ("participants", "Participants"),
    ("findings", "Findings"),
    ("root_pattern", "Root pattern"),
    ("barriers_held", "Barriers that held"),
    ("barriers_failed", "Barriers that failed"),
    ("pathway", "Information pathway"),
    ("complete", "Completed"),
]


def _readable(values: dict) -> dict:
    steps = []
    for i in range(MAX_STEPS):
        what = str(values.get(f"step_{i}_what", "")).strip()
        if what:
            broke = " (broke here)" if str(values.get("broke_at", "")) == str(i) else ""
            steps.append(f"{i + 1}. {what}{broke}")
    text = {key: str(values.get(key, "") or "").strip() for key, _ in _QUESTIONS}
    text["kind"] = REVIEW_KINDS.get(text["kind"], text["kind"])
    text["pathway"] = "; ".join(steps)
    text["complete"] = "Yes" if values.get("complete") in (True, "on") else "No"
    return text


def review_conflict(review: Review, stored: dict, submitted: dict) -> ConflictView:
    """``stored`` and ``submitted`` are form values (the stored review's and the refused form's)."""
    actor_id, at = last_change("review", review.id, ("review.create", "review.update"))
    saved_by = db.session.get(User, actor_id) if actor_id else None
    return conflict_view(saved_by, at, _QUESTIONS, _readable(stored), _readable(submitted))
