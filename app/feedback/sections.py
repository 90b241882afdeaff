"""On a report's page: the reviews and actions that cover it and the change it led to.

A reporter's own view shows only the updates published about their report and what changed: not who
wrote them, nor the reviews and actions behind them.
"""

from flask import render_template

from app.actions.queries import can_view_action
from app.feedback.operations import is_for
from app.feedback.queries import posts_about
from app.reports.signals import report_page_sections, reporter_page_sections


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


def _on_reporter_page(report, viewer):
    """Every update about the report, linked directly or through an action: its reporter is told of
    each when it is published."""
    posts = posts_about(report)
    if not posts:
        return None
    return render_template("feedback/_reporter_section.html", posts=posts)


reporter_page_sections.connect(_on_reporter_page)
