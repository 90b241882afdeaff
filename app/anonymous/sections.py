"""On a report's staff page: that it came anonymously through a public link, and whether its
stop-the-line alert was held back. Also ``anonymous_marks`` for list templates (the triage queue's
badge), so the pages that list reports need no import of this package."""

from flask import render_template

from app.anonymous import bp
from app.anonymous.queries import anonymous_marks
from app.reports.signals import report_page_sections


def _on_report_page(report, viewer):
    mark = anonymous_marks([report.id]).get(report.id)
    if mark is None:
        return None
    return render_template("anonymous/_report_section.html", mark=mark)


report_page_sections.connect(_on_report_page)


@bp.app_template_global("anonymous_marks")
def _anonymous_marks(reports) -> dict:
    """``{report id: mark}`` for the anonymous reports among ``reports`` (report objects or ids)."""
    return anonymous_marks(getattr(r, "id", r) for r in reports)
