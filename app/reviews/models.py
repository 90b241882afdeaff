from datetime import date, datetime

from sqlalchemy import JSON, Column, Date, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.core.models import UTCDateTime, now_utc
from app.extensions import db
from app.reports.models import Report

review_reports = Table(
    "review_reports",
    db.metadata,
    Column("review_id", ForeignKey("reviews.id", ondelete="CASCADE"), primary_key=True),
    Column("report_id", ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
)


class Review(db.Model):
    """A review in proportion to triage: brief, information-pathway map, barrier or full systems.

    One review can cover many reports (a cluster); each report shows the reviews that cover it.
    """

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="open")
    held_on: Mapped[date | None] = mapped_column(Date)
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    participants: Mapped[list] = mapped_column(JSON, default=list)
    findings: Mapped[str] = mapped_column(Text, default="")
    root_pattern: Mapped[str] = mapped_column(Text, default="")
    barriers_held: Mapped[str] = mapped_column(Text, default="")
    barriers_failed: Mapped[str] = mapped_column(Text, default="")
    pathway_steps: Mapped[list] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Optimistic concurrency (app.core.concurrency): every UPDATE checks it, a save through a form bumps it.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")

    created_by: Mapped[User] = relationship()
    reports: Mapped[list[Report]] = relationship(
        secondary=review_reports, backref=db.backref("reviews", order_by="Review.id")
    )

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}
