"""Stored values of triage with their labels: the reasons a review may go below the matrix's floor."""

from enum import StrEnum

from flask_babel import gettext as _


class DowngradeReason(StrEnum):
    """Why a high potential or clustered report gets less than the floor's review (a short list on
    purpose: the dashboard and the pack count them; the explanation says the rest)."""

    SAME_BARRIER_REVIEWED = "same_barrier_reviewed"
    DUPLICATE = "duplicate"
    OUTSIDE_SERVICE = "outside_service"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "same_barrier_reviewed": _("Already reviewed with the same barrier this month"),
            "duplicate": _("Duplicate of another report"),
            "outside_service": _("Outside our service"),
            "other": _("Other"),
        }[self.value]


DOWNGRADE_EXPLANATION_MIN = 20
"""The fewest characters a downgrade's explanation may have: a sentence, not a tick."""
