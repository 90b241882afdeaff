"""Writes of the administration pages that span several settings at once. They flush and audit
through the operations they call; the caller commits (or rolls back on a refusal)."""

from flask_babel import gettext as _

from app.admin.forms import CalendarFields
from app.auth.policy import set_role_policy
from app.core.jurisdiction import Jurisdiction, set_jurisdiction
from app.core.roles import Role
from app.core.settings import SettingError, all_settings, set_setting
from app.core.validation import InvalidInput
from app.emergency.policy import ALLOWED_ROLES_KEY, set_allowed_roles
from app.escalations.clocks import WorkingCalendar
from app.escalations.operations import ensure_default_external_bodies
from app.escalations.working_days import set_working_calendar


def save_settings(numbers: dict[str, float | None], emergency_roles: set[str] | None, *, actor) -> None:
    """Store every setting whose number changed, and the emergency-access roles when given.

    Every field is checked before refusing, so the form shows all its problems at once: raises
    :class:`InvalidInput` (field -> messages) when a value is not a number or out of its range;
    the caller rolls back what was stored meanwhile."""
    errors: dict[str, list[str]] = {}
    stored = all_settings()
    if emergency_roles is not None:
        try:
            set_allowed_roles(emergency_roles, actor=actor)
        except SettingError as exc:
            errors[ALLOWED_ROLES_KEY] = [str(exc)]
    for key, number in numbers.items():
        if number is None:
            errors[key] = [_("Give a number.")]
        elif number != stored[key]:
            try:
                set_setting(key, number, actor=actor)
            except SettingError as exc:
                errors[key] = [str(exc)]
    if errors:
        raise InvalidInput(errors)


def save_role_policies(passkey_required: set[str], shared_device: set[str], *, actor) -> int:
    """Store the sign-in rule of every role (the role values ticked in each column); returns how many
    roles' rules changed."""
    changed = 0
    for role in Role:
        changed += set_role_policy(
            role,
            passkey_required=role.value in passkey_required,
            shared_device=role.value in shared_device,
            actor=actor,
        )
    return changed


def save_working_calendar(fields: CalendarFields, *, actor) -> WorkingCalendar:
    """Store the business-day calendar: country, state and the days off an administrator adds.
    Raises :class:`InvalidInput` for a line of added days that does not start with a date, or what
    :func:`set_working_calendar` refuses."""
    unreadable = [line.typed for line in fields.added_days if line.day is None]
    if unreadable:
        raise InvalidInput(
            {
                "added_days": [
                    _("Start each line with a date (YYYY-MM-DD): %(lines)s", lines=", ".join(unreadable))
                ]
            }
        )
    added = {line.day: line.reason for line in fields.added_days}
    return set_working_calendar(fields.country, fields.subdivision, added, actor=actor)


def save_jurisdiction(kind: str, state: str, *, actor) -> Jurisdiction:
    """Store the jurisdiction and add its default external bodies that are missing. Bodies already
    there (another jurisdiction's included) stay as they are: an administrator deactivates them on
    the external bodies page, and duties already recorded keep their body."""
    chosen = set_jurisdiction(kind, state, actor=actor)
    ensure_default_external_bodies(actor=actor)
    return chosen
