"""A reporting link's address and its QR code (SVG, made here with segno: nothing is fetched)."""

import segno
from flask import current_app


def link_url(token: str) -> str:
    """The public address of a link, from ``BASE_URL`` (what is printed must work off this server)."""
    return current_app.config["BASE_URL"].rstrip("/") + "/r/" + token


def qr_data_uri(token: str, *, scale: int = 4) -> str:
    """The link's QR code as an SVG ``data:`` URL (pages and PDFs embed it; the PDF renderer fetches
    nothing from outside)."""
    return segno.make(link_url(token), error="m").svg_data_uri(scale=scale, border=2)
