"""Proposing single / repeat / cluster from similar recent reports (SPEC §3.3, question 3).

Similar = same category and the same region, location or person reference. Pure: callers pass the
candidate reports as plain records.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.triage.matrix import Recurrence


@dataclass(frozen=True)
class Occurrence:
    id: int
    category_id: int
    region_id: int
    occurred_at: datetime
    location: str | None = None
    person_ref: str | None = None


@dataclass(frozen=True)
class RecurrenceWindows:
    """A repeat is one similar report within ``repeat``; a cluster is ``cluster_size`` reports in all
    (this one included) within ``cluster`` - the local rule: 3 or more in 28 days."""

    repeat: timedelta = timedelta(days=90)
    cluster: timedelta = timedelta(days=28)
    cluster_size: int = 3


@dataclass(frozen=True)
class RecurrenceProposal:
    recurrence: Recurrence
    similar: list[Occurrence]
    matched_on: dict[int, list[str]]


def _normal(text: str | None) -> str | None:
    cleaned = " ".join((text or "").casefold().split())
    return cleaned or None


def similarity(report: Occurrence, other: Occurrence) -> list[str]:
    """What ``other`` shares with ``report`` beyond the category (empty: not similar)."""
    if other.id == report.id or other.category_id != report.category_id:
        return []
    shared = []
    if other.region_id == report.region_id:
        shared.append("region")
    if _normal(report.location) and _normal(report.location) == _normal(other.location):
        shared.append("location")
    if _normal(report.person_ref) and _normal(report.person_ref) == _normal(other.person_ref):
        shared.append("person")
    return shared


def propose_recurrence(
    report: Occurrence, candidates: list[Occurrence], windows: RecurrenceWindows = RecurrenceWindows()
) -> RecurrenceProposal:
    """Propose the recurrence of ``report`` from ``candidates``; windows are inclusive at the edge."""
    similar, matched_on = [], {}
    for other in candidates:
        shared = similarity(report, other)
        if shared and abs(report.occurred_at - other.occurred_at) <= windows.repeat:
            similar.append(other)
            matched_on[other.id] = shared
    similar.sort(key=lambda o: o.occurred_at, reverse=True)
    in_cluster_window = [o for o in similar if abs(report.occurred_at - o.occurred_at) <= windows.cluster]
    if len(in_cluster_window) + 1 >= windows.cluster_size:
        recurrence = Recurrence.CLUSTER
    elif similar:
        recurrence = Recurrence.REPEAT
    else:
        recurrence = Recurrence.SINGLE
    return RecurrenceProposal(recurrence, similar, matched_on)
