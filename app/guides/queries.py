"""Reading cue guides: the published one per role and language (or the built-in default), the saved
versions, and which language's printed guide is behind another's."""

from dataclasses import dataclass

from sqlalchemy import select

from app.anonymous.links import link_url, qr_data_uri
from app.anonymous.queries import open_link_for_program, open_links
from app.core.jurisdiction import jurisdiction
from app.extensions import db
from app.guides.defaults import DEFAULT_GUIDES_BY_LANGUAGE, GUIDE_LANGUAGES
from app.guides.models import CueGuideVersion, GuidePdf

SOURCE_LANGUAGE = "en"


def published_version(role: str, language: str = "en") -> CueGuideVersion | None:
    """The version of a role's guide in ``language`` that is printed now; None while the default is."""
    return db.session.scalar(
        select(CueGuideVersion).where(
            CueGuideVersion.role == role, CueGuideVersion.language == language, CueGuideVersion.published
        )
    )


def default_guide(role: str, language: str = "en") -> dict:
    """The built-in guide of a role in ``language``, with the jurisdiction's emergency number."""
    content = DEFAULT_GUIDES_BY_LANGUAGE[language][role]
    number = jurisdiction().emergency_number
    return {
        **content,
        "contacts": [[who, number if how == "911" else how] for who, how in content["contacts"]],
    }


def published_content(role: str, language: str = "en") -> tuple[dict, int | None]:
    """The content to show and print: the published version in ``language``, or the built-in default."""
    version = published_version(role, language)
    if version is None:
        return default_guide(role, language), None
    return version.content, version.version


def versions_of(role: str, language: str = "en") -> list[CueGuideVersion]:
    """Every saved version of a role's guide in ``language``, newest first."""
    return list(
        db.session.scalars(
            select(CueGuideVersion)
            .where(CueGuideVersion.role == role, CueGuideVersion.language == language)
            .order_by(CueGuideVersion.version.desc())
        )
    )


def saved_version(role: str, number: int, language: str = "en") -> CueGuideVersion | None:
    """Version ``number`` of a role's guide in ``language``, published or not; None when there is none."""
    return db.session.scalar(
        select(CueGuideVersion).where(
            CueGuideVersion.role == role,
            CueGuideVersion.language == language,
            CueGuideVersion.version == number,
        )
    )


@dataclass(frozen=True)
class Behind:
    """A translation's printed guide is older than the source language's: "Spanish version is behind:
    English v4, Spanish v3" (a version None is the built-in default)."""

    language: str
    ahead_language: str
    ahead_version: int | None
    behind_version: int | None


def languages_behind(role: str) -> list[Behind]:
    """The translations of ``role``'s guide whose printed version was saved before the printed English
    one (English is the source language, as in the app's catalogues), or that still print the built-in
    default while English prints a saved version. Empty while English prints its default."""
    published = {
        row.language: row
        for row in db.session.scalars(
            select(CueGuideVersion).where(CueGuideVersion.role == role, CueGuideVersion.published)
        )
    }
    return behind_among(published)


def behind_among(published: dict[str, CueGuideVersion | None]) -> list[Behind]:
    """:func:`languages_behind` for one role's printed versions given per language (missing or None:
    the built-in default), those printed now or those printed at some past moment."""
    source = published.get(SOURCE_LANGUAGE)
    if source is None:
        return []
    behind = []
    for language in GUIDE_LANGUAGES:
        row = published.get(language)
        if language != SOURCE_LANGUAGE and (row is None or row.created_at < source.created_at):
            behind.append(Behind(language, SOURCE_LANGUAGE, source.version, row.version if row else None))
    return behind


def stored_pdf(role: str, size: str, language: str) -> GuidePdf | None:
    """The stored PDF of a role's guide on one paper size in one language (at most one row)."""
    return db.session.scalar(
        select(GuidePdf).where(GuidePdf.role == role, GuidePdf.size == size, GuidePdf.language == language)
    )


def _printable(link) -> dict:
    return {
        "link_id": link.id,
        "program_id": link.program_id,
        "program": link.program.name,
        "url": link_url(link.token),
        "qr": qr_data_uri(link.token),
    }


def public_reporting_links() -> list[dict]:
    """Every open public reporting link (program, address, QR code), for the guide's web page."""
    return [_printable(link) for link in open_links()]


def public_reporting_link(program_id: int | None) -> dict | None:
    """The open public reporting link of a program, for its printed guide; None when it has none."""
    link = open_link_for_program(program_id) if program_id else None
    return _printable(link) if link is not None else None
