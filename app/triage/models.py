from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.core.models import UTCDateTime, now_utc
from app.extensions import db
from app.reports.models import Report


class TriageMatrixVersion(db.Model):
    """One saved version of the matrix. Versions are never edited; the newest is in force."""

    __tablename__ = "triage_matrix_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    cells: Mapped[dict] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)

    created_by: Mapped[User | None] = relationship()


class Triage(db.Model):
    """The supervisor's answers to SPEC's four triage questions for one report."""

    __tablename__ = "triages"
    __table_args__ = (
        # The few downgraded triages: the weekly review lists a period's without reading every triage.
        Index(
            "ix_triages_downgraded_at",
            "triaged_at",
            postgresql_where=text("downgrade_reason IS NOT NULL"),
            sqlite_where=text("downgrade_reason IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), unique=True)
    triaged_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    triaged_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    # 1. Is anyone still at risk now?
    still_at_risk_now: Mapped[bool] = mapped_column(Boolean)
    # 2. External reporting or safeguarding escalation
    safeguarding_triggers: Mapped[list] = mapped_column(JSON, default=list)
    external_body_ids: Mapped[list] = mapped_column(JSON, default=list)
    # 3. Repeat theme
    recurrence_proposed: Mapped[str] = mapped_column(String(20))
    recurrence: Mapped[str] = mapped_column(String(20))
    similar_report_ids: Mapped[list] = mapped_column(JSON, default=list)
    # 4. Minimum investigation
    minimum_investigation: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(10))
    interface_flag: Mapped[bool] = mapped_column(Boolean, default=False)
    interface_type: Mapped[str | None] = mapped_column(String(40))
    event_class: Mapped[str] = mapped_column(String(20))
    matrix_version_id: Mapped[int] = mapped_column(ForeignKey("triage_matrix_versions.id"))
    proposed_review_level: Mapped[str] = mapped_column(String(30))
    review_level: Mapped[str] = mapped_column(String(30))
    override_reason: Mapped[str | None] = mapped_column(Text)
    # A review below the matrix's floor for a high potential or clustered report: why (a
    # ``DowngradeReason`` code and the triager's explanation), from which level to which.
    downgrade_reason: Mapped[str | None] = mapped_column(String(40))
    downgrade_text: Mapped[str | None] = mapped_column(Text)
    downgrade_from: Mapped[str | None] = mapped_column(String(30))
    downgrade_to: Mapped[str | None] = mapped_column(String(30))
    # Optimistic concurrency (app.core.concurrency): every UPDATE checks it, a save through a form bumps it.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")

    report: Mapped[Report] = relationship(backref=db.backref("triage", uselist=False))
    triaged_by: Mapped[User] = relationship()
    matrix_version: Mapped[TriageMatrixVersion] = relationship()

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}
