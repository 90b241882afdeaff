"""The web app manifest: what the phone shows when the app is installed to the home screen."""

from flask import url_for
from flask_babel import gettext as _

from app.core.i18n import current_language


def web_manifest(org_name: str) -> dict:
    """The manifest's fields (icons as this app serves them) in the request's language (pages link
    ``/manifest.webmanifest?lang=`` with their own); call it inside a request."""
    return {
        "id": "/",
        "lang": current_language(),
        "name": _("Near misses · %(org)s", org=org_name),
        "short_name": _("Near misses"),
        "description": _("Report a near miss in under a minute, even with no signal."),
        "start_url": "/report?source=pwa",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#f6f8fa",
        "theme_color": "#174a7c",
        "icons": [
            {
                "src": url_for("static", filename="icons/icon-192.png"),
                "sizes": "192x192",
                "type": "image/png",
                "purpose": "any",
            },
            {
                "src": url_for("static", filename="icons/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "any",
            },
            {
                "src": url_for("static", filename="icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
