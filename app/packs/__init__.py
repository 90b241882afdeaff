from flask import Blueprint

bp = Blueprint("packs", __name__)

from app.packs import export_routes, routes  # noqa: E402, F401
