from flask import Blueprint

bp = Blueprint("guides", __name__)

from app.guides import competency_routes, routes  # noqa: E402, F401
