"""The installable app: manifest, service worker and the offline page."""

from flask import Blueprint

bp = Blueprint("pwa", __name__)

from app.pwa import routes  # noqa: E402, F401
