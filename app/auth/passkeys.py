"""Passkeys (WebAuthn) through py_webauthn: registration, discoverable sign-in, rename and revoke.

Challenges live in the database, not in the cookie session: each is single use (consumed by one
conditional UPDATE, so two racing requests cannot both use it), expires after a few minutes and is
bound to its purpose (and, for registration, to the user). The relying party's id and origins come
from configuration (``WEBAUTHN_RP_ID``, ``WEBAUTHN_ORIGINS``).
"""

import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlparse

from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url, parse_client_data_json
from webauthn.helpers.exceptions import InvalidAuthenticationResponse, WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from app.auth.models import Passkey, User, WebAuthnChallenge
from app.core.audit.operations import record_event
from app.core.models import now_utc
from app.extensions import db

CHALLENGE_LIFETIME = timedelta(minutes=5)
CEREMONY_TIMEOUT_MS = 120_000
MAX_NAME_LENGTH = 80
REGISTER, AUTHENTICATE = "register", "authenticate"


class PasskeyError(ValueError):
    """A user-facing reason a passkey ceremony was refused."""


@dataclass(frozen=True)
class RelyingParty:
    id: str
    name: str
    origins: tuple[str, ...]


def relying_party(config) -> RelyingParty:
    """The relying party from configuration; by default the host and origin of ``BASE_URL``."""
    base = urlparse(config.get("BASE_URL", "http://localhost:5000"))
    rp_id = config.get("WEBAUTHN_RP_ID") or base.hostname or "localhost"
    origins = config.get("WEBAUTHN_ORIGINS") or f"{base.scheme}://{base.netloc}"
    if isinstance(origins, str):
        origins = [o.strip() for o in origins.split(",") if o.strip()]
    return RelyingParty(id=rp_id, name=config.get("ORG_NAME", "Near misses"), origins=tuple(origins))


def _new_challenge(purpose: str, user: User | None = None) -> bytes:
    now = now_utc()
    # Expired challenges are of no use to anyone; clear them as new ones are made.
    db.session.execute(
        delete(WebAuthnChallenge).where(WebAuthnChallenge.expires_at < now - timedelta(hours=1))
    )
    challenge = secrets.token_bytes(32)
    db.session.add(
        WebAuthnChallenge(
            challenge=bytes_to_base64url(challenge),
            purpose=purpose,
            user_id=user.id if user else None,
            created_at=now,
            expires_at=now + CHALLENGE_LIFETIME,
        )
    )
    db.session.flush()
    return challenge


def _consume_challenge(credential: dict, purpose: str, user: User | None = None) -> bytes:
    """Take the challenge the browser signed out of the store; refuse one that is unknown, used,
    expired, or made for another purpose or user."""
    try:
        client_data_b64 = credential["response"]["clientDataJSON"]
        challenge = parse_client_data_json(base64url_to_bytes(client_data_b64)).challenge
    except (KeyError, TypeError, ValueError, WebAuthnException) as exc:
        raise PasskeyError(_("The passkey's answer could not be read.")) from exc
    conditions = [
        WebAuthnChallenge.challenge == bytes_to_base64url(challenge),
        WebAuthnChallenge.purpose == purpose,
        WebAuthnChallenge.used_at.is_(None),
        WebAuthnChallenge.expires_at > now_utc(),
    ]
    if user is not None:
        conditions.append(WebAuthnChallenge.user_id == user.id)
    result = db.session.execute(
        update(WebAuthnChallenge)
        .where(*conditions)
        .values(used_at=now_utc())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise PasskeyError(_("This passkey request has expired or was already used. Please try again."))
    return challenge


def _parse(credential: str | dict) -> dict:
    if isinstance(credential, str):
        try:
            credential = json.loads(credential)
        except ValueError as exc:
            raise PasskeyError(_("The passkey's answer could not be read.")) from exc
    if not isinstance(credential, dict):
        raise PasskeyError(_("The passkey's answer could not be read."))
    return credential


def active_passkeys(user: User) -> list[Passkey]:
    return list(
        db.session.scalars(
            select(Passkey)
            .where(Passkey.user_id == user.id, Passkey.revoked_at.is_(None))
            .order_by(Passkey.created_at)
        )
    )


def has_passkey(user: User) -> bool:
    return bool(active_passkeys(user))


def _user_handle(user: User) -> bytes:
    if not user.webauthn_user_handle:
        user.webauthn_user_handle = bytes_to_base64url(secrets.token_bytes(32))
    return base64url_to_bytes(user.webauthn_user_handle)


def _transports(values) -> list[AuthenticatorTransport]:
    known = {t.value for t in AuthenticatorTransport}
    return [AuthenticatorTransport(v) for v in values if v in known]


def registration_options(user: User, rp: RelyingParty) -> str:
    """Options (JSON) for ``navigator.credentials.create``: a discoverable credential with user
    verification, excluding the user's existing passkeys."""
    options = generate_registration_options(
        rp_id=rp.id,
        rp_name=rp.name,
        user_id=_user_handle(user),
        user_name=user.email,
        user_display_name=user.name,
        challenge=_new_challenge(REGISTER, user),
        timeout=CEREMONY_TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(
                id=base64url_to_bytes(p.credential_id),
                transports=_transports(p.transports.split()),
            )
            for p in active_passkeys(user)
        ],
    )
    return options_to_json(options)


