"""The triage matrix: severity potential x recurrence -> proposed review level (SPEC §3.3).

Pure: no database. A matrix is a plain dict ``{severity: {recurrence: review_level}}``.
"""

from enum import StrEnum

from flask_babel import gettext as _


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def label(self) -> str:
        return {"low": _("Low"), "medium": _("Medium"), "high": _("High")}[self.value]


class Recurrence(StrEnum):
    SINGLE = "single"
    REPEAT = "repeat"
    CLUSTER = "cluster"

    @property
    def label(self) -> str:
        return {"single": _("Single"), "repeat": _("Repeat"), "cluster": _("Cluster")}[self.value]


class ReviewLevel(StrEnum):
    """In increasing depth. PSIRF equivalents: none = log and learn; brief = SWARM huddle or
    after-action review; barrier = thematic review of the cluster; full = patient-safety review."""

    NONE = "none"
    BRIEF = "brief_structured_review"
    BARRIER = "barrier_review"
    FULL = "full_systems_review"

    @property
    def label(self) -> str:
        return {
            "none": _("None (log and learn)"),
            "brief_structured_review": _("Brief structured review"),
            "barrier_review": _("Barrier review"),
            "full_systems_review": _("Full systems review"),
        }[self.value]

    @property
    def depth(self) -> int:
        return list(ReviewLevel).index(self)


DEFAULT_MATRIX = {
    Severity.LOW: {
        Recurrence.SINGLE: ReviewLevel.NONE,
        Recurrence.REPEAT: ReviewLevel.BRIEF,
        Recurrence.CLUSTER: ReviewLevel.BARRIER,
    },
    Severity.MEDIUM: {
        Recurrence.SINGLE: ReviewLevel.BRIEF,
        Recurrence.REPEAT: ReviewLevel.BRIEF,
        Recurrence.CLUSTER: ReviewLevel.BARRIER,
    },
    Severity.HIGH: {
        Recurrence.SINGLE: ReviewLevel.BARRIER,
        Recurrence.REPEAT: ReviewLevel.FULL,
        Recurrence.CLUSTER: ReviewLevel.FULL,
    },
}

# High potential or clustered near misses always get at least this, though no harm occurred.
DEEPER_REVIEW_FLOOR = ReviewLevel.BARRIER


def as_plain(matrix) -> dict[str, dict[str, str]]:
    return {str(s): {str(r): str(level) for r, level in row.items()} for s, row in matrix.items()}


def validate_matrix(cells: dict) -> dict[str, str]:
    """Check an edited matrix; returns ``{"severity.recurrence": message}`` for every bad cell."""
    errors = {}
    for severity in Severity:
        for recurrence in Recurrence:
            key = f"{severity}.{recurrence}"
            raw = (cells.get(str(severity)) or {}).get(str(recurrence))
            try:
                level = ReviewLevel(raw)
            except ValueError:
                errors[key] = _("Choose a review level.")
                continue
            if (severity is Severity.HIGH or recurrence is Recurrence.CLUSTER) and (
                level.depth < DEEPER_REVIEW_FLOOR.depth
            ):
                errors[key] = _(
                    "High potential or clustered near misses need at least a %(floor)s.",
                    floor=DEEPER_REVIEW_FLOOR.label.lower(),
                )
    return errors


def propose_review_level(matrix: dict, severity: str, recurrence: str) -> ReviewLevel:
    """The matrix's proposal for this severity and recurrence."""
    return ReviewLevel(matrix[str(Severity(severity))][str(Recurrence(recurrence))])


def minimum_review_level(severity: str, recurrence: str, proposed_recurrence: str = "") -> ReviewLevel:
    """The least review a triage may choose without recording a downgrade: the matrix's floor for
    high potential reports and for reports chosen or proposed as a cluster, none otherwise."""
    clustered = Recurrence.CLUSTER.value in (recurrence, proposed_recurrence)
    if severity == Severity.HIGH.value or clustered:
        return DEEPER_REVIEW_FLOOR
    return ReviewLevel.NONE


def is_downgrade(level: str, minimum: ReviewLevel) -> bool:
    """Whether ``level`` (a valid review level) is shallower than ``minimum``."""
    return ReviewLevel(level).depth < minimum.depth
