from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import UTCDateTime, now_utc
from app.core.roles import (
    ORGANISATION_WIDE_ROLES,
    SEES_CONFIDENTIAL_REPORTERS,
    Role,
)
from app.extensions import db
from app.taxonomy.models import Region

user_regions = Table(
    "user_regions",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("region_id", ForeignKey("regions.id", ondelete="CASCADE"), primary_key=True),
)


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(30))


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)

    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    regions: Mapped[list[Region]] = relationship(secondary=user_regions, lazy="selectin")

    # Set (per instance) while this object represents a signed-in session; see auth.sessions.
    session_token = None

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str | None:
        """Flask-Login stores this in the cookie: the server-side session token, never the user id,
        so ending the session on the server invalidates every copy of the cookie."""
        return self.session_token

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(Role(row.role) for row in self.role_rows)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_dsp_only(self) -> bool:
        """A frontline reporter with no other role: lands on the report form, sees only their own."""
        return self.roles == {Role.DSP}

    @property
    def is_organisation_wide(self) -> bool:
        return bool(self.roles & ORGANISATION_WIDE_ROLES)

    @property
    def sees_confidential_reporters(self) -> bool:
        return bool(self.roles & SEES_CONFIDENTIAL_REPORTERS)

    @property
    def region_ids(self) -> frozenset[int]:
        return frozenset(region.id for region in self.regions)


class UserSession(db.Model):
    """A signed-in session. The cookie holds only the token; its SHA-256 is stored here."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    user_agent: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User] = relationship()
