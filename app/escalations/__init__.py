from flask import Blueprint

from app.escalations.operations import on_report_submitted
from app.reports.signals import report_submitted

bp = Blueprint("escalations", __name__)
report_submitted.connect(on_report_submitted)

from app.escalations import routes, sections  # noqa: E402, F401
