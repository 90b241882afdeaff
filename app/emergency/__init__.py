"""Emergency (break-glass) access: temporary organisation-wide read access, for a stated reason."""

from flask import Blueprint

bp = Blueprint("emergency", __name__, url_prefix="/emergency")

from app.emergency import hooks, routes  # noqa: E402, F401
