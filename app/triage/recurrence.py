"""Proposing single / repeat / cluster for a report (SPEC §3.3, question 3; issue 16, point 1).

"Similar" - another report is similar to the one being triaged when, within the look-back window
(the ``recurrence_repeat_days`` setting, 90 days by default, either side of when it happened):

1. its words tell of the same thing happening: the WordLlama cosine of the two "what happened" texts
   is at least ``similarity.THRESHOLD`` (0.35, the operating point measured in ``bench/RESULTS.md``);
   and
2. it concerns the same person (the person reference, compared without case or spacing; in any
   region), or it happened in the same region and shares the category, the location (compared
   without case or spacing) or the program.

Text alone is too weak (precision 0.36 over all pairs) and the context alone is not similarity at
all ("same category and region" matched most of the demo), so both are required; a free-text
location counts only inside the same region ("Bedroom" in another region is another bedroom).
Each similar report carries its reasons: ``similar wording (0.52)``, ``same person``, ``same region``,
``same category``, ``same location``, ``same program``.

Proposals: *cluster* when the report falls in an open cluster stored by the cluster detector (the
dashboard's weekly job), or when its theme is statistically unusual for its region: the detector's
own Poisson test with false-discovery control (``app.core.clusters.cell_exceedance``, the
``cluster_baseline_weeks`` and ``cluster_fdr_percent`` settings) flags the report's region x category
cell over the week ending at the report's time, so there is no second threshold here; else *repeat*
when any report is similar; else *single*.

Pure: callers pass the candidates as plain records, the ids of the open clusters holding the
report, and the detector's verdict on its cell (``unusual``: the reason in words, or None).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from app.triage import similarity
from app.triage.matrix import Recurrence

LOOK_BACK = timedelta(days=90)
"""The default look-back window (the ``recurrence_repeat_days`` setting overrides it)."""


@dataclass(frozen=True)
class Occurrence:
    id: int
    category_id: int
    region_id: int
    occurred_at: datetime
    location: str | None = None
    person_ref: str | None = None
    text: str = ""
    program_id: int | None = None


@dataclass(frozen=True)
class RecurrenceProposal:
    recurrence: Recurrence
    similar: list[Occurrence]
    matched_on: dict[int, list[str]]
    open_cluster_ids: list[int] = field(default_factory=list)
    look_back: timedelta = LOOK_BACK
    unusual: str | None = None
    """Why the theme is unusual for the region, e.g. "unusual for Riverside: 6 medication reports in
    1 week against about 1.1 expected"; None when the detector's test does not flag it."""


def _normal(text: str | None) -> str | None:
    cleaned = " ".join((text or "").casefold().split())
    return cleaned or None


def shared_context(report: Occurrence, other: Occurrence) -> list[str]:
    """What ``other`` shares with ``report`` that can make similar wording a recurrence (empty: nothing
    that counts). The same person counts in any region; category, location and program only within
    the same region."""
    if other.id == report.id:
        return []
    shared = []
    if _normal(report.person_ref) and _normal(report.person_ref) == _normal(other.person_ref):
        shared.append("same person")
    if other.region_id == report.region_id:
        in_region = []
        if other.category_id == report.category_id:
            in_region.append("same category")
        if _normal(report.location) and _normal(report.location) == _normal(other.location):
            in_region.append("same location")
        if report.program_id is not None and report.program_id == other.program_id:
            in_region.append("same program")
        if in_region:
            shared += ["same region", *in_region]
    return shared


def wording_scores(text: str, others: Sequence[str]) -> list[float]:
    """The cosine of ``text`` with each of ``others`` (one batch of embeddings; blank: 0)."""
    if not others:
        return []
    if not (text or "").strip():
        return [0.0] * len(others)
    vectors = similarity.embed([text, *others])
    return [round(float(score), 4) for score in vectors[1:] @ vectors[0]]


def propose_recurrence(
    report: Occurrence,
    candidates: Sequence[Occurrence],
    *,
    look_back: timedelta = LOOK_BACK,
    open_cluster_ids: Sequence[int] = (),
    unusual: str | None = None,
    scores: Callable[[str, Sequence[str]], list[float]] = wording_scores,
) -> RecurrenceProposal:
    """Propose the recurrence of ``report`` from ``candidates`` (the window's edge is inclusive).

    Only the candidates that share a context are embedded, in one batch; ``scores`` is the wording
    measure (the measured WordLlama cosine unless a test passes another).
    """
    in_context = [
        (other, shared)
        for other in candidates
        if abs(report.occurred_at - other.occurred_at) <= look_back
        and (shared := shared_context(report, other))
    ]
    wording = scores(report.text, [other.text for other, _ in in_context])
    similar, matched_on = [], {}
    for (other, shared), score in zip(in_context, wording, strict=True):
        if score >= similarity.THRESHOLD:
            similar.append(other)
            matched_on[other.id] = [f"similar wording ({score:.2f})", *shared]
    similar.sort(key=lambda o: (o.occurred_at, o.id), reverse=True)
    if open_cluster_ids or unusual:
        recurrence = Recurrence.CLUSTER
    elif similar:
        recurrence = Recurrence.REPEAT
    else:
        recurrence = Recurrence.SINGLE
    return RecurrenceProposal(recurrence, similar, matched_on, sorted(open_cluster_ids), look_back, unusual)
