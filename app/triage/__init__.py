from flask import Blueprint

bp = Blueprint("triage", __name__)

from app.triage import routes, sections  # noqa: E402, F401
