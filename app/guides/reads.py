"""Staff's confirmations that they read their role's cue guide (issue 20 point 3).

A confirmation names the guide it was made on: role, language and version number, 0 standing for
the built-in default guide (which has no saved version). It is made on the phone, offline too: the
outbox sends it to ``POST /api/v1/guide-reads`` with a ``client_uuid``, so a replay is answered from
the stored row, as a report's is. A confirmation of a version that is no longer the current one is
still kept against that version; it just no longer counts as reading the *current* guide.

The current version of a role's guide, in one language, is its published version (or 0 while the
default is printed). A person has read the current guide of a role when they confirmed the current
version in a language that is not behind the English one (``queries.languages_behind``): a Spanish
reader confirms the Spanish guide, and a new English version asks everyone again until its
translation is published (meanwhile a Spanish reader is asked to read the English one). Only a
version that has been printed can be confirmed: a draft cannot.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.core.audit.operations import record_event
from app.core.concurrency import is_unique_violation
from app.core.validation import InvalidInput, Problems
from app.extensions import db
from app.guides.defaults import GUIDE_LANGUAGES, GUIDE_ROLES, ROLE_TO_GUIDE
from app.guides.models import CueGuideVersion, GuideRead
from app.guides.queries import SOURCE_LANGUAGE, behind_among, languages_behind

# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = timedelta(minutes=10)
# A confirmation waits in the outbox for days at most; an older time is a wrong clock.
OLDEST_READ = timedelta(days=365)


class GuideReadInvalid(InvalidInput):
    """A confirmation was refused; ``errors`` says why, per field."""


class GuideReadConflict(Exception):
    """The ``client_uuid`` was already used, for another confirmation or by another person."""


def current_versions() -> dict[tuple[str, str], int]:
    """(guide role, language) -> the version staff confirm now: the published one, 0 for the default."""
    versions = {(role, language): 0 for role in GUIDE_ROLES for language in GUIDE_LANGUAGES}
    published = db.session.execute(
        select(CueGuideVersion.role, CueGuideVersion.language, CueGuideVersion.version).where(
            CueGuideVersion.published
        )
    )
    for role, language, number in published:
        versions[(role, language)] = number
    return versions


def printed_at(when: datetime) -> dict[tuple[str, str], CueGuideVersion | None]:
    """(guide role, language) -> the version that was printed at ``when``: the one published last
    before it (``published_at``), None while the built-in default was. A version published again later
    keeps only its latest publication, so before that it counts from then on."""
    printed: dict[tuple[str, str], CueGuideVersion | None] = {
        (role, language): None for role in GUIDE_ROLES for language in GUIDE_LANGUAGES
    }
    rows = db.session.scalars(
        select(CueGuideVersion)
        .where(CueGuideVersion.published_at.is_not(None), CueGuideVersion.published_at < when)
        .order_by(CueGuideVersion.published_at, CueGuideVersion.id)
    )
    for row in rows:
        printed[(row.role, row.language)] = row
    return printed


@dataclass(frozen=True)
class GuidesAsOf:
    """What "read the current guide" means at one moment: per (guide role, language) the version
    printed then (0: the default), per guide role the languages whose printed guide was behind then,
    and the moment itself (confirmations read before it count; None: now, every confirmation)."""

    versions: dict[tuple[str, str], int]
    behind: dict[str, set[str]]
    moment: datetime | None = None


def guides_now() -> GuidesAsOf:
    """The guides printed now."""
    return GuidesAsOf(
        versions=current_versions(),
        behind={role: {b.language for b in languages_behind(role)} for role in GUIDE_ROLES},
    )


def guides_at(when: datetime) -> GuidesAsOf:
    """The guides printed at ``when`` (a past period's end), with confirmations read before it."""
    printed = printed_at(when)
    behind = {
        role: {
            b.language
            for b in behind_among({language: printed[(role, language)] for language in GUIDE_LANGUAGES})
        }
        for role in GUIDE_ROLES
    }
    versions = {key: row.version if row is not None else 0 for key, row in printed.items()}
    return GuidesAsOf(versions=versions, behind=behind, moment=when)


def guide_role_of(user) -> str | None:
    """The guide of a person's role (a supervisor who also works as a DSP reads the supervisor's);
    None for roles that have no guide of their own (trainer, manager...)."""
    guides = [ROLE_TO_GUIDE[str(role)] for role in sorted(user.roles) if str(role) in ROLE_TO_GUIDE]
    others = [guide for guide in guides if guide != "dsp"]
    return (others or guides or [None])[0]


def guides_of(user) -> set[str]:
    """Every guide ``user`` may confirm: the guide of each of their roles (a supervisor who also works
    as a DSP may confirm either)."""
    return {ROLE_TO_GUIDE[str(role)] for role in user.roles if str(role) in ROLE_TO_GUIDE}


def readers_of_current(
    user_ids, guide_role: str, versions: dict[tuple[str, str], int], *, as_of: GuidesAsOf | None = None
) -> set[int]:
    """Of ``user_ids``, those who confirmed the current version of ``guide_role``'s guide: the one
    printed now in ``versions``, or with ``as_of`` the one printed at its moment, read before it."""
    ids = list(user_ids)
    if not ids:
        return set()
    if as_of is not None:
        versions, behind = as_of.versions, as_of.behind.get(guide_role, set())
    else:
        behind = {b.language for b in languages_behind(guide_role)}
    statement = select(GuideRead.user_id, GuideRead.language, GuideRead.version).where(
        GuideRead.user_id.in_(ids), GuideRead.role == guide_role
    )
    if as_of is not None and as_of.moment is not None:
        statement = statement.where(GuideRead.read_at < as_of.moment)
    rows = db.session.execute(statement.distinct())
    return {
        user_id
        for user_id, language, number in rows
        if language not in behind and versions.get((guide_role, language)) == number
    }


def guide_to_confirm(user, language: str) -> dict | None:
    """The guide ``user`` is asked to confirm: their role's, in ``language``, at its current version;
    None when they have confirmed the current version (or their role has no guide)."""
    role = guide_role_of(user)
    if role is None:
        return None
    versions = current_versions()
    if user.id in readers_of_current([user.id], role, versions):
        return None
    if language in {b.language for b in languages_behind(role)}:
        language = SOURCE_LANGUAGE  # the translation is behind: the newest guide is the English one
    return {"role": role, "language": language, "version": versions[(role, language)]}


def confirmation_of(user, role: str, language: str, version: int) -> GuideRead | None:
    """``user``'s latest confirmation of that version of that guide, if any."""
    return db.session.scalar(
        select(GuideRead)
        .where(
            GuideRead.user_id == user.id,
            GuideRead.role == role,
            GuideRead.language == language,
            GuideRead.version == version,
        )
        .order_by(GuideRead.recorded_at.desc())
        .limit(1)
    )


def _version_printed(role: str, language: str, number: int) -> bool:
    """Whether that version is or was the printed one: the default (0), the published version or an
    earlier saved one; a draft saved after the published version cannot be confirmed."""
    if number == 0:
        return True
    published = db.session.scalar(
        select(CueGuideVersion.version).where(
            CueGuideVersion.role == role, CueGuideVersion.language == language, CueGuideVersion.published
        )
    )
    exists = db.session.scalar(
        select(CueGuideVersion.id).where(
            CueGuideVersion.role == role,
            CueGuideVersion.language == language,
            CueGuideVersion.version == number,
        )
    )
    return exists is not None and published is not None and number <= published


def _read_time(raw, now: datetime, errors: Problems) -> datetime:
    if raw is None:
        return now
    try:
        when = datetime.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        when = None
    errors.need(
        "read_at", when is not None and when.tzinfo is not None, _("Give a date and time with a UTC offset.")
    )
    if when is None or when.tzinfo is None:
        return now
    errors.need(
        "read_at", when <= now + CLOCK_SKEW, _("This time is in the future; check the date and time.")
    )
    errors.need(
        "read_at", when >= now - OLDEST_READ, _("This time is over a year ago; check the date and time.")
    )
    return when


def parse_guide_read(raw, now: datetime) -> dict:
    """The fields of a confirmation from its JSON body; raises :class:`GuideReadInvalid`."""
    raw = raw if isinstance(raw, dict) else {}
    errors = Problems()
    try:
        client_uuid = str(uuid.UUID(str(raw.get("client_uuid"))))
    except ValueError:
        client_uuid = None
    errors.need("client_uuid", client_uuid is not None, _("Give a UUID for this confirmation."))
    role, language, number = raw.get("role"), raw.get("language"), raw.get("version")
    errors.need("role", role in GUIDE_ROLES, _("No guide for this role."))
    errors.need("language", language in GUIDE_LANGUAGES, _("No guide in this language."))
    whole = isinstance(number, int) and not isinstance(number, bool) and 0 <= number < 2**31
    errors.need("version", whole, _("Give the version number (0 for the default guide)."))
    if not errors:
        errors.need("version", _version_printed(role, language, number), _("This guide has no such version."))
    read_at = _read_time(raw.get("read_at"), now, errors)
    if errors:
        raise GuideReadInvalid(dict(errors))
    return {
        "client_uuid": client_uuid,
        "role": role,
        "language": language,
        "version": number,
        "read_at": read_at,
    }


def record_guide_read(user, raw, *, now: datetime) -> tuple[GuideRead, bool]:
    """Record ``user``'s confirmation from its JSON body; returns (the row, whether it is new).

    A replay (same ``client_uuid``, same person, same guide) returns the stored row; the same UUID for
    another guide or another person raises :class:`GuideReadConflict`. A guide of a role the person
    does not hold is refused. Audited."""
    fields = parse_guide_read(raw, now)
    stored = _stored_copy(user, fields)
    if stored is not None:
        return stored, False
    if fields["role"] not in guides_of(user):
        raise GuideReadInvalid({"role": [_("This is not the guide of a role you hold.")]})
    read = GuideRead(user_id=user.id, recorded_at=now, **fields)
    try:
        with db.session.begin_nested():  # two copies sent at once: the second finds the first
            db.session.add(read)
    except IntegrityError as error:
        if not is_unique_violation(error):
            raise
        return _stored_copy(user, fields), False
    record_event(
        "guide.read",
        actor=user,
        object_type="guide",
        object_id=f"{read.role}:{read.language}:{read.version}",
        after={"guide_read_id": read.id},
    )
    return read, True


def _stored_copy(user, fields: dict) -> GuideRead | None:
    """The confirmation already stored under this ``client_uuid``, if any; raises
    :class:`GuideReadConflict` when it is another person's or another guide's."""
    stored = db.session.scalar(select(GuideRead).where(GuideRead.client_uuid == fields["client_uuid"]))
    if stored is None:
        return None
    same = (stored.user_id, stored.role, stored.language, stored.version) == (
        user.id,
        fields["role"],
        fields["language"],
        fields["version"],
    )
    if not same:
        raise GuideReadConflict()
    return stored


def guide_read_as_json(read: GuideRead) -> dict:
    """The API's answer for a stored confirmation (the same body for a replay)."""
    return {
        "id": read.id,
        "client_uuid": read.client_uuid,
        "role": read.role,
        "language": read.language,
        "version": read.version,
        "read_at": read.read_at.isoformat(),
    }


def reading_of(user, role: str, language: str, version: int | None) -> dict | None:
    """What the guide page offers ``user`` on ``role``'s guide as printed now: None when it is not
    their role's guide; else the version to confirm (0: the default) and their confirmation of it."""
    if guide_role_of(user) != role:
        return None
    number = version or 0
    return {"version": number, "confirmed": confirmation_of(user, role, language, number)}


def confirm_on_page(user, role: str, language: str, version, *, now: datetime) -> GuideRead:
    """The guide page's own form (a browser without the page scripts): a confirmation with a new
    ``client_uuid``, read now."""
    body = {"client_uuid": str(uuid.uuid4()), "role": role, "language": language, "version": version}
    return record_guide_read(user, body, now=now)[0]
