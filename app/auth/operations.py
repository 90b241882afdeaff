"""Accounts and sessions. Operations flush and write their audit events; callers commit."""

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, String, bindparam, cast, func, select, text
from sqlalchemy.orm import lazyload
from sqlalchemy.sql import ColumnElement

from app.auth.models import User, UserRole, UserSession, user_regions
from app.auth.passkeys import has_passkey
from app.auth.passwords import MIN_PASSWORD_LENGTH, hash_password, needs_rehash, verify_password
from app.auth.policy import apply_passkey_rule_to_open_sessions, passkey_required_for
from app.auth.queries import active_sessions
from app.auth.signals import sessions_ended
from app.core.audit.operations import record_event
from app.core.i18n import LANGUAGES
from app.core.models import now_utc
from app.core.roles import Role
from app.core.validation import InvalidInput
from app.extensions import db
from app.taxonomy.models import Region

# Touching last_seen_at on every request would make every page view a write.
_LAST_SEEN_GRANULARITY = timedelta(minutes=1)


MAX_EMAIL_LENGTH = 254
MAX_NAME_LENGTH = 120


class AccountError(InvalidInput):
    """A user-facing reason an account operation was refused: one sentence about the whole account
    (``str(error)``), kept in ``errors`` under ``"account"`` so a form post answers it as any refusal."""

    def __init__(self, message: str):
        super().__init__({"account": [message]})
        self.message = message

    def __str__(self) -> str:
        return self.message


