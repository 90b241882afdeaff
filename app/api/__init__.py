"""The JSON API under /api/v1 (SPEC §5)."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from app.api import routes  # noqa: E402, F401
