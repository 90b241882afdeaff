from flask import Blueprint

bp = Blueprint("packs", __name__)

from app.packs import routes  # noqa: E402, F401
