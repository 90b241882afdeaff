from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.actions.vocabulary import status_words
from app.auth.models import User
from app.core.models import UTCDateTime, now_utc
from app.extensions import db
from app.reports.models import Report
from app.reviews.models import Review

action_reports = Table(
    "action_reports",
    db.metadata,
    Column("action_id", ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
    Column("report_id", ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
)
action_reviews = Table(
    "action_reviews",
    db.metadata,
    Column("action_id", ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
    Column("review_id", ForeignKey("reviews.id", ondelete="CASCADE"), primary_key=True),
)


class Action(db.Model):
    """A corrective action or control, with a verification measure fixed before its test starts."""

    __tablename__ = "actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    change: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    due_date: Mapped[date] = mapped_column(Date)
    # The due date first given; kept when the date is moved, so lateness against it stays visible.
    first_due_date: Mapped[date | None] = mapped_column(Date)
    strength: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    progress_note: Mapped[str] = mapped_column(Text, default="")
    window_start: Mapped[date] = mapped_column(Date)
    window_end: Mapped[date] = mapped_column(Date)
    measure: Mapped[dict] = mapped_column(JSON)
    baseline_weeks: Mapped[int] = mapped_column(Integer, default=8)
    # The day the baseline stops (exclusive), when chosen; None: before the first week of a cluster the
    # action answers, else the test's start (queries.baseline_end_for).
    baseline_end: Mapped[date | None] = mapped_column(Date)
    baseline_count: Mapped[int] = mapped_column(Integer, default=0)
    target_reduction_percent: Mapped[float] = mapped_column(Float)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    due_soon_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    overdue_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ready_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Optimistic concurrency (app.core.concurrency): every UPDATE checks it, a save through a form bumps it.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")

    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    reports: Mapped[list[Report]] = relationship(
        secondary=action_reports, backref=db.backref("actions", order_by="Action.id")
    )
    reviews: Mapped[list[Review]] = relationship(
        secondary=action_reviews, backref=db.backref("actions", order_by="Action.id")
    )
    verifications: Mapped[list["Verification"]] = relationship(
        back_populates="action", order_by="Verification.id", cascade="all, delete-orphan"
    )
    spot_checks: Mapped[list["SpotCheck"]] = relationship(
        back_populates="action", order_by="SpotCheck.due_date", cascade="all, delete-orphan"
    )
    process_measure: Mapped["ProcessMeasure | None"] = relationship(
        back_populates="action", cascade="all, delete-orphan", uselist=False
    )

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    @property
    def latest_verification(self):
        return self.verifications[-1] if self.verifications else None

    @property
    def status_label(self) -> str:
        """The status as pages and packs show it: "Verified effective" only when the data show it."""
        latest = self.latest_verification
        if latest is None:
            return status_words(self.status, None)
        return status_words(self.status, latest.ci_high, latest.process_shown)


class Verification(db.Model):
    """The before/after comparison when the window ended, and the verifier's verdict."""

    __tablename__ = "verifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    window_start: Mapped[date] = mapped_column(Date)
    window_end: Mapped[date] = mapped_column(Date)
    before_count: Mapped[int] = mapped_column(Integer)
    before_days: Mapped[int] = mapped_column(Integer)
    after_count: Mapped[int] = mapped_column(Integer)
    after_days: Mapped[int] = mapped_column(Integer)
    rate_ratio: Mapped[float | None] = mapped_column(Float)
    ci_low: Mapped[float | None] = mapped_column(Float)
    ci_high: Mapped[float | None] = mapped_column(Float)
    target_met: Mapped[bool | None] = mapped_column(Boolean)
    verdict: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    # Why "effective" was given while the interval still included 1 (required then, empty otherwise).
    reason: Mapped[str | None] = mapped_column(Text)
    # The process measure's before/after comparison when the action has one (proportions.as_record).
    process: Mapped[dict | None] = mapped_column(JSON)
    verifier_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)

    action: Mapped[Action] = relationship(back_populates="verifications")
    verifier: Mapped[User] = relationship()

    @property
    def process_shown(self) -> bool | None:
        """Whether the process measure showed the improvement; None when the action had none."""
        return None if self.process is None else bool(self.process.get("shown"))


class SpotCheck(db.Model):
    """A "still in place" check of an effective control."""

    __tablename__ = "spot_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    due_date: Mapped[date] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    passed: Mapped[bool | None] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text, default="")
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    action: Mapped[Action] = relationship(back_populates="spot_checks")
    done_by: Mapped[User | None] = relationship()


class ProcessMeasure(db.Model):
    """A counted process measure that verifies an action besides its reports: a numerator out of a
    denominator each week (coverage confirmed on time out of rota changes)."""

    __tablename__ = "process_measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    numerator_label: Mapped[str] = mapped_column(String(200))
    denominator_label: Mapped[str] = mapped_column(String(200))
    higher_is_better: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    # Optimistic concurrency for the measure and its weekly counts: every save of either bumps it.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")

    action: Mapped[Action] = relationship(back_populates="process_measure")
    weeks: Mapped[list["ProcessWeek"]] = relationship(
        back_populates="measure", order_by="ProcessWeek.week_start", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}


class ProcessWeek(db.Model):
    """One week's counts of a process measure; the week starts on a Monday."""

    __tablename__ = "process_weeks"
    __table_args__ = (
        UniqueConstraint("measure_id", "week_start"),
        CheckConstraint("numerator >= 0 AND numerator <= denominator", name="numerator_within_denominator"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("process_measures.id", ondelete="CASCADE"), index=True)
    week_start: Mapped[date] = mapped_column(Date)
    numerator: Mapped[int] = mapped_column(Integer)
    denominator: Mapped[int] = mapped_column(Integer)

    measure: Mapped[ProcessMeasure] = relationship(back_populates="weeks")
