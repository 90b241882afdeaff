"""The escalations section of a report's page: clocks, stop-the-line, safeguarding, external duties.

Never shown to a reporter as such: it connects to ``report_page_sections`` only, not to
``reporter_page_sections``.
"""

from flask import render_template

from app.core.models import now_utc
from app.core.permissions import can_triage, sees_safeguarding_in
from app.core.roles import Role
from app.escalations.queries import report_clocks
from app.escalations.vocabulary import SAFEGUARDING_DECISIONS, SAFEGUARDING_TRIGGERS
from app.reports.signals import report_page_sections


def escalations_section(report, viewer):
    if viewer.roles == {Role.DSP} or viewer.roles == {Role.TRAINER}:
        return None  # a reporter follows the status; clocks and duties are for those who act
    now = now_utc()
    return render_template(
        "escalations/_section.html",
        report=report,
        clocks=report_clocks(report, now),
        now=now,
        show_case=sees_safeguarding_in(viewer, report.region_id),
        can_record_duty=can_triage(viewer, report) or Role.SAFEGUARDING_LEAD in viewer.roles,
        triggers=SAFEGUARDING_TRIGGERS,
        decisions=SAFEGUARDING_DECISIONS,
    )


def _on_report_page(report, viewer):
    return escalations_section(report, viewer)


report_page_sections.connect(_on_report_page)
