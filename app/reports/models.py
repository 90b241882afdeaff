import uuid
from datetime import datetime
from enum import StrEnum

from flask_babel import gettext as _
from sqlalchemy import Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.core.models import UTCDateTime, now_utc
from app.extensions import db
from app.taxonomy.models import Category, Program, Region


class ReportStatus(StrEnum):
    NEW = "new"
    TRIAGED = "triaged"
    IN_REVIEW = "in_review"
    REVIEWED = "reviewed"
    ACTION_PLANNED = "action_planned"
    HANDED_OFF = "handed_off"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {
            "new": _("Received, waiting for triage"),
            "triaged": _("Triaged"),
            "in_review": _("Being reviewed"),
            "reviewed": _("Reviewed"),
            "action_planned": _("Action planned"),
            "handed_off": _("Handed to the incident process"),
            "closed": _("Closed"),
        }[self.value]


class Report(db.Model):
    """A near miss or unsafe condition as captured on the device (SPEC §3.1, §5)."""

    __tablename__ = "reports"
    __table_args__ = (
        Index("ix_reports_region_occurred", "region_id", "occurred_at"),
        Index("ix_reports_category_occurred", "category_id", "occurred_at"),
        Index("ix_reports_occurred_at", "occurred_at"),
        # The few incidents among the reports: the weekly review counts a period's without reading
        # its near misses.
        Index(
            "ix_reports_incident_occurred",
            "occurred_at",
            postgresql_where=text("event_class = 'incident'"),
            sqlite_where=text("event_class = 'incident'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    # SHA-256 of the validated content: a replay with the same content is answered, not stored twice.
    content_hash: Mapped[str] = mapped_column(String(64))
    what_happened: Mapped[str] = mapped_column(Text)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    event_class: Mapped[str] = mapped_column(String(20), default="near_miss")
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    occurred_at_approximate: Mapped[bool] = mapped_column(Boolean, default=False)
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    program_id: Mapped[int | None] = mapped_column(ForeignKey("programs.id"))
    location: Mapped[str | None] = mapped_column(String(200))
    person_ref: Mapped[str | None] = mapped_column(String(40))
    still_at_risk: Mapped[bool] = mapped_column(Boolean)
    barrier: Mapped[str] = mapped_column(Text)
    immediate_action: Mapped[str | None] = mapped_column(Text)
    interface_tag: Mapped[str | None] = mapped_column(String(40))
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=ReportStatus.NEW.value, index=True)
    # Safeguarding and rights reports are shown only to those who need them (see core.permissions).
    safeguarding_restricted: Mapped[bool] = mapped_column(Boolean, default=False)

    category: Mapped[Category] = relationship(lazy="joined")
    region: Mapped[Region] = relationship(lazy="joined")
    program: Mapped[Program | None] = relationship()
    reporter: Mapped[User] = relationship()
    photo: Mapped["ReportPhoto | None"] = relationship(
        back_populates="report", uselist=False, cascade="all, delete-orphan"
    )

    @property
    def status_label(self) -> str:
        return ReportStatus(self.status).label


class ReportPhoto(db.Model):
    """A photo taken with a report, re-encoded on arrival so it carries no metadata (location).

    Kept in the database so app servers hold no files of their own.
    """

    __tablename__ = "report_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)

    report: Mapped[Report] = relationship(back_populates="photo")
