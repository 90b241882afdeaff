"""Reading the feed and measuring the time from report to feedback."""

from statistics import median

from sqlalchemy import select

from app.actions.models import action_reports
from app.extensions import db
from app.feedback.models import FeedbackPost, feedback_actions, feedback_reports
from app.feedback.operations import is_for
from app.reports.models import Report
from app.taxonomy.models import Region
from app.taxonomy.queries import regions_by_name


def feed_for(user, *, limit: int = 30) -> list[FeedbackPost]:
    posts = db.session.scalars(select(FeedbackPost).order_by(FeedbackPost.published_at.desc()).limit(200))
    return [p for p in posts if is_for(p, user)][:limit]


def reports_behind(post: FeedbackPost) -> list[Report]:
    """The reports that led to ``post``: linked directly or through its actions, each once."""
    reports = {}
    for report in post.reports + [r for action in post.actions for r in action.reports]:
        reports.setdefault(report.id, report)
    return list(reports.values())


def visible_post(user, post_id: int) -> FeedbackPost | None:
    """The update with this id if ``user`` may read it: its audience, and the reporter of any report
    behind it, who was told of it personally. None for an unknown and a hidden one alike."""
    post = db.session.get(FeedbackPost, post_id)
    if post is None:
        return None
    if is_for(post, user) or any(r.reporter_id == user.id for r in reports_behind(post)):
        return post
    return None


def post_page(post: FeedbackPost, viewer) -> dict:
    """What an update's page shows ``viewer``: the update, the viewer's own reports behind it (they
    are thanked for them), and how many reports led to it."""
    behind = reports_behind(post)
    return {
        "post": post,
        "your_reports": [r for r in behind if r.reporter_id == viewer.id],
        "report_count": len(behind),
    }


def audience_regions() -> list[Region]:
    """The regions an update can be shown to, by name."""
    return regions_by_name()


def posts_about(report) -> list[FeedbackPost]:
    """Updates about ``report``: linked directly or through an action that answers it."""
    posts = {p.id: p for p in getattr(report, "feedback_posts", [])}
    for action in getattr(report, "actions", []):
        posts.update({p.id: p for p in action.feedback_posts})
    return sorted(posts.values(), key=lambda p: p.published_at)


def days_to_feedback() -> list[float]:
    """For every report a post is about (directly or through an action): days from the report's
    arrival to the first post about it."""
    direct = (
        select(Report.id, Report.received_at, FeedbackPost.published_at)
        .join(feedback_reports, feedback_reports.c.report_id == Report.id)
        .join(FeedbackPost, FeedbackPost.id == feedback_reports.c.post_id)
    )
    through_actions = (
        select(Report.id, Report.received_at, FeedbackPost.published_at)
        .join(action_reports, action_reports.c.report_id == Report.id)
        .join(feedback_actions, feedback_actions.c.action_id == action_reports.c.action_id)
        .join(FeedbackPost, FeedbackPost.id == feedback_actions.c.post_id)
    )
    first = {}
    for report_id, received, published in [*db.session.execute(direct), *db.session.execute(through_actions)]:
        days = (published - received).total_seconds() / 86400
        first[report_id] = min(days, first.get(report_id, days))
    return sorted(first.values())


def median_days_to_feedback() -> float | None:
    values = days_to_feedback()
    return median(values) if values else None
