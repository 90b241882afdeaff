"""Reading cue guides: the published one per role (or the built-in default) and the saved versions."""

from sqlalchemy import select

from app.anonymous.links import link_url, qr_data_uri
from app.anonymous.queries import open_link_for_program, open_links
from app.extensions import db
from app.guides.defaults import DEFAULT_GUIDES
from app.guides.models import CueGuideVersion, GuidePdf


def published_version(role: str) -> CueGuideVersion | None:
    """The version of a role's guide that is printed now; None while the default is."""
    return db.session.scalar(
        select(CueGuideVersion).where(CueGuideVersion.role == role, CueGuideVersion.published)
    )


def published_content(role: str) -> tuple[dict, int | None]:
    """The content to show and print: the published version, or the built-in default."""
    version = published_version(role)
    if version is None:
        return DEFAULT_GUIDES[role], None
    return version.content, version.version


def versions_of(role: str) -> list[CueGuideVersion]:
    """Every saved version of a role's guide, newest first."""
    return list(
        db.session.scalars(
            select(CueGuideVersion)
            .where(CueGuideVersion.role == role)
            .order_by(CueGuideVersion.version.desc())
        )
    )


def saved_version(role: str, number: int) -> CueGuideVersion | None:
    """Version ``number`` of a role's guide, published or not; None when there is no such version."""
    return db.session.scalar(
        select(CueGuideVersion).where(CueGuideVersion.role == role, CueGuideVersion.version == number)
    )


def stored_pdf(fingerprint: str) -> GuidePdf | None:
    """The stored guide PDF drawn from exactly this document (see ``operations.document_fingerprint``)."""
    return db.session.scalar(select(GuidePdf).where(GuidePdf.fingerprint == fingerprint))


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
