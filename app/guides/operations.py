"""Cue guides: structured content, versions per role and language, the one-page rule checked by
rendering at save, and the published guides' PDFs, drawn once per paper size and language and then
served as stored bytes.

A guide uses its page: it is drawn in the largest type (from 12 pt down to 9 pt, spacing with it) in
which it still fits one page of its paper size, found by halving the steps (three drawings); a guide
that does not fit at 9 pt is refused, never shrunk below it."""

import hashlib
from functools import lru_cache
from importlib.metadata import version as package_version

import segno
from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.core.audit.access import record_access
from app.core.audit.operations import record_event
from app.core.jurisdiction import jurisdiction
from app.core.models import now_utc
from app.core.pdf import PdfRenderError, RenderedPdf, render_largest_fitting
from app.core.validation import InvalidInput, Problems
from app.extensions import db
from app.guides.models import CueGuideVersion, GuidePdf
from app.guides.queries import published_content, stored_pdf

PAGE_SIZES = {"a4": "A4", "letter": "Letter"}
# The body type sizes (pt) a guide may be drawn in, smallest first; 9 pt is the floor (see LIMITS).
TYPE_SIZES = (9.0, 9.5, 10.0, 10.5, 11.0, 11.5, 12.0)
# Chosen so that a guide at every limit still prints on one page of A4 and of US Letter at 9 pt.
LIMITS = {
    "title": 70,
    "definition": 360,
    "how_to_report": 240,
    "cues": 8,
    "cue": 60,
    "example": 100,
    "list_items": 4,
    "list_item": 110,
    "contacts": 4,
    "contact": 40,
}


class GuideInvalid(InvalidInput):
    """A guide was refused (too long, or a section out of bounds); ``errors`` says why."""


def check_fields(content: dict) -> dict[str, list[str]]:
    """Field limits, so a guide stays a one-page guide and is never shrunk to unreadable."""
    errors = Problems()
    need = errors.need

    for name in ("title", "definition", "how_to_report"):
        need(name, 3 <= len(content[name]) <= LIMITS[name], f"Write between 3 and {LIMITS[name]} characters.")
    need("cues", 1 <= len(content["cues"]) <= LIMITS["cues"], f"Give between 1 and {LIMITS['cues']} cues.")
    need(
        "cues",
        all(c and len(c) <= LIMITS["cue"] and len(e) <= LIMITS["example"] for c, e in content["cues"]),
        f"Keep each cue under {LIMITS['cue']} characters and each example under {LIMITS['example']}.",
    )
    for name in ("stop_the_line", "safeguarding"):
        need(
            name,
            1 <= len(content[name]) <= LIMITS["list_items"],
            f"Give between 1 and {LIMITS['list_items']} lines.",
        )
        need(
            name,
            all(len(item) <= LIMITS["list_item"] for item in content[name]),
            f"Keep each line under {LIMITS['list_item']} characters.",
        )
    need(
        "contacts", len(content["contacts"]) <= LIMITS["contacts"], f"At most {LIMITS['contacts']} contacts."
    )
    need(
        "contacts",
        all(
            w and len(w) <= LIMITS["contact"] and len(h) <= LIMITS["contact"] for w, h in content["contacts"]
        ),
        f"Write each contact as “who | how”, each part under {LIMITS['contact']} characters.",
    )
    return errors


def report_qr_data_uri() -> str:
    """A QR code to the report form, as a data: URL (the PDF renderer fetches nothing else)."""
    return _qr_data_uri(current_app.config["BASE_URL"].rstrip("/") + "/report")


@lru_cache(maxsize=8)
def _qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=1)


def guide_document(
    content: dict,
    role: str,
    size: str,
    version: int | None,
    public_link: dict | None = None,
    *,
    language: str = "en",
    type_pt: float = TYPE_SIZES[0],
) -> str:
    """The printable HTML for one guide: a plain dict in, escaped HTML out, its fixed words and
    ``<html lang>`` in ``language``. ``public_link`` (the program's name, its public reporting address
    and QR code) adds the "no account?" QR code."""
    with force_locale(language):
        return render_template(
            "pdf/guide.html",
            guide=dict(content),
            role=role,
            language=language,
            type_pt=type_pt,
            page_size=PAGE_SIZES[size],
            qr=report_qr_data_uri(),
            version=version,
            report_url=current_app.config["BASE_URL"].rstrip("/") + "/report",
            org_name=current_app.config["ORG_NAME"],
            public_link=public_link,
            emergency_number=jurisdiction().emergency_number,
        )


