"""'My work' (``/work``): what waits for the signed-in person, most urgent first, each with its clock."""

from flask import Blueprint

bp = Blueprint("work", __name__)

from app.work import routes  # noqa: E402, F401
