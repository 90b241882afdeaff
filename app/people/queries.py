"""Reading one person's history, within what the viewer may read."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from app.actions.queries import can_view_action
from app.core.permissions import scope_to_viewer
from app.core.pseudonyms import pseudonym
from app.core.roles import PERSON_VIEW_ROLES
from app.dashboard.vocabulary import cluster_status_label
from app.extensions import db
from app.reports.models import Report
from app.reviews.operations import REVIEW_STATUSES
from app.reviews.queries import can_view_review
from app.taxonomy.vocabulary import interface_label


def may_open_person_view(user) -> bool:
    return bool(user.roles & PERSON_VIEW_ROLES)


def refs_of(user, wanted: str) -> list[str]:
    """The references, as typed, that read as the pseudonym ``wanted`` among the reports ``user``
    may read (several spellings of one person: "J S", "js")."""
    typed = db.session.scalars(
        scope_to_viewer(
            select(Report.person_ref).where(Report.person_ref.is_not(None)), Report, user
        ).distinct()
    )
    return sorted(ref for ref in typed if pseudonym(ref) == wanted)


def person_reports(user, refs: list[str]) -> list[Report]:
    if not refs:
        return []
    statement = select(Report).where(Report.person_ref.in_(refs)).order_by(Report.occurred_at, Report.id)
    return list(db.session.scalars(scope_to_viewer(statement, Report, user)))


@dataclass(frozen=True)
class Moment:
    """One line of the timeline."""

    at: datetime
    kind: str  # "report", "incident", "review", "cluster", "action"
    label: str
    detail: str
    endpoint: str
    values: dict


def timeline(viewer, reports: list[Report]) -> list[Moment]:
    """Newest first: each report (an incident when it reached the person), and the reviews, clusters
    and actions those reports are part of, each once; a review or action only when ``viewer`` may open
    it (a theme's review can cover another region's reports: its title is not for them)."""
    moments: dict[tuple[str, int], Moment] = {}
    for report in reports:
        incident = report.event_class == "incident"
        moments[("report", report.id)] = Moment(
            report.occurred_at,
            "incident" if incident else "report",
            f"NM-{report.id}",
            report.category.label if report.category else "",
            "reports.report_detail",
            {"report_id": report.id},
        )
        for review in (r for r in report.reviews if can_view_review(viewer, r)):
            moments.setdefault(
                ("review", review.id),
                Moment(
                    review.created_at,
                    "review",
                    review.shown_title,
                    str(REVIEW_STATUSES.get(review.status, review.status)),
                    "reviews.show",
                    {"review_id": review.id},
                ),
            )
        for cluster in getattr(report, "clusters", []):
            what = cluster.category.label if cluster.category else interface_label(cluster.interface_type)
            moments.setdefault(
                ("cluster", cluster.id),
                Moment(
                    cluster.detected_at,
                    "cluster",
                    what,
                    cluster_status_label(cluster.status),
                    "dashboard.clusters",
                    {},
                ),
            )
        for action in (a for a in getattr(report, "actions", []) if can_view_action(viewer, a)):
            moments.setdefault(
                ("action", action.id),
                Moment(
                    action.created_at,
                    "action",
                    f"A-{action.id} {action.title}",
                    action.status_label,
                    "actions.show",
                    {"action_id": action.id},
                ),
            )
    return sorted(moments.values(), key=lambda moment: moment.at, reverse=True)


@dataclass(frozen=True)
class PersonRef:
    ref: str
    pseudonym: str
    reports: int


def all_person_refs() -> list[PersonRef]:
    """Every reference as typed, with its pseudonym and number of reports (for the administrator)."""
    rows = db.session.execute(
        select(Report.person_ref, func.count())
        .where(Report.person_ref.is_not(None), Report.person_ref != "")
        .group_by(Report.person_ref)
        .order_by(Report.person_ref)
    )
    return [PersonRef(ref, pseudonym(ref), count) for ref, count in rows]
