"""Fixed vocabularies shared by capture, triage and trends (SPEC §3, §7)."""

from enum import StrEnum


class InterfaceType(StrEnum):
    """Where information failed to cross between roles or systems (the interface flag)."""

    HANDOVER = "handover"
    APPOINTMENT_FOLLOW_UP = "appointment_follow_up"
    MEDICATION_RECONCILIATION = "medication_reconciliation"
    SCHEDULING_CHANGE = "scheduling_change"
    PLAN_UPDATE = "plan_update"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class EventClass(StrEnum):
    """AHRQ Common Formats event classes this product handles; incidents are handed off."""

    NEAR_MISS = "near_miss"
    UNSAFE_CONDITION = "unsafe_condition"
    INCIDENT = "incident"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


CAPTURE_EVENT_CLASSES = (EventClass.NEAR_MISS, EventClass.UNSAFE_CONDITION)
"""A DSP reports one of these; an incident is only ever set by reclassification at triage."""
