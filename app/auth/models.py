from datetime import datetime

from flask_babel import gettext as _
from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    UniqueConstraint,
    event,
    false,
)
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


# A public reporting link's own account (app.anonymous): never signed in to, named by the app.
LINK_ACCOUNT_DOMAIN = "reporting-link.invalid"


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
    # The WebAuthn user handle: random, never the database id or the e-mail (it is stored on the
    # authenticator and handed back at sign-in).
    webauthn_user_handle: Mapped[str | None] = mapped_column(String(64), unique=True)
    # "en" or "es" when the person chose a language; None follows the browser (app.core.i18n).
    language: Mapped[str | None] = mapped_column(String(5))
    # The language this person's browser last asked for while they had chosen none, kept at sign-in
    # and when it changes (auth.operations), so what is written to them outside their own request
    # (a notification, an e-mail, a push) is in the language their pages are in (i18n.language_of).
    browser_language: Mapped[str | None] = mapped_column(String(5))

    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    regions: Mapped[list[Region]] = relationship(secondary=user_regions, lazy="selectin")

    # Set (per instance) while this object represents a signed-in session; see auth.sessions.
    session_token = None
    # Set (per reading request) to the expiry of a live emergency-access grant; see app.emergency.
    emergency_access_until = None
    # Whether the session check saw an emergency-access grant not yet ended or recorded as lapsed (a
    # flag app.emergency adds to the session query); when it did not, the grant lookup is skipped.
    has_open_emergency_grant = True
    current_session = None

    @property
    def shown_name(self) -> str:
        """The name as people read it: a public reporting link's own account ("Anonymous via link 3",
        made by the app) in the reader's language, anyone else's name as they gave it."""
        if self.email.endswith(f"@{LINK_ACCOUNT_DOMAIN}"):
            return _("Anonymous via link %(number)s", number=self.name.rsplit(" ", 1)[-1])
        return self.name

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str | None:
        """Flask-Login stores this in the cookie: the server-side session token, never the user id,
        so ending the session on the server invalidates every copy of the cookie."""
        return self.session_token

    # The signed-in user's roles and region ids as the session check read them (one aggregated row
    # instead of loading both collections on every request); used until a collection is loaded, after
    # which the loaded collection (and any change made to it in this request) wins.
    roles_as_loaded = None
    region_ids_as_loaded = None

    @property
    def roles(self) -> frozenset[Role]:
        if self.roles_as_loaded is not None and "role_rows" not in self.__dict__:
            return self.roles_as_loaded
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
        if self.region_ids_as_loaded is not None and "regions" not in self.__dict__:
            return self.region_ids_as_loaded
        return frozenset(region.id for region in self.regions)


@event.listens_for(User, "expire")
def _forget_roles_as_loaded(user: User | None, attributes) -> None:
    """A commit or expiry ends what the session check read: the collections are read afresh."""
    if user is None:  # already garbage-collected: nothing to forget
        return
    if attributes is None or {"role_rows", "regions"} & set(attributes):
        user.roles_as_loaded = None
        user.region_ids_as_loaded = None


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
    # "password" or "passkey": how this session was opened.
    method: Mapped[str] = mapped_column(String(20), default="password", server_default="password")
    # A shared tablet (ticked at sign-in, or a shared-device role) gets the shorter inactivity timeout.
    shared_device: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Opened by password for a role that requires passkeys: only passkey enrolment until one is added.
    must_enrol_passkey: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    user: Mapped[User] = relationship()


class Passkey(db.Model):
    """A WebAuthn credential (passkey) registered by a user."""

    __tablename__ = "passkeys"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    credential_id: Mapped[str] = mapped_column(String(1400), unique=True)  # base64url
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    sign_count: Mapped[int] = mapped_column(Integer, default=0)
    transports: Mapped[str] = mapped_column(String(200), default="")
    name: Mapped[str] = mapped_column(String(80))
    aaguid: Mapped[str] = mapped_column(String(36), default="")
    backed_up: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class WebAuthnChallenge(db.Model):
    """A ceremony's challenge, kept on the server: single use, short-lived, bound to its purpose."""

    __tablename__ = "webauthn_challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge: Mapped[str] = mapped_column(String(128), unique=True)  # base64url
    purpose: Mapped[str] = mapped_column(String(20))  # "register" or "authenticate"
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RolePolicy(db.Model):
    """Sign-in rules an administrator sets per role; roles without a row use the defaults in code."""

    __tablename__ = "role_policies"

    role: Mapped[str] = mapped_column(String(30), primary_key=True)
    passkey_required: Mapped[bool] = mapped_column(Boolean, default=False)
    shared_device: Mapped[bool] = mapped_column(Boolean, default=False)
