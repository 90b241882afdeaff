"""Reads of accounts."""

from sqlalchemy import select

from app.auth.models import Passkey, User, UserRole, UserSession, user_regions
from app.core.roles import Role
from app.extensions import db


def users_with_role(role: Role, *, region_id: int | None = None, exclude_region: int | None = None):
    """Active users holding ``role`` (optionally in, or not in, one region)."""
    statement = select(User).join(UserRole).where(UserRole.role == role.value, User.active)
    if region_id is not None:
        statement = statement.join(user_regions).where(user_regions.c.region_id == region_id)
    users = list(db.session.scalars(statement).unique())
    if exclude_region is not None:
        users = [u for u in users if exclude_region not in u.region_ids]
    return users


def active_users() -> list[User]:
    return list(db.session.scalars(select(User).where(User.active).order_by(User.name)))


def active_sessions(user: User) -> list[UserSession]:
    """The sessions of ``user`` not yet ended, the most recently used first."""
    return list(
        db.session.scalars(
            select(UserSession)
            .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
            .order_by(UserSession.last_seen_at.desc())
        )
    )


def open_passkey(passkey_id: int, *, owner: User) -> Passkey | None:
    """The passkey with this id when ``owner`` holds it and it is not revoked; None otherwise (so
    nobody can reach another person's passkey by its id)."""
    passkey = db.session.get(Passkey, passkey_id)
    if passkey is None or passkey.user_id != owner.id or passkey.revoked_at is not None:
        return None
    return passkey
