"""Sign-in rules per role: whether a role must use passkeys, and whether it works on shared devices
(which get the shorter inactivity timeout). Roles without a stored rule use the defaults here."""

from dataclasses import dataclass

from sqlalchemy import select

from app.auth.models import RolePolicy, User, UserSession
from app.auth.passkeys import has_passkey
from app.auth.queries import users_with_role
from app.core.audit.operations import record_event
from app.core.models import now_utc
from app.core.roles import Role
from app.extensions import db

DEFAULT_SHARED_DEVICE_ROLES = frozenset({Role.SUPERVISOR, Role.SCHEDULER})
"""Supervisors triage and schedulers plan on office tablets that several people pick up."""


@dataclass(frozen=True)
class Policy:
    role: Role
    passkey_required: bool
    shared_device: bool


def role_policies() -> dict[Role, Policy]:
    stored = {row.role: row for row in db.session.scalars(select(RolePolicy))}
    policies = {}
    for role in Role:
        row = stored.get(role.value)
        policies[role] = Policy(
            role=role,
            passkey_required=row.passkey_required if row else False,
            shared_device=row.shared_device if row else role in DEFAULT_SHARED_DEVICE_ROLES,
        )
    return policies


def set_role_policy(role: Role, *, passkey_required: bool, shared_device: bool, actor: User) -> bool:
    """Store the rule for ``role``; returns whether anything changed (and audits the change)."""
    before = role_policies()[role]
    if (before.passkey_required, before.shared_device) == (passkey_required, shared_device):
        return False
    row = db.session.get(RolePolicy, role.value) or RolePolicy(role=role.value)
    row.passkey_required = passkey_required
    row.shared_device = shared_device
    db.session.add(row)
    db.session.flush()
    if passkey_required and not before.passkey_required:
        _apply_passkey_rule_to_open_sessions(role)
    record_event(
        "role_policy.change",
        actor=actor,
        object_type="role",
        object_id=role.value,
        before={"passkey_required": before.passkey_required, "shared_device": before.shared_device},
        after={"passkey_required": passkey_required, "shared_device": shared_device},
    )
    return True


def passkey_required_for(user: User) -> bool:
    policies = role_policies()
    return any(policies[role].passkey_required for role in user.roles)


def works_on_shared_devices(user: User) -> bool:
    policies = role_policies()
    return any(policies[role].shared_device for role in user.roles)


def _apply_passkey_rule_to_open_sessions(role: Role) -> None:
    for user in users_with_role(role):
        apply_passkey_rule_to_open_sessions(user)


def apply_passkey_rule_to_open_sessions(user: User) -> None:
    """A rule that waited for the next sign-in would leave password sessions open for hours: a user
    who has a passkey is signed out of their password sessions (and signs in with it); one who has
    none may only add one."""
    password_sessions = db.session.scalars(
        select(UserSession).where(
            UserSession.user_id == user.id,
            UserSession.ended_at.is_(None),
            UserSession.method == "password",
        )
    ).all()
    if not password_sessions:
        return
    if has_passkey(user):
        now = now_utc()
        for row in password_sessions:
            row.ended_at = now
        record_event(
            "session.end_all",
            actor=None,
            object_type="user",
            object_id=user.id,
            after={"ended": len(password_sessions), "reason": "passkey_required"},
        )
    else:
        for row in password_sessions:
            row.must_enrol_passkey = True
