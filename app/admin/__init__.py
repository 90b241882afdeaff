from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from app.admin import incident_categories, routes, taxonomy, users  # noqa: E402, F401
