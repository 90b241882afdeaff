from flask import Blueprint

bp = Blueprint("actions", __name__)

from app.actions import process_routes, routes  # noqa: E402, F401
from app.actions.operations import on_report_triaged  # noqa: E402
from app.triage.signals import report_triaged  # noqa: E402

report_triaged.connect(on_report_triaged)