def clean_name(name: str | None, *, fallback: str) -> str:
    name = " ".join((name or "").split())
    if len(name) > MAX_NAME_LENGTH:
        raise PasskeyError(_("Keep the name under %(count)s characters.", count=MAX_NAME_LENGTH))
    return name or fallback


def register_passkey(user: User, credential: str | dict, *, name: str | None, rp: RelyingParty) -> Passkey:
    """Verify a new passkey against the challenge issued to this user and store it."""
    credential = _parse(credential)
    name = clean_name(name, fallback=f"Passkey {len(active_passkeys(user)) + 1}")
    challenge = _consume_challenge(credential, REGISTER, user)
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=list(rp.origins),
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise PasskeyError(_("The passkey could not be verified.")) from exc
    credential_id = bytes_to_base64url(verified.credential_id)
    if db.session.scalar(select(Passkey.id).where(Passkey.credential_id == credential_id)):
        raise PasskeyError(_("This passkey is already registered."))
    transports = credential.get("response", {}).get("transports") or []
    passkey = Passkey(
        user_id=user.id,
        credential_id=credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=" ".join(t for t in transports if isinstance(t, str))[:200],
        name=name,
        aaguid=str(verified.aaguid)[:36],
        backed_up=verified.credential_backed_up,
        created_at=now_utc(),
    )
    db.session.add(passkey)
    db.session.flush()
    record_event(
        "passkey.register",
        actor=user,
        object_type="user",
        object_id=user.id,
        after={"passkey_id": passkey.id, "name": passkey.name, "backed_up": passkey.backed_up},
    )
    return passkey


def authentication_options(rp: RelyingParty) -> str:
    """Options (JSON) for ``navigator.credentials.get`` with no allow-list: the authenticator offers
    its discoverable passkeys for this site, so nobody types an e-mail address."""
    options = generate_authentication_options(
        rp_id=rp.id,
        challenge=_new_challenge(AUTHENTICATE),
        timeout=CEREMONY_TIMEOUT_MS,
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    return options_to_json(options)


def authenticate_passkey(credential: str | dict, *, rp: RelyingParty) -> tuple[User, Passkey]:
    """The active user whose passkey signed our challenge; raises PasskeyError otherwise.

    Sign counters follow the WebAuthn spec: a synced passkey always reports 0 and is accepted; an
    authenticator that counts must count up, or the credential may have been cloned and is refused.
    """
    credential = _parse(credential)
    challenge = _consume_challenge(credential, AUTHENTICATE)
    passkey = db.session.scalar(select(Passkey).where(Passkey.credential_id == str(credential.get("id", ""))))
    if passkey is None or passkey.revoked_at is not None or not passkey.user.active:
        raise PasskeyError(_("This passkey is not registered to an active account."))
    user = passkey.user
    handle = (credential.get("response") or {}).get("userHandle")
    if handle and handle != user.webauthn_user_handle:
        raise PasskeyError(_("This passkey is not registered to an active account."))
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=list(rp.origins),
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=True,
        )
    except InvalidAuthenticationResponse as exc:
        if "sign count" in str(exc):
            record_event(
                "passkey.counter_regressed",
                actor=None,
                object_type="user",
                object_id=user.id,
                after={"passkey_id": passkey.id},
            )
        raise PasskeyError(_("The passkey could not be verified.")) from exc
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise PasskeyError(_("The passkey could not be verified.")) from exc
    passkey.sign_count = verified.new_sign_count
    passkey.backed_up = verified.credential_backed_up
    passkey.last_used_at = now_utc()
    return user, passkey


def rename_passkey(passkey: Passkey, name: str, *, actor: User) -> None:
    before = passkey.name
    passkey.name = clean_name(name, fallback=before)
    record_event(
        "passkey.rename",
        actor=actor,
        object_type="user",
        object_id=passkey.user_id,
        before={"passkey_id": passkey.id, "name": before},
        after={"passkey_id": passkey.id, "name": passkey.name},
    )


def revoke_passkey(passkey: Passkey, *, actor: User) -> None:
    """A revoked passkey never signs anyone in again; the row stays for the record."""
    if passkey.revoked_at is not None:
        return
    passkey.revoked_at = now_utc()
    record_event(
        "passkey.revoke",
        actor=actor,
        object_type="user",
        object_id=passkey.user_id,
        after={"passkey_id": passkey.id, "name": passkey.name},
    )
