"""Stored values of incidents with their labels."""

from enum import StrEnum


class IncidentVia(StrEnum):
    """How a report came to be recorded as an incident."""

    TRIAGE = "triage"
    RECLASSIFIED = "reclassified"

    @property
    def label(self) -> str:
        return {"triage": "at triage", "reclassified": "reclassified after triage"}[self.value]


REASON_MIN = 10
"""The fewest characters a later reclassification's reason may have."""
