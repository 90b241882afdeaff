"""Cue guides: structured content, versions, the one-page rule checked by rendering at save, and the
published guides' PDFs, drawn once per paper size and then served as stored bytes."""

import hashlib
from functools import lru_cache
from importlib.metadata import version as package_version

import segno
from flask import current_app, render_template
from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.core.audit.access import record_access
from app.core.audit.operations import record_event
from app.core.models import now_utc
from app.core.pdf import PdfRenderError, RenderedPdf, render_pdf
from app.core.validation import InvalidInput, Problems
from app.extensions import db
from app.guides.models import CueGuideVersion, GuidePdf
from app.guides.queries import published_content, stored_pdf

PAGE_SIZES = {"a4": "A4", "letter": "Letter"}
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
    content: dict, role: str, size: str, version: int | None, public_link: dict | None = None
) -> str:
    """The printable HTML for one guide: a plain dict in, escaped HTML out. ``public_link`` (the
    program's name, its public reporting address and QR code) adds the "no account?" QR code."""
    return render_template(
        "pdf/guide.html",
        guide=dict(content),
        role=role,
        page_size=PAGE_SIZES[size],
        qr=report_qr_data_uri(),
        version=version,
        report_url=current_app.config["BASE_URL"].rstrip("/") + "/report",
        org_name=current_app.config["ORG_NAME"],
        public_link=public_link,
    )


def draw_guide(content: dict, role: str, version: int | None) -> dict[str, tuple[str, RenderedPdf]]:
    """The guide drawn on each paper size: ``{size: (its printable HTML, its PDF)}``."""
    drawn = {}
    for size in PAGE_SIZES:
        html = guide_document(content, role, size, version)
        drawn[size] = (html, render_pdf(html))
    return drawn


def check_one_page(content: dict, role: str, version: int | None = None) -> dict[str, list[str]]:
    """Render in A4 and in US Letter: refuse (with the reason) a guide that would not fit one page."""
    return page_problems(draw_guide(content, role, version))


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


def save_guide(role: str, content: dict, *, actor, publish: bool) -> CueGuideVersion:
    """Save a new version (old ones are kept); publish it if asked. Refuses what would not fit a page.
    The page check draws the version as it will print, so a published one keeps those PDFs."""
    errors = check_fields(content)
    if errors:
        raise GuideInvalid(errors)
    latest = (
        db.session.scalar(
            select(CueGuideVersion.version)
            .where(CueGuideVersion.role == role)
            .order_by(CueGuideVersion.version.desc())
            .limit(1)
        )
        or 0
    )
    drawn = draw_guide(content, role, latest + 1)
    errors = page_problems(drawn)
    if errors:
        raise GuideInvalid(errors)
    version = CueGuideVersion(role=role, version=latest + 1, content=content, created_by_id=actor.id)
    if publish:
        db.session.execute(
            update(CueGuideVersion).where(CueGuideVersion.role == role).values(published=False)
        )
        version.published = True
        forget_printed(role)
        for size, (html, pdf) in drawn.items():
            keep_printed(role, size, version.version, html, pdf)
    db.session.add(version)
    db.session.flush()
    record_event(
        "guide.save",
        actor=actor,
        object_type="guide",
        object_id=f"{role}:{version.version}",
        after={"published": version.published},
    )
    return version


def publish_version(version: CueGuideVersion, *, actor) -> None:
    """Make ``version`` the printed guide of its role. The role's stored PDFs go, and the new ones are
    drawn now; one that cannot be drawn now is drawn at its first download."""
    db.session.execute(
        update(CueGuideVersion).where(CueGuideVersion.role == version.role).values(published=False)
    )
    version.published = True
    forget_printed(version.role)
    for size in PAGE_SIZES:
        html = guide_document(version.content, version.role, size, version.version)
        try:
            keep_printed(version.role, size, version.version, html, render_pdf(html))
        except PdfRenderError:
            continue
    record_event(
        "guide.publish", actor=actor, object_type="guide", object_id=f"{version.role}:{version.version}"
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


def keep_printed(role: str, size: str, version: int | None, html: str, pdf: RenderedPdf) -> None:
    """Store a drawn guide as the one for its role and paper size (replacing any other). Two servers
    drawing the same guide at once store it once: the second insert does nothing."""
    fingerprint = document_fingerprint(html)
    db.session.execute(
        delete(GuidePdf).where(
            GuidePdf.role == role, GuidePdf.size == size, GuidePdf.fingerprint != fingerprint
        )
    )
    db.session.execute(
        _INSERT_PDF[db.session.get_bind().dialect.name],
        {
            "fingerprint": fingerprint,
            "role": role,
            "size": size,
            "version": version,
            "pages": pdf.pages,
            "data": pdf.data,
            "created_at": now_utc(),
        },
    )


def forget_printed(role: str) -> None:
    """Delete a role's stored guide PDFs (on publishing another version)."""
    db.session.execute(delete(GuidePdf).where(GuidePdf.role == role))


def print_guide(role: str, size: str, *, actor, public_link: dict | None = None) -> RenderedPdf:
    """The published guide (or the default) as a PDF, with the download in the access log: the stored
    bytes when they match what would be drawn now, else drawn and stored. PdfRenderError when it
    cannot be drawn.

    With ``public_link`` (a program's public reporting link) the guide carries that program's QR code:
    drawn each time and never stored, so a rotated or closed link is never printed from storage (the
    stored guide of the role, without a link, stays as it is)."""
    content, version = published_content(role)
    html = guide_document(content, role, size, version, public_link)
    stored = None if public_link else stored_pdf(document_fingerprint(html))
    if public_link:
        rendered = render_pdf(html)
    elif stored is not None:
        rendered = RenderedPdf(stored.data, stored.pages, [])
    else:
        rendered = render_pdf(html)
        keep_printed(role, size, version, html, rendered)
    record_access(
        "guide.download",
        actor=actor,
        object_type="guide",
        object_id=role,
        detail={
            "version": version,
            "size": size,
            "pages": rendered.pages,
            "public_link": public_link["link_id"] if public_link else None,
        },
    )
    return rendered
