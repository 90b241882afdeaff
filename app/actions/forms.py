"""Reading the action forms into the operations' inputs, and an action back into its form's values."""

from datetime import date, timedelta

from app.actions.measure import MeasureFilter
from app.actions.models import Action
from app.actions.operations import ActionInput
from app.actions.queries import ActionFilters, visible_reports, visible_reviews
from app.actions.vocabulary import STATUSES
from app.core.forms import (
    checked,
    form_date,
    form_float,
    form_ids,
    form_int,
    form_text,
    typed_values,
    yes_no,
)

# The measure's ticked boxes: several values under one name.
MEASURE_FIELDS = ("category_ids", "region_ids", "program_ids", "interface_types")
# A new action is due in two weeks and tested for four weeks after that.
NEW_ACTION_DUE_DAYS = 14
NEW_ACTION_WINDOW_DAYS = 28


def register_filters(args, user) -> ActionFilters:
    """The register's filters from its query arguments; ``owner=me`` means the signed-in user."""
    owner = form_text(args, "owner")
    status = form_text(args, "status")
    return ActionFilters(
        owner_id=user.id if owner == "me" else form_int(owner),
        status=status if status in STATUSES else "",
        overdue=checked(args, "overdue"),
    )


def action_input(form) -> ActionInput:
    """What the action form says, for :func:`~app.actions.operations.save_action` to check."""
    return ActionInput(
        title=form_text(form, "title"),
        change=form_text(form, "change"),
        owner_id=form_int(form.get("owner_id")),
        due_date=form_date(form.get("due_date")),
        strength=form_text(form, "strength"),
        window_start=form_date(form.get("window_start")),
        window_end=form_date(form.get("window_end")),
        measure=MeasureFilter(
            category_ids=tuple(sorted(form_ids(form.getlist("category_ids")))),
            region_ids=tuple(sorted(form_ids(form.getlist("region_ids")))),
            program_ids=tuple(sorted(form_ids(form.getlist("program_ids")))),
            interface_types=tuple(sorted(form.getlist("interface_types"))),
        ),
        target_reduction_percent=form_float(form.get("target_reduction_percent")),
        report_ids=form_ids([form.get("report_ids", "")]),
        review_ids=form_ids([form.get("review_ids", "")]),
        baseline_end=form_date(form.get("baseline_end")),
    )


def typed_action_values(form) -> dict:
    """What was typed into the action form, to show it again as it was."""
    return typed_values(form, multi=MEASURE_FIELDS)


def new_action_values(args, today: date) -> dict:
    """A new action's form: linked to the report or review it was started from (``?report=``,
    ``?review=``), due in two weeks, tested for four weeks after that."""
    report = form_text(args, "report")
    review = form_text(args, "review")
    starts = today + timedelta(days=NEW_ACTION_DUE_DAYS)
    return {
        "version": "",
        "report_ids": f"NM-{report}" if form_int(report) else "",
        "review_ids": f"R-{review}" if form_int(review) else "",
        "due_date": starts.isoformat(),
        "window_start": starts.isoformat(),
        "window_end": (starts + timedelta(days=NEW_ACTION_WINDOW_DAYS)).isoformat(),
        "target_reduction_percent": "50",
        "baseline_end": "",
        **{name: [] for name in MEASURE_FIELDS},
    }


def action_values(action: Action, viewer) -> dict:
    """The stored action as its form shows it to ``viewer``."""
    measure = MeasureFilter.from_json(action.measure)
    return {
        "version": str(action.version),
        "title": action.title,
        "change": action.change,
        "owner_id": str(action.owner_id),
        "due_date": action.due_date.isoformat(),
        "strength": action.strength,
        "window_start": action.window_start.isoformat(),
        "window_end": action.window_end.isoformat(),
        "target_reduction_percent": f"{action.target_reduction_percent:g}",
        "baseline_end": action.baseline_end.isoformat() if action.baseline_end else "",
        # Only the links this person may see; the others are kept by save_action.
        "report_ids": ", ".join(f"NM-{r.id}" for r in visible_reports(action, viewer)),
        "review_ids": ", ".join(f"R-{r.id}" for r in visible_reviews(action, viewer)),
        "category_ids": [str(i) for i in measure.category_ids],
        "region_ids": [str(i) for i in measure.region_ids],
        "program_ids": [str(i) for i in measure.program_ids],
        "interface_types": list(measure.interface_types),
    }


def verdict_input(form) -> dict:
    """The verdict form's answers, as :func:`~app.actions.operations.verify` takes them."""
    return {
        "verdict": form_text(form, "verdict"),
        "note": form_text(form, "note"),
        "reason": form_text(form, "reason"),
        "new_window_end": form_date(form.get("new_window_end")),
    }


def spot_check_passed(form) -> bool | None:
    """Whether the control was found still in place; None when the question was not answered."""
    return yes_no(form, "passed")
