"""Reading the feed and measuring the time from report to feedback."""

from statistics import median

from sqlalchemy import select

from app.extensions import db
from app.feedback.models import FeedbackPost, feedback_reports
from app.feedback.operations import is_for
from app.reports.models import Report


def feed_for(user, *, limit: int = 30) -> list[FeedbackPost]:
    posts = db.session.scalars(select(FeedbackPost).order_by(FeedbackPost.published_at.desc()).limit(200))
    return [p for p in posts if is_for(p, user)][:limit]


def days_to_feedback() -> list[float]:
    """For every report linked to a post: days from the report's arrival to the first post about it."""
    rows = db.session.execute(
        select(Report.id, Report.received_at, FeedbackPost.published_at)
        .join(feedback_reports, feedback_reports.c.report_id == Report.id)
        .join(FeedbackPost, FeedbackPost.id == feedback_reports.c.post_id)
    )
    first = {}
    for report_id, received, published in rows:
        days = (published - received).total_seconds() / 86400
        first[report_id] = min(days, first.get(report_id, days))
    return sorted(first.values())


def median_days_to_feedback() -> float | None:
    values = days_to_feedback()
    return median(values) if values else None
