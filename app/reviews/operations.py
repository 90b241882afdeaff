"""Reviews in proportion to triage. Callers commit."""

from dataclasses import dataclass, field
from datetime import date

from app.core.audit.operations import record_event
from app.core.concurrency import UNCHECKED, check_version
from app.core.models import now_utc
from app.core.permissions import can_view_report
from app.core.validation import InvalidInput, Problems
from app.extensions import db
from app.reports.models import Report, ReportStatus
from app.reports.operations import advance_status
from app.reports.queries import UNSEEN_REPORT
from app.reviews.models import Review

REVIEW_KINDS = {
    "brief_structured_review": "Brief structured review",
    "pathway_map": "Information-pathway map (interface failure)",
    "barrier_review": "Barrier review of a cluster",
    "full_systems_review": "Full systems review",
}
MAX_STEPS = 8


class ReviewInvalid(InvalidInput):
    """A review was refused; ``errors`` says why."""


@dataclass
class ReviewInput:
    kind: str
    title: str
    reports: list[Report]
    held_on: date | None = None
    duration_minutes: int | None = None
    participants: list[dict] = field(default_factory=list)
    findings: str = ""
    root_pattern: str = ""
    barriers_held: str = ""
    barriers_failed: str = ""
    pathway_steps: list[dict] = field(default_factory=list)
    complete: bool = False


def _check(data: ReviewInput) -> dict[str, list[str]]:
    errors = Problems()
    need = errors.need

    need("kind", data.kind in REVIEW_KINDS, "Choose the kind of review.")
    need("title", 3 <= len(data.title.strip()) <= 200, "Give the review a short title.")
    need("reports", bool(data.reports), "Link at least one report.")
    need(
        "duration_minutes",
        data.duration_minutes is None or 1 <= data.duration_minutes <= 24 * 60,
        "Give the duration in minutes.",
    )
    for name in ("findings", "root_pattern", "barriers_held", "barriers_failed"):
        need(name, len(getattr(data, name)) <= 5000, "Keep this under 5000 characters.")
    if data.complete:
        need("findings", bool(data.findings.strip()), "Record what the review found before completing it.")
        need("held_on", data.held_on is not None, "Give the date the review was held.")
        need("participants", bool(data.participants), "List who took part, by role.")
        if data.kind == "barrier_review":
            need("root_pattern", bool(data.root_pattern.strip()), "Name the root pattern of the cluster.")
            need("duration_minutes", data.duration_minutes is not None, "Give the duration in minutes.")
        if data.kind == "pathway_map":
            need("pathway_steps", bool(data.pathway_steps), "Map at least one step of the pathway.")
            need(
                "pathway_steps",
                any(s.get("broke") for s in data.pathway_steps),
                "Mark the step where it broke.",
            )
    return errors


def _apply(review: Review, data: ReviewInput) -> None:
    review.kind = data.kind
    review.title = data.title.strip()
    review.held_on = data.held_on
    review.duration_minutes = data.duration_minutes
    review.participants = data.participants
    review.findings = data.findings.strip()
    review.root_pattern = data.root_pattern.strip()
    review.barriers_held = data.barriers_held.strip()
    review.barriers_failed = data.barriers_failed.strip()
    review.pathway_steps = data.pathway_steps[:MAX_STEPS]


def save_review(actor, data: ReviewInput, review: Review | None = None, *, based_on=UNCHECKED) -> Review:
    """Create or update a review; linking a triaged report puts it "in review".

    Only reports ``actor`` may see are linked (an unknown and a forbidden one get the same answer).
    An untriaged report stays "new", in the triage queue; triage then moves it to "in review"
    (``on_report_triaged``)."""
    errors = _check(data)
    already = set(review.reports) if review is not None else set()
    if any(r not in already and not can_view_report(actor, r) for r in data.reports):
        errors.setdefault("reports", []).append(UNSEEN_REPORT)
    if errors:
        raise ReviewInvalid(errors)
    check_version(review, based_on)  # a save over someone else's newer one: EditConflict
    created = review is None
    review = review or Review(created_by_id=actor.id)
    before_ids = {r.id for r in review.reports}
    _apply(review, data)
    review.reports = list(data.reports)
    if data.complete and review.status != "completed":
        review.status = "completed"
        review.completed_at = now_utc()
    db.session.add(review)
    db.session.flush()
    record_event(
        "review.create" if created else "review.update",
        actor=actor,
        object_type="review",
        object_id=review.id,
        after={
            "kind": review.kind,
            "status": review.status,
            "report_ids": sorted(r.id for r in review.reports),
        },
    )
    for report in review.reports:
        if report.id not in before_ids:
            advance_status(
                report,
                ReportStatus.IN_REVIEW,
                actor=actor,
                event="review.link",
                link={"review_id": review.id},
            )
    return review


def on_report_triaged(report: Report, *, actor, **_) -> None:
    """Subscriber to triage's ``report_triaged``: a report linked to a review before it was triaged
    goes "in review" now (an incident handed off stays where triage put it)."""
    if report.status == ReportStatus.TRIAGED.value and report.reviews:
        advance_status(
            report,
            ReportStatus.IN_REVIEW,
            actor=actor,
            event="review.link",
            link={"review_id": report.reviews[-1].id, "after_triage": True},
        )