def _check_name(name: str) -> None:
    if len(name.strip()) > MAX_NAME_LENGTH:
        raise AccountError(_("Keep the name under %(count)s characters.", count=MAX_NAME_LENGTH))


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def create_user(
    *,
    email: str,
    name: str,
    password: str | None,
    roles: Iterable[Role | str],
    regions: Iterable[Region] = (),
    actor: User | None = None,
) -> User:
    """Create an account with its roles and regions."""
    email = normalise_email(email)
    if not email or "@" not in email or len(email) > MAX_EMAIL_LENGTH:
        raise AccountError(_("A valid e-mail address is required."))
    _check_name(name)
    if find_user_by_email(email) is not None:
        raise AccountError(_("An account for %(email)s already exists.", email=email))
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(_("Passwords need at least %(count)s characters.", count=MIN_PASSWORD_LENGTH))
    role_values = sorted({Role(role).value for role in roles})
    if not role_values:
        raise AccountError(_("Give the user at least one role."))
    user = User(
        email=email,
        name=name.strip() or email,
        password_hash=hash_password(password) if password else None,
        role_rows=[UserRole(role=value) for value in role_values],
        regions=list(regions),
    )
    db.session.add(user)
    db.session.flush()
    record_event(
        "user.create",
        actor=actor,
        object_type="user",
        object_id=user.id,
        after={"roles": role_values, "region_ids": sorted(r.id for r in user.regions)},
    )
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None. Upgrades outdated hashes."""
    user = find_user_by_email(email)
    # verify_password runs a full Argon2 check even for an unknown e-mail, so timing tells nothing.
    if not verify_password(user.password_hash if user else None, password):
        return None
    if not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(
    user: User,
    *,
    user_agent: str | None = None,
    method: str = "password",
    shared_device: bool = False,
    must_enrol_passkey: bool = False,
    browser_language: str | None = None,
) -> str:
    """Open a server-side session for ``user`` and return the token the cookie will carry.

    Every sign-in gets a fresh random token (a new session identifier), whatever the browser held.
    ``browser_language`` is the language the signing-in browser asks for (kept when it changed, see
    ``remember_browser_language``)."""
    token = secrets.token_urlsafe(32)
    row = UserSession(
        user_id=user.id,
        token_hash=_token_hash(token),
        user_agent=(user_agent or "")[:200],
        method=method,
        shared_device=shared_device,
        must_enrol_passkey=must_enrol_passkey,
    )
    db.session.add(row)
    record_event(
        "session.start",
        actor=user,
        object_type="user",
        object_id=user.id,
        after={"method": method, "shared_device": shared_device},
    )
    user.session_token = token
    user.current_session = row
    remember_browser_language(user, browser_language)
    return token


def remember_browser_language(user: User, language: str | None) -> bool:
    """Keep the language ``user``'s browser asks for (``app.core.i18n.browser_language``) while they
    have chosen none, so what is written to them later is in the language they read the pages in
    (``language_of``). Writes only when it changed (never on every request); not audited, as the
    browser's setting is not the person's choice. Returns whether it wrote."""
    if language is None or user.language is not None or user.browser_language == language:
        return False
    user.browser_language = language
    return True


@dataclass(frozen=True)
class SessionLimits:
    absolute: timedelta
    idle: timedelta
    shared_device_idle: timedelta


# Built once (it runs on every request): the session, its user, the user's role names and region ids
# (aggregated, so the row does not multiply per role and region), and the yes/no flags other features
# add (``add_session_flag``: emergency access adds whether the user holds a grant not yet ended or
# recorded as lapsed). The role and region collections are not loaded: ``User.roles`` and
# ``User.region_ids`` read the aggregated values until something loads them.
_ROLE_NAMES = (
    select(func.aggregate_strings(UserRole.role, ","))
    .where(UserRole.user_id == UserSession.user_id)
    .scalar_subquery()
)
_REGION_IDS = (
    select(func.aggregate_strings(cast(user_regions.c.region_id, String), ","))
    .where(user_regions.c.user_id == UserSession.user_id)
    .scalar_subquery()
)
_session_flags: dict[str, ColumnElement[bool]] = {}
_session_by_token: Select | None = None


def add_session_flag(attribute: str, condition: ColumnElement[bool]) -> None:
    """Let another feature read one yes/no about the signed-in user in the session query itself.

    ``condition`` is SQL correlated on ``UserSession.user_id`` (an EXISTS, say); on every request its
    value is set as ``user.<attribute>``. Features register when they are imported, so auth needs to
    know none of them (emergency access: ``app.emergency.hooks``).
    """
    global _session_by_token
    _session_flags[attribute] = condition
    _session_by_token = None


def _session_query() -> Select:
    global _session_by_token
    if _session_by_token is None:
        _session_by_token = (
            select(UserSession, User, _ROLE_NAMES, _REGION_IDS, *_session_flags.values())
            .join(User, User.id == UserSession.user_id)
            .options(lazyload(User.role_rows), lazyload(User.regions))
            .where(UserSession.token_hash == bindparam("token_hash"))
        )
    return _session_by_token


def _split_ids(joined: str | None) -> frozenset[int]:
    return frozenset(int(part) for part in joined.split(",")) if joined else frozenset()


def load_session_user(
    token: str, limits: SessionLimits, *, browser_language: str | None = None
) -> tuple[User | None, bool]:
    """The user behind a live session token (None if unknown, ended, expired or deactivated), and
    whether the lookup wrote something the caller must commit (an expiry, a last-seen time, the
    language the browser asks for when it changed: ``remember_browser_language``).

    One query (``_session_query``)."""
    found = db.session.execute(_session_query(), {"token_hash": _token_hash(token)}).one_or_none()
    if found is None or found[0].ended_at is not None:
        return None, False
    session_row, user, role_names, region_ids, *flags = found
    now = now_utc()
    idle = limits.shared_device_idle if session_row.shared_device else limits.idle
    if now - session_row.created_at > limits.absolute or now - session_row.last_seen_at > idle:
        session_row.ended_at = now
        record_event("session.expire", actor=None, object_type="user", object_id=session_row.user_id)
        return None, True
    if not user.active:
        return None, False
    user.roles_as_loaded = (
        frozenset(Role(name) for name in role_names.split(",")) if role_names else frozenset()
    )
    user.region_ids_as_loaded = _split_ids(region_ids)
    wrote = False
    if now - session_row.last_seen_at > _LAST_SEEN_GRANULARITY:
        session_row.last_seen_at = now
        wrote = True
    wrote = remember_browser_language(user, browser_language) or wrote
    user.session_token = token
    user.current_session = session_row
    for attribute, value in zip(_session_flags, flags, strict=True):
        setattr(user, attribute, bool(value))
    return user, wrote


def end_session(token: str, *, actor: User | None = None) -> None:
    """End one session: the token stops working everywhere, whoever holds a copy of the cookie."""
    session_row = db.session.scalar(select(UserSession).where(UserSession.token_hash == _token_hash(token)))
    if session_row is None or session_row.ended_at is not None:
        return
    session_row.ended_at = now_utc()
    record_event(
        "session.end",
        actor=actor or session_row.user_id,
        object_type="user",
        object_id=session_row.user_id,
    )
    sessions_ended.send(session_row.user, session_ids=[session_row.id], everywhere=False)


def record_refused_sign_in(email: str, *, reason: str = "no_match") -> None:
    """An access-log entry for a refused password: the account if it exists, never the password."""
    user = find_user_by_email(email or "")
    record_event(
        "session.refused",
        actor=None,
        object_type="user",
        object_id=user.id if user else None,
        after={"known_account": user is not None, "reason": reason},
    )


def password_sign_in(email: str, password: str) -> User | None:
    """The active account this e-mail and password open, or None, with the refusal on record.

    An account whose role signs in with a passkey, and that has one, is refused even with the right
    password (the same refusal, so it never confirms the password); one without a passkey yet is let
    in, to enrol one."""
    user = authenticate(email, password)
    if user is None:
        record_refused_sign_in(email)
        return None
    if passkey_required_for(user) and has_passkey(user):
        record_refused_sign_in(email, reason="passkey_required")
        return None
    return user


def record_refused_passkey_sign_in() -> None:
    """An access-log entry for a passkey that did not sign anyone in."""
    record_event("session.refused", actor=None, object_type="user", after={"method": "passkey"})


def passkey_enrolled(user: User) -> None:
    """The session that had to enrol a passkey (a password sign-in of a passkey-only role) may go
    on to the rest of the app: it just did."""
    if user.current_session is not None:
        user.current_session.must_enrol_passkey = False


def end_all_sessions(user: User, *, actor) -> int:
    """End every open session of ``user`` (sign out everywhere); returns how many."""
    now = now_utc()
    ended = []
    for row in active_sessions(user):
        row.ended_at = now
        ended.append(row.id)
    record_event(
        "session.end_all", actor=actor, object_type="user", object_id=user.id, after={"ended": len(ended)}
    )
    sessions_ended.send(user, session_ids=ended, everywhere=True)
    return len(ended)


# Any fixed 64-bit number: the PostgreSQL advisory lock that serialises changes to who is an active
# administrator, so two admins removing each other at the same moment cannot both pass the check.
_ADMIN_ROSTER_LOCK = 727_100_3


def _active_admin_ids() -> set[int]:
    """Who is an active administrator now. On PostgreSQL the roster lock is taken first and held to
    the commit, so the set is read after any change another transaction is committing (SQLite has one
    writer at a time)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADMIN_ROSTER_LOCK})
    return set(
        db.session.scalars(
            select(User.id).join(UserRole).where(UserRole.role == Role.ADMIN.value, User.active)
        )
    )


