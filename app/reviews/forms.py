"""Reading the review form into ``ReviewInput``, and a review into the form's values."""

from app.core.forms import checked, form_date, form_ids, form_int, form_lines, form_text
from app.reviews.models import Review
from app.reviews.operations import MAX_STEPS, ReviewInput, ReviewInvalid
from app.reviews.queries import linkable_reports


def _participants(form) -> list[dict]:
    """One participant a line, "role: name"."""
    participants = []
    for line in form_lines(form, "participants"):
        role, _, name = line.partition(":")
        participants.append({"role": role.strip()[:60], "name": name.strip()[:80]})
    return participants


def _pathway_steps(form) -> list[dict]:
    steps = []
    for i in range(MAX_STEPS):
        what = form_text(form, f"step_{i}_what", 300)
        if what:
            steps.append(
                {
                    "what": what,
                    "where": form_text(form, f"step_{i}_where", 200),
                    "confirmation": form_text(form, f"step_{i}_confirmation", 200),
                    "broke": form.get("broke_at") == str(i),
                }
            )
    return steps


def review_input_from_form(form, user) -> ReviewInput:
    """The submitted review, its reports read as ``user`` may see them.

    Raises ``ReviewInvalid`` when a listed report is unknown or not the user's to see, before any
    other check. The free texts stay as typed: ``save_review`` trims them and measures what was
    typed against its length limits."""
    reports, problems = linkable_reports(user, form_ids([form.get("report_ids", "")]))
    if problems:
        raise ReviewInvalid({"reports": problems[:1]})
    return ReviewInput(
        kind=form.get("kind", ""),
        title=form.get("title", ""),
        reports=reports,
        held_on=form_date(form.get("held_on")),
        duration_minutes=form_int(form.get("duration_minutes")),
        participants=_participants(form),
        findings=form.get("findings", ""),
        root_pattern=form.get("root_pattern", ""),
        barriers_held=form.get("barriers_held", ""),
        barriers_failed=form.get("barriers_failed", ""),
        pathway_steps=_pathway_steps(form),
        complete=checked(form, "complete"),
        owner_id=form_int(form.get("owner_id")),
        due_date=form_date(form.get("due_date")),
    )


def new_review_values(args) -> dict:
    """A new review's form, started from a report's page (``?report=12&kind=...``) or empty."""
    report = args.get("report", "")
    return {
        "report_ids": f"NM-{report}" if form_int(report) else "",
        "kind": args.get("kind", ""),
        "title": "",
        "version": "",
        "owner_id": "",
        "due_date": "",
    }


def review_values(review: Review) -> dict:
    """A stored review as the form's values."""
    values = {
        "version": str(review.version),
        "kind": review.kind,
        "title": review.shown_title,
        "report_ids": ", ".join(f"NM-{r.id}" for r in review.reports),
        "held_on": review.held_on.isoformat() if review.held_on else "",
        "duration_minutes": review.duration_minutes or "",
        "participants": "\n".join(f"{p['role']}: {p['name']}" for p in review.participants),
        "findings": review.findings,
        "root_pattern": review.root_pattern,
        "barriers_held": review.barriers_held,
        "barriers_failed": review.barriers_failed,
        "complete": review.status == "completed",
        "owner_id": str(review.owner_id or ""),
        "due_date": review.due_date.isoformat() if review.due_date else "",
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
