from datetime import date, datetime

from sqlalchemy import Column, Date, Float, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.actions.models import Action
from app.auth.models import User
from app.core.models import UTCDateTime, now_utc
from app.extensions import db
from app.reports.models import Report
from app.reviews.models import Review
from app.taxonomy.models import Category, Region


class Exposure(db.Model):
    """Visits (and optionally service hours) in one region in one week: the denominator for rates."""

    __tablename__ = "exposures"
    __table_args__ = (UniqueConstraint("region_id", "week_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    week_start: Mapped[date] = mapped_column(Date, index=True)
    visits: Mapped[int] = mapped_column(Integer)
    service_hours: Mapped[float | None] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc, onupdate=now_utc)

    region: Mapped[Region] = relationship()


cluster_reports = Table(
    "cluster_reports",
    db.metadata,
    Column("cluster_id", ForeignKey("clusters.id", ondelete="CASCADE"), primary_key=True),
    Column("report_id", ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
)


cluster_actions = Table(
    "cluster_actions",
    db.metadata,
    Column("cluster_id", ForeignKey("clusters.id", ondelete="CASCADE"), primary_key=True),
    Column("action_id", ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
)


class Cluster(db.Model):
    """A cluster found by a stated method, and what the quality lead did about it."""

    __tablename__ = "clusters"
    __table_args__ = (UniqueConstraint("method", "week_start", "cell_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    method: Mapped[str] = mapped_column(String(20))  # "poisson_fdr" or "local_rule"
    week_start: Mapped[date] = mapped_column(Date, index=True)
    cell_key: Mapped[str] = mapped_column(String(120))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    interface_type: Mapped[str | None] = mapped_column(String(40))
    person_ref: Mapped[str | None] = mapped_column(String(40))
    observed: Mapped[int] = mapped_column(Integer)
    expected: Mapped[float | None] = mapped_column(Float)
    p_value: Mapped[float | None] = mapped_column(Float)
    q_value: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20), default="new", index=True)
    dismissed_reason: Mapped[str | None] = mapped_column(Text)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id"))
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)

    region: Mapped[Region | None] = relationship()
    category: Mapped[Category | None] = relationship()
    handled_by: Mapped[User | None] = relationship()
    review: Mapped[Review | None] = relationship()
    reports: Mapped[list[Report]] = relationship(secondary=cluster_reports, backref="clusters")
    # The actions that answer this cluster (the action page lists them as ``action.clusters``).
    actions: Mapped[list[Action]] = relationship(secondary=cluster_actions, backref="clusters")
