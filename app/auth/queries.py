"""Reads of accounts."""

from sqlalchemy import select

from app.auth.models import User, UserRole, user_regions
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
