"""Who may use emergency access: the roles an administrator allows.

Break-glass access reads every region's reports, safeguarding ones included, so it is for roles
that handle emergencies, not for everyone who can sign in. The allowed roles are an organisation
setting, kept in the same ``settings`` table as the targets (one row, a JSON list of role values),
and changed on Admin → Targets and settings. Without a stored row the default applies.
"""

import json
from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import select

from app.core.reference_data import reference_data
from app.core.roles import Role
from app.core.settings import Setting, SettingError, store_setting
from app.extensions import db

ALLOWED_ROLES_KEY = "emergency_access_roles"
DEFAULT_ALLOWED_ROLES = frozenset(
    {
        Role.SUPERVISOR,
        Role.NURSE,
        Role.OPERATIONS_LEAD,
        Role.QUALITY_LEAD,
        Role.SAFEGUARDING_LEAD,
        Role.MANAGER,
        Role.ADMIN,
    }
)
"""Roles that handle emergencies; DSPs, schedulers and trainers are not among them by default."""


@reference_data(Setting)
def allowed_roles() -> frozenset[Role]:
    """The roles that may take emergency access (stored, or the default)."""
    stored = db.session.scalar(select(Setting.value).where(Setting.key == ALLOWED_ROLES_KEY))
    if stored is None:
        return DEFAULT_ALLOWED_ROLES
    known = {role.value for role in Role}
    return frozenset(Role(value) for value in json.loads(stored) if value in known)


def may_use_emergency_access(user) -> bool:
    """Whether ``user`` holds a role that may take emergency access (and use a grant they hold)."""
    return bool(user.roles & allowed_roles())


def set_allowed_roles(values: Iterable[str], *, actor) -> None:
    """Store the roles that may take emergency access, and audit the change. An empty choice turns
    emergency access off for everyone."""
    known = {role.value for role in Role}
    chosen = {str(value) for value in values}
    if chosen - known:
        raise SettingError(_("Emergency access: choose from the listed roles."))
    before = sorted(role.value for role in allowed_roles())
    after = sorted(chosen)
    if after == before:
        return
    store_setting(ALLOWED_ROLES_KEY, after, before=before, actor=actor)
