"""Fixed vocabularies shared by capture, triage and trends (SPEC §3, §7)."""

from enum import StrEnum

from flask_babel import gettext as _


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
        return {
            "handover": _("Handover"),
            "appointment_follow_up": _("Appointment follow-up"),
            "medication_reconciliation": _("Medication reconciliation"),
            "scheduling_change": _("Scheduling change"),
            "plan_update": _("Plan update"),
            "other": _("Other"),
        }[self.value]


def interface_label(code: str | None) -> str:
    """An interface type's name in the reader's language ("" for none; an unknown code as words)."""
    if not code:
        return ""
    try:
        return InterfaceType(code).label
    except ValueError:
        return code.replace("_", " ").capitalize()


class EventClass(StrEnum):
    """AHRQ Common Formats event classes this product handles; incidents are handed off."""

    NEAR_MISS = "near_miss"
    UNSAFE_CONDITION = "unsafe_condition"
    INCIDENT = "incident"

    @property
    def label(self) -> str:
        return {
            "near_miss": _("Near miss"),
            "unsafe_condition": _("Unsafe condition"),
            "incident": _("Incident"),
        }[self.value]


CAPTURE_EVENT_CLASSES = (EventClass.NEAR_MISS, EventClass.UNSAFE_CONDITION)
"""A DSP reports one of these; an incident is only ever set by reclassification at triage."""