def update_user(
    user: User, *, name: str, roles: Iterable[Role | str], regions: Iterable[Region], actor: User
) -> None:
    """Change a user's name, roles and regions; the organisation always keeps an active admin."""
    _check_name(name)
    role_values = sorted({Role(role).value for role in roles})
    if not role_values:
        raise AccountError(_("Give the user at least one role."))
    if Role.ADMIN.value not in role_values and _active_admin_ids() == {user.id}:
        raise AccountError(_("This is the last active administrator; give the role to someone else first."))
    before = {
        "name": user.name,
        "roles": sorted(row.role for row in user.role_rows),
        "region_ids": sorted(r.id for r in user.regions),
    }
    user.name = name.strip() or user.name
    kept = [row for row in user.role_rows if row.role in role_values]
    have = {row.role for row in kept}
    user.role_rows = kept + [UserRole(role=value) for value in role_values if value not in have]
    user.regions = list(regions)
    db.session.flush()
    after = {"name": user.name, "roles": role_values, "region_ids": sorted(r.id for r in user.regions)}
    if after != before:
        record_event(
            "user.update", actor=actor, object_type="user", object_id=user.id, before=before, after=after
        )
    if after["roles"] != before["roles"] and passkey_required_for(user):
        apply_passkey_rule_to_open_sessions(user)


def set_user_active(user: User, active: bool, *, actor: User) -> None:
    """Deactivate (every session ends at once) or reactivate an account."""
    if user.active == active:
        return
    if not active and _active_admin_ids() == {user.id}:
        raise AccountError(_("This is the last active administrator; it cannot be deactivated."))
    user.active = active
    record_event(
        "user.deactivate" if not active else "user.reactivate",
        actor=actor,
        object_type="user",
        object_id=user.id,
    )
    if not active:
        end_all_sessions(user, actor=actor)


def set_password(user: User, password: str, *, actor: User) -> None:
    """An administrator sets a new (temporary) password; the user's sessions end."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(_("Passwords need at least %(count)s characters.", count=MIN_PASSWORD_LENGTH))
    user.password_hash = hash_password(password)
    record_event("user.password_set", actor=actor, object_type="user", object_id=user.id)
    end_all_sessions(user, actor=actor)


def end_session_by_id(user: User, session_id: int, *, actor: User) -> bool:
    """End one of ``user``'s sessions (an administrator looking at the user's devices)."""
    row = db.session.get(UserSession, session_id)
    if row is None or row.user_id != user.id or row.ended_at is not None:
        return False
    row.ended_at = now_utc()
    record_event(
        "session.end", actor=actor, object_type="user", object_id=user.id, after={"session_id": row.id}
    )
    sessions_ended.send(user, session_ids=[row.id], everywhere=False)
    return True


def set_language(user: User, language: str | None, *, actor: User) -> None:
    """The language the app speaks to ``user`` (``"en"``, ``"es"``), or None to follow their browser.
    Audited like the person's other account changes."""
    chosen = language or None
    if chosen is not None and chosen not in LANGUAGES:
        raise AccountError(_("Choose one of the listed languages."))
    if user.language == chosen:
        return
    before = user.language
    user.language = chosen
    record_event(
        "user.language",
        actor=actor,
        object_type="user",
        object_id=user.id,
        before={"language": before},
        after={"language": chosen},
    )
