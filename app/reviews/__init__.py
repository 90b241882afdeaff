from flask import Blueprint

bp = Blueprint("reviews", __name__)

from app.incidents.signals import report_became_incident  # noqa: E402
from app.reports.signals import report_submitted  # noqa: E402
from app.reviews import routes  # noqa: E402, F401
from app.reviews.operations import (  # noqa: E402
    on_report_became_incident,
    on_report_submitted_interface,
    on_report_triaged,
    on_report_triaged_interface,
    on_report_triaged_owed,
)
from app.triage.signals import report_triaged  # noqa: E402

report_triaged.connect(on_report_triaged)
report_triaged.connect(on_report_triaged_interface)
report_triaged.connect(on_report_triaged_owed)
report_submitted.connect(on_report_submitted_interface)
report_became_incident.connect(on_report_became_incident)
