from datetime import datetime

from flask_babel import ngettext
from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.core.i18n import number
from app.core.models import UTCDateTime, now_utc
from app.escalations.vocabulary import shown_body_name
from app.extensions import db
from app.reports.models import Report


class StopTheLineAlert(db.Model):
    """Someone may still be at risk: supervisors are told at once and must acknowledge."""

    __tablename__ = "stop_the_line_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), unique=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    level: Mapped[int] = mapped_column(Integer, default=1)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    safeguards: Mapped[str | None] = mapped_column(Text)
    safeguards_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    safeguards_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Whoever was on call in the region when it was raised: told first, alone, for one step.
    on_call_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    report: Mapped[Report] = relationship(backref=db.backref("stop_the_line", uselist=False))
    acknowledged_by: Mapped[User | None] = relationship(foreign_keys=[acknowledged_by_id])
    safeguards_by: Mapped[User | None] = relationship(foreign_keys=[safeguards_by_id])
    on_call_user: Mapped[User | None] = relationship(foreign_keys=[on_call_user_id])


class SafeguardingCase(db.Model):
    """A safeguarding or rights signal routed to the safeguarding lead, with its decision."""

    __tablename__ = "safeguarding_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), unique=True)
    routed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    routed_because: Mapped[str] = mapped_column(String(20))  # "category" or "triage"
    triggers: Mapped[list] = mapped_column(JSON, default=list)
    decision: Mapped[str | None] = mapped_column(String(40))
    rationale: Mapped[str | None] = mapped_column(Text)
    persons_views: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # How far its clock's warnings have gone (app.escalations.clocks.deadline_stage): each stage is
    # told once; the last is the breach, escalated to the managers.
    deadline_stage: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    # Optimistic concurrency (app.core.concurrency): every UPDATE checks it, a save through a form bumps it.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")

    report: Mapped[Report] = relationship(backref=db.backref("safeguarding_case", uselist=False))
    decided_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}


class ExternalBody(db.Model):
    """A body the provider may have to report to, with its due-time rule."""

    __tablename__ = "external_bodies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    due_amount: Mapped[float] = mapped_column(Float)
    due_in_business_days: Mapped[bool] = mapped_column(Boolean, default=False)
    for_incidents: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def label(self) -> str:
        """The name as the reader sees it: a default one in their language, a typed one as typed."""
        return shown_body_name(self.code, self.name)

    @property
    def due_words(self) -> str:
        """How soon it must be told, in the reader's words and numbers: "within 2 business days",
        "within 24 hours", "within 15 minutes" (911 is told at once: a quarter of an hour)."""
        amount = self.due_amount
        if self.due_in_business_days:
            return ngettext(
                "within %(amount)s business day",
                "within %(amount)s business days",
                _plural_count(amount),
                amount=number(amount, "g"),
            )
        if amount < 1:
            minutes = round(amount * 60)
            return ngettext("within %(amount)s minute", "within %(amount)s minutes", minutes, amount=minutes)
        return ngettext(
            "within %(amount)s hour",
            "within %(amount)s hours",
            _plural_count(amount),
            amount=number(amount, "g"),
        )


def _plural_count(amount: float) -> int:
    """The count that picks a plural form: a whole number as it is, a fraction (1.5 days) as plural."""
    return int(amount) if float(amount).is_integer() else 2


class ExternalDuty(db.Model):
    """A duty to report one report to one body: due, done, by whom, and the body's reference."""

    __tablename__ = "external_duties"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("external_bodies.id"))
    identified_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reference: Mapped[str | None] = mapped_column(String(120))
    notes: Mapped[str | None] = mapped_column(Text)
    identified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    deadline_stage: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")

    report: Mapped[Report] = relationship(backref=db.backref("external_duties"))
    body: Mapped[ExternalBody] = relationship(lazy="joined")
    done_by: Mapped[User | None] = relationship(foreign_keys=[done_by_id])
    identified_by: Mapped[User | None] = relationship(foreign_keys=[identified_by_id])


class OnCallShift(db.Model):
    """One stretch of a region's on-call rota: who answers stop-the-line alerts first, and the number
    a DSP phones when a report cannot reach anyone yet."""

    __tablename__ = "on_call_shifts"
    __table_args__ = (Index("ix_on_call_shifts_region_ends", "region_id", "ends_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    phone: Mapped[str] = mapped_column(String(40))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")


class NurseReview(db.Model):
    """A same-day clinical look at a report by one of the region's nurses: requested (by a
    supervisor's safeguards or because the report is clinical), taken by a nurse, and closed with an
    outcome and notes."""

    __tablename__ = "nurse_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), unique=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_because: Mapped[str] = mapped_column(String(20))  # "safeguards", "category", "triage"
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(String(20))  # "seen", "advice_given", "escalated"
    notes: Mapped[str | None] = mapped_column(Text)
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the nurse saw the person (or the report): the time the target is judged by; the outcome
    # may be typed up later than that.
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    report: Mapped[Report] = relationship(backref=db.backref("nurse_review", uselist=False))
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
