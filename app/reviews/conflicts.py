"""A refused review save (someone else saved first): their answers beside the refused ones."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.auth.models import User
from app.core.concurrency import ConflictView, conflict_view, last_change
from app.extensions import db
from app.reviews.models import Review
from app.reviews.operations import MAX_STEPS, REVIEW_KINDS

_QUESTIONS = [
    ("kind", _l("Kind of review")),
    ("title", _l("Title")),
    ("report_ids", _l("Reports")),
    ("held_on", _l("Held on")),
    ("duration_minutes", _l("Duration (minutes)")),
    ("participants", _l("Participants")),
    ("findings", _l("Findings")),
    ("root_pattern", _l("Root pattern")),
    ("barriers_held", _l("Barriers that held")),
    ("barriers_failed", _l("Barriers that failed")),
    ("pathway", _l("Information pathway")),
    ("complete", _l("Completed")),
]


def _readable(values: dict) -> dict:
    steps = []
    for i in range(MAX_STEPS):
        what = str(values.get(f"step_{i}_what", "")).strip()
        if what:
            if str(values.get("broke_at", "")) == str(i):
                steps.append(_("%(number)s. %(step)s (broke here)", number=i + 1, step=what))
            else:
                steps.append(f"{i + 1}. {what}")
    text = {key: str(values.get(key, "") or "").strip() for key, _label in _QUESTIONS}
    text["kind"] = REVIEW_KINDS.get(text["kind"], text["kind"])
    text["pathway"] = "; ".join(steps)
    text["complete"] = _("Yes") if values.get("complete") in (True, "on") else _("No")
    return text


def review_conflict(review: Review, stored: dict, submitted: dict) -> ConflictView:
    """``stored`` and ``submitted`` are form values (the stored review's and the refused form's)."""
    actor_id, at = last_change("review", review.id, ("review.create", "review.update"))
    saved_by = db.session.get(User, actor_id) if actor_id else None
    return conflict_view(saved_by, at, _QUESTIONS, _readable(stored), _readable(submitted))
