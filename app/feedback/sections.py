"""On a report's page: the reviews and actions that cover it and the change it led to."""

from flask import render_template

from app.actions.queries import can_view_action
from app.feedback.operations import is_for
from app.reports.signals import report_page_sections


def _on_report_page(report, viewer):
    reviews = list(getattr(report, "reviews", []))
    actions = [a for a in getattr(report, "actions", []) if can_view_action(viewer, a)]
    posts = [
        p
        for p in getattr(report, "feedback_posts", [])
        if is_for(p, viewer) or report.reporter_id == viewer.id
    ]
    if not (reviews or actions or posts):
        return None
    return render_template("feedback/_report_section.html", reviews=reviews, actions=actions, posts=posts)


report_page_sections.connect(_on_report_page)
