"""Organisation settings (targets, windows) stored in the database, with defaults in code."""

import json
from dataclasses import dataclass
from types import MappingProxyType

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from app.core.audit.operations import record_event
from app.core.reference_data import reference_data
from app.extensions import db


@dataclass(frozen=True)
class SettingSpec:
    label: str  # lazy: read in the reader's language
    default: float
    minimum: float
    maximum: float
    unit: str  # one of UNITS: a code, never shown as it is

    @property
    def unit_name(self) -> str:
        """The unit in the reader's language, with no number ("hours", "horas")."""
        return unit_name(self.unit)


def unit_name(unit: str) -> str:
    return {
        "minutes": _("minutes"),
        "hours": _("hours"),
        "days": _("days"),
        "weeks": _("weeks"),
        "reports": _("reports"),
        "%": "%",
    }[unit]


def amount(number: float, unit: str) -> str:
    """``number`` with its unit, the unit's plural form chosen by the number ("1 hour", "24 horas")."""
    count = f"{number:g}"
    if unit == "minutes":
        return ngettext("%(count)s minute", "%(count)s minutes", number, count=count)
    if unit == "hours":
        return ngettext("%(count)s hour", "%(count)s hours", number, count=count)
    if unit == "days":
        return ngettext("%(count)s day", "%(count)s days", number, count=count)
    if unit == "weeks":
        return ngettext("%(count)s week", "%(count)s weeks", number, count=count)
    if unit == "reports":
        return ngettext("%(count)s report", "%(count)s reports", number, count=count)
    return f"{count} {unit}"


SETTINGS = {
    "stop_the_line_ack_minutes": SettingSpec(_l("Stop-the-line: acknowledge within"), 15, 1, 240, "minutes"),
    "safeguards_confirm_minutes": SettingSpec(
        _l("Stop-the-line: safeguards confirmed within"), 60, 5, 24 * 60, "minutes"
    ),
    "nurse_review_target_hours": SettingSpec(_l("Nurse review: done within (same day)"), 8, 1, 48, "hours"),
    "triage_target_hours": SettingSpec(_l("Triage within"), 24, 1, 24 * 14, "hours"),
    "safeguarding_decision_hours": SettingSpec(_l("Safeguarding decision within"), 24, 1, 24 * 14, "hours"),
    "recurrence_repeat_days": SettingSpec(_l("Repeat: similar report within"), 90, 1, 730, "days"),
    # The cluster detector's local rule (app.dashboard.operations.detect_clusters): a cluster is this
    # many reports of one category in one region, or about one person, within these days.
    "recurrence_cluster_days": SettingSpec(
        _l("Cluster detection, local rule: reports within"), 28, 1, 365, "days"
    ),
    "recurrence_cluster_size": SettingSpec(
        _l("Cluster detection, local rule: at least this many reports"), 3, 2, 50, "reports"
    ),
    "review_due_days_brief_structured_review": SettingSpec(
        _l("Brief structured review: complete within"), 7, 1, 180, "days"
    ),
    "review_due_days_pathway_map": SettingSpec(
        _l("Information-pathway map: complete within"), 14, 1, 180, "days"
    ),
    "review_due_days_barrier_review": SettingSpec(_l("Barrier review: complete within"), 30, 1, 365, "days"),
    "review_due_days_full_systems_review": SettingSpec(
        _l("Full systems review: complete within"), 60, 1, 365, "days"
    ),
    "deadline_first_warning_percent": SettingSpec(
        _l("Deadlines: first warning when this share of the time has gone"), 50, 10, 95, "%"
    ),
    "deadline_second_warning_percent": SettingSpec(
        _l("Deadlines: second warning when this share of the time has gone"), 80, 10, 99, "%"
    ),
    "action_baseline_weeks": SettingSpec(_l("Action baseline: weeks before the start"), 8, 2, 104, "weeks"),
    "spot_check_interval_days": SettingSpec(
        _l("Spot checks of effective controls every"), 90, 7, 730, "days"
    ),
    "cluster_baseline_weeks": SettingSpec(_l("Cluster detection: baseline weeks"), 12, 4, 104, "weeks"),
    "cluster_fdr_percent": SettingSpec(_l("Cluster detection: false-discovery rate"), 10, 1, 50, "%"),
    "timeliness_target_percent": SettingSpec(_l("Timeliness floor (CMS INCID style)"), 90, 50, 100, "%"),
    "pack_suppress_below": SettingSpec(
        _l("Evidence packs: show counts below this as '<n'"), 5, 1, 20, "reports"
    ),
    "action_due_soon_days": SettingSpec(_l("Warn owners this many days before a due date"), 3, 1, 60, "days"),
    "emergency_access_hours": SettingSpec(_l("Emergency access: longest grant"), 4, 1, 24, "hours"),
    "session_idle_minutes": SettingSpec(_l("Sign out after this long idle"), 120, 5, 24 * 60, "minutes"),
    "shared_device_idle_minutes": SettingSpec(
        _l("Sign out after this long idle on a shared device"), 15, 2, 240, "minutes"
    ),
    "session_absolute_hours": SettingSpec(_l("Sign out after this long in any case"), 12, 1, 24 * 7, "hours"),
}


class Setting(db.Model):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


def get_setting(key: str) -> float:
    """The stored value of a setting, or its default."""
    return all_settings()[key]


@reference_data(Setting)
def all_settings() -> MappingProxyType:
    """Every setting, stored or default (read-only: the mapping is shared by the process)."""
    stored = {key: json.loads(value) for key, value in db.session.execute(select(Setting.key, Setting.value))}
    return MappingProxyType({key: stored.get(key, spec.default) for key, spec in SETTINGS.items()})


class SettingError(ValueError):
    pass


def set_setting(key: str, value: float, *, actor) -> None:
    """Change a setting within its bounds, and audit the change."""
    spec = SETTINGS.get(key)
    if spec is None:
        raise SettingError(f"Unknown setting {key}.")
    if not spec.minimum <= value <= spec.maximum:
        raise SettingError(
            _(
                "%(label)s: between %(minimum)s and %(maximum)s.",
                label=spec.label,
                minimum=f"{spec.minimum:g}",
                maximum=amount(spec.maximum, spec.unit),
            )
        )
    store_setting(key, value, before=get_setting(key), actor=actor)


def store_setting(key: str, value, *, before, actor) -> None:
    """Write one setting row (any JSON value) and audit the change from ``before``. Callers check it."""
    row = db.session.get(Setting, key) or Setting(key=key)
    row.value = json.dumps(value)
    db.session.add(row)
    db.session.flush()
    record_event(
        "setting.change",
        actor=actor,
        object_type="setting",
        object_id=key,
        before={"value": before},
        after={"value": value},
    )
