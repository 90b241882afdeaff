from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.actions.models import Action
from app.auth.models import User
from app.core.models import UTCDateTime, now_utc
from app.extensions import db
from app.reports.models import Report

feedback_actions = Table(
    "feedback_actions",
    db.metadata,
    Column("post_id", ForeignKey("feedback_posts.id", ondelete="CASCADE"), primary_key=True),
    Column("action_id", ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
)
feedback_reports = Table(
    "feedback_reports",
    db.metadata,
    Column("post_id", ForeignKey("feedback_posts.id", ondelete="CASCADE"), primary_key=True),
    Column("report_id", ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
)


class FeedbackPost(db.Model):
    """'What changed because you reported': a short published update."""

    __tablename__ = "feedback_posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    what_changed: Mapped[str] = mapped_column(Text)
    why: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc, index=True)
    # Empty lists mean everyone.
    audience_region_ids: Mapped[list] = mapped_column(JSON, default=list)
    audience_roles: Mapped[list] = mapped_column(JSON, default=list)

    author: Mapped[User] = relationship()
    actions: Mapped[list[Action]] = relationship(secondary=feedback_actions, backref="feedback_posts")
    reports: Mapped[list[Report]] = relationship(
        secondary=feedback_reports, backref=db.backref("feedback_posts", order_by="FeedbackPost.id")
    )
