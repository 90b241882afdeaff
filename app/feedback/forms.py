"""Reading the feedback form into :class:`FeedbackInput`, and what the form shows."""

from app.core.forms import form_ids, form_int, form_text, typed_values
from app.feedback.operations import FeedbackInput

# The audience's ticked boxes: several values under one name.
AUDIENCE_FIELDS = ("region_ids", "roles")


def feedback_input(form) -> FeedbackInput:
    """What the feedback form says, for :func:`~app.feedback.operations.publish` to check."""
    return FeedbackInput(
        title=form_text(form, "title"),
        what_changed=form_text(form, "what_changed"),
        why=form_text(form, "why"),
        action_ids=form_ids([form.get("action_ids", "")]),
        report_ids=form_ids([form.get("report_ids", "")]),
        region_ids=form_ids(form.getlist("region_ids")),
        roles=form.getlist("roles"),
    )


def new_feedback_values(args) -> dict:
    """A new update's form, linked to the action it was started from (``?action=``)."""
    action = form_text(args, "action")
    return {
        "action_ids": f"A-{action}" if form_int(action) else "",
        "report_ids": "",
        **{name: [] for name in AUDIENCE_FIELDS},
    }


def typed_feedback_values(form) -> dict:
    """What was typed into the feedback form, to show it again as it was."""
    return typed_values(form, multi=AUDIENCE_FIELDS)
