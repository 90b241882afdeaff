"""A refused action save or verdict (someone else saved first): their answers beside the refused ones."""

from flask_babel import lazy_gettext as _l

from app.actions.models import Action
from app.actions.vocabulary import STRENGTHS, VERDICTS
from app.auth.models import User
from app.core.concurrency import ConflictView, conflict_view, last_change
from app.core.forms import form_int
from app.extensions import db

_ACTION_EVENTS = ("action.create", "action.update", "action.done", "action.verify")
_ACTION_QUESTIONS = [
    ("title", _l("Title")),
    ("change", _l("What it changes")),
    ("owner_id", _l("Owner")),
    ("due_date", _l("Due date")),
    ("strength", _l("Strength")),
    ("window_start", _l("Test window starts")),
    ("window_end", _l("Test window ends")),
    ("target_reduction_percent", _l("Target reduction (%)")),
    ("baseline_end", _l("Baseline ends")),
    ("measure", _l("Measure")),
    ("report_ids", _l("Reports")),
    ("review_ids", _l("Reviews")),
]
_VERDICT_QUESTIONS = [
    ("verdict", _l("Verdict")),
    ("note", _l("Note")),
    ("new_window_end", _l("New end date")),
]


def _saved_by(action: Action):
    actor_id, at = last_change("action", action.id, _ACTION_EVENTS)
    return (db.session.get(User, actor_id) if actor_id else None), at


def _readable_action(values: dict, names: dict) -> dict:
    text = {key: str(values.get(key, "") or "").strip() for key, _ in _ACTION_QUESTIONS}
    owner_id = form_int(text["owner_id"])
    owner = db.session.get(User, owner_id) if owner_id else None
    text["owner_id"] = owner.name if owner else text["owner_id"]
    text["strength"] = STRENGTHS.get(text["strength"], text["strength"])
    chosen = []
    for key in ("category_ids", "region_ids", "program_ids", "interface_types"):
        chosen += sorted(names.get(key, {}).get(str(v), str(v)) for v in values.get(key, []))
    text["measure"] = "; ".join(chosen)
    return text


def action_conflict(action: Action, stored: dict, submitted: dict, names: dict) -> ConflictView:
    """``stored`` and ``submitted`` are form values; ``names`` maps each list field's ids to names."""
    saved_by, at = _saved_by(action)
    return conflict_view(
        saved_by,
        at,
        _ACTION_QUESTIONS,
        _readable_action(stored, names),
        _readable_action(submitted, names),
    )


def verdict_conflict(action: Action, submitted: dict) -> ConflictView:
    """The verdict recorded meanwhile (if that is what changed) beside the refused one."""
    saved_by, at = _saved_by(action)
    latest = action.latest_verification
    theirs = {}
    if latest is not None:
        theirs = {
            "verdict": VERDICTS.get(latest.verdict, latest.verdict),
            "note": latest.note,
            "new_window_end": str(action.window_end) if latest.verdict == "extend" else "",
        }
    yours = {
        "verdict": VERDICTS.get(submitted.get("verdict", ""), ""),
        "note": submitted.get("note", "").strip(),
        "new_window_end": submitted.get("new_window_end", "") if submitted.get("verdict") == "extend" else "",
    }
    return conflict_view(saved_by, at, _VERDICT_QUESTIONS, theirs, yours)