def draw_on_one_page(
    content: dict,
    role: str,
    size: str,
    version: int | None,
    public_link: dict | None = None,
    *,
    language: str,
) -> tuple[str, RenderedPdf]:
    """The guide on one paper size in the largest type that fits one page (the 9 pt drawing when none
    does, which the page check then refuses): one fenced render searches ``TYPE_SIZES``."""
    documents = [
        guide_document(content, role, size, version, public_link, language=language, type_pt=type_pt)
        for type_pt in TYPE_SIZES
    ]
    index, rendered = render_largest_fitting(documents, pages=1)
    return documents[index], rendered


def draw_guide(
    content: dict, role: str, version: int | None, language: str = "en"
) -> dict[str, tuple[str, RenderedPdf]]:
    """The guide drawn on each paper size: ``{size: (its printable HTML, its PDF)}``."""
    return {size: draw_on_one_page(content, role, size, version, language=language) for size in PAGE_SIZES}


def check_one_page(
    content: dict, role: str, version: int | None = None, language: str = "en"
) -> dict[str, list[str]]:
    """Render in A4 and in US Letter: refuse (with the reason) a guide that would not fit one page."""
    return page_problems(draw_guide(content, role, version, language))


def page_problems(drawn: dict[str, tuple[str, RenderedPdf]]) -> dict[str, list[str]]:
    """The refusal for a guide drawn on more than one page on either paper size (empty: it fits)."""
    over = {PAGE_SIZES[size]: pdf.pages for size, (_, pdf) in drawn.items() if pdf.pages > 1}
    if not over:
        return {}
    where = " and ".join(f"{pages} pages on {size}" for size, pages in over.items())
    return {
        "_page": [
            f"This guide would print as {where}. Shorten the cues, examples or lists so it fits "
            "one page - it is never shrunk to fit."
        ]
    }


def save_guide(role: str, content: dict, *, actor, publish: bool, language: str = "en") -> CueGuideVersion:
    """Save a new version of the role's guide in ``language`` (old ones are kept; versions are numbered
    per role and language); publish it if asked. Refuses what would not fit a page. The page check
    draws the version as it will print, so a published one keeps those PDFs."""
    errors = check_fields(content)
    if errors:
        raise GuideInvalid(errors)
    latest = (
        db.session.scalar(
            select(CueGuideVersion.version)
            .where(CueGuideVersion.role == role, CueGuideVersion.language == language)
            .order_by(CueGuideVersion.version.desc())
            .limit(1)
        )
        or 0
    )
    drawn = draw_guide(content, role, latest + 1, language)
    errors = page_problems(drawn)
    if errors:
        raise GuideInvalid(errors)
    version = CueGuideVersion(
        role=role, language=language, version=latest + 1, content=content, created_by_id=actor.id
    )
    if publish:
        _unpublish(role, language)
        version.published = True
        version.published_at = now_utc()
        forget_printed(role, language)
        for size, (html, pdf) in drawn.items():
            keep_printed(role, size, version.version, html, pdf, language=language)
    db.session.add(version)
    db.session.flush()
    record_event(
        "guide.save",
        actor=actor,
        object_type="guide",
        object_id=f"{role}:{language}:{version.version}",
        after={"published": version.published, "language": language},
    )
    return version


def _unpublish(role: str, language: str) -> None:
    db.session.execute(
        update(CueGuideVersion)
        .where(CueGuideVersion.role == role, CueGuideVersion.language == language)
        .values(published=False)
    )


