from flask import Blueprint

bp = Blueprint("notifications", __name__)

from app.auth.signals import sessions_ended  # noqa: E402
from app.notifications import routes, sections  # noqa: E402, F401
from app.notifications.operations import on_sessions_ended  # noqa: E402

sessions_ended.connect(on_sessions_ended)
