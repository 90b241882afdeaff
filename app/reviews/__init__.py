from flask import Blueprint

bp = Blueprint("reviews", __name__)

from app.reviews import routes  # noqa: E402, F401
from app.reviews.operations import on_report_triaged  # noqa: E402
from app.triage.signals import report_triaged  # noqa: E402

report_triaged.connect(on_report_triaged)
