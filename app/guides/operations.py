"""Cue guides: structured content, versions, and the one-page rule checked by rendering at save."""

import segno
from flask import current_app, render_template
from sqlalchemy import select, update

from app.core.audit.access import record_access
from app.core.audit.operations import record_event
from app.core.pdf import RenderedPdf, render_pdf
from app.core.validation import InvalidInput, Problems
from app.extensions import db
from app.guides.models import CueGuideVersion
from app.guides.queries import published_content

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
    url = current_app.config["BASE_URL"].rstrip("/") + "/report"
    return segno.make(url, error="m").svg_data_uri(scale=4, border=1)


def guide_document(content: dict, role: str, size: str, version: int | None) -> str:
    """The printable HTML for one guide: a plain dict in, escaped HTML out."""
    return render_template(
        "pdf/guide.html",
        guide=dict(content),
        role=role,
        page_size=PAGE_SIZES[size],
        qr=report_qr_data_uri(),
        version=version,
        report_url=current_app.config["BASE_URL"].rstrip("/") + "/report",
        org_name=current_app.config["ORG_NAME"],
    )


def pages_per_size(content: dict, role: str) -> dict[str, int]:
    return {size: render_pdf(guide_document(content, role, size, None)).pages for size in PAGE_SIZES}


def check_one_page(content: dict, role: str) -> dict[str, list[str]]:
    """Render in A4 and in US Letter: refuse (with the reason) a guide that would not fit one page."""
    over = {PAGE_SIZES[size]: pages for size, pages in pages_per_size(content, role).items() if pages > 1}
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
    """Save a new version (old ones are kept); publish it if asked. Refuses what would not fit a page."""
    errors = check_fields(content) or check_one_page(content, role)
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
    version = CueGuideVersion(role=role, version=latest + 1, content=content, created_by_id=actor.id)
    if publish:
        db.session.execute(
            update(CueGuideVersion).where(CueGuideVersion.role == role).values(published=False)
        )
        version.published = True
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
    db.session.execute(
        update(CueGuideVersion).where(CueGuideVersion.role == version.role).values(published=False)
    )
    version.published = True
    record_event(
        "guide.publish", actor=actor, object_type="guide", object_id=f"{version.role}:{version.version}"
    )


def print_guide(role: str, size: str, *, actor) -> RenderedPdf:
    """The published guide (or the default) as a PDF, with the download in the access log.
    PdfRenderError when it cannot be drawn."""
    content, version = published_content(role)
    rendered = render_pdf(guide_document(content, role, size, version))
    record_access(
        "guide.download",
        actor=actor,
        object_type="guide",
        object_id=role,
        detail={"version": version, "size": size, "pages": rendered.pages},
    )
    return rendered