def publish_version(version: CueGuideVersion, *, actor) -> None:
    """Make ``version`` the printed guide of its role in its language. The stored PDFs of that role
    and language go (the other language's stay), and the new ones are drawn now; one that cannot be
    drawn now is drawn at its first download."""
    _unpublish(version.role, version.language)
    version.published = True
    version.published_at = now_utc()
    forget_printed(version.role, version.language)
    for size in PAGE_SIZES:
        try:
            html, pdf = draw_on_one_page(
                version.content, version.role, size, version.version, language=version.language
            )
            keep_printed(version.role, size, version.version, html, pdf, language=version.language)
        except PdfRenderError:
            continue
    record_event(
        "guide.publish",
        actor=actor,
        object_type="guide",
        object_id=f"{version.role}:{version.language}:{version.version}",
    )


def document_fingerprint(html: str) -> str:
    """What a stored guide PDF must match to be served: its printable HTML (which holds everything the
    guide's content, version, paper size and the settings put on the page) and the renderer's version."""
    digest = hashlib.sha256(f"weasyprint {package_version('weasyprint')}\n".encode())
    digest.update(html.encode())
    return digest.hexdigest()


_INSERT_PDF = {
    dialect: insert_for(GuidePdf.__table__).on_conflict_do_nothing(index_elements=["fingerprint"])
    for dialect, insert_for in (("postgresql", postgresql_insert), ("sqlite", sqlite_insert))
}


def keep_printed(
    role: str, size: str, version: int | None, html: str, pdf: RenderedPdf, *, language: str = "en"
) -> None:
    """Store a drawn guide as the one for its role, paper size and language (replacing any other). Two
    servers drawing the same guide at once store it once: the second insert does nothing."""
    fingerprint = document_fingerprint(html)
    db.session.execute(
        delete(GuidePdf).where(
            GuidePdf.role == role,
            GuidePdf.size == size,
            GuidePdf.language == language,
            GuidePdf.fingerprint != fingerprint,
        )
    )
    db.session.execute(
        _INSERT_PDF[db.session.get_bind().dialect.name],
        {
            "fingerprint": fingerprint,
            "role": role,
            "size": size,
            "language": language,
            "version": version,
            "pages": pdf.pages,
            "data": pdf.data,
            "created_at": now_utc(),
        },
    )


def forget_printed(role: str, language: str) -> None:
    """Delete a role's stored guide PDFs in ``language`` (on publishing another version of it)."""
    db.session.execute(delete(GuidePdf).where(GuidePdf.role == role, GuidePdf.language == language))


def print_guide(
    role: str, size: str, *, actor, public_link: dict | None = None, language: str = "en"
) -> RenderedPdf:
    """The published guide (or the default) as a PDF, with the download in the access log: the stored
    bytes when they match what would be drawn now, else drawn and stored. PdfRenderError when it
    cannot be drawn.

    With ``public_link`` (a program's public reporting link) the guide carries that program's QR code:
    drawn each time and never stored, so a rotated or closed link is never printed from storage (the
    stored guide of the role, without a link, stays as it is)."""
    content, version = published_content(role, language)
    rendered = _stored_print(role, size, version, content, language) if not public_link else None
    if rendered is None:
        html, rendered = draw_on_one_page(content, role, size, version, public_link, language=language)
        if not public_link:
            keep_printed(role, size, version, html, rendered, language=language)
    record_access(
        "guide.download",
        actor=actor,
        object_type="guide",
        object_id=role,
        detail={
            "version": version,
            "size": size,
            "language": language,
            "pages": rendered.pages,
            "public_link": public_link["link_id"] if public_link else None,
        },
    )
    return rendered


def _stored_print(
    role: str, size: str, version: int | None, content: dict, language: str
) -> RenderedPdf | None:
    """The stored PDF of this guide when it matches a drawing of it now in one of the type sizes (the
    one the page fitting chose when it was drawn); None when there is none."""
    fingerprints = {
        document_fingerprint(guide_document(content, role, size, version, language=language, type_pt=type_pt))
        for type_pt in TYPE_SIZES
    }
    stored = stored_pdf(role, size, language)
    if stored is None or stored.fingerprint not in fingerprints:
        return None
    return RenderedPdf(stored.data, stored.pages, [])
