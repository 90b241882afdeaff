from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.core.models import UTCDateTime, now_utc
from app.extensions import db
from app.reports.models import Report
from app.taxonomy.models import Program


class ReportingLink(db.Model):
    """A public reporting link of one program. Rotating ends this row (``end_reason`` "rotated") and
    opens a new one with a new token; closing ends it ("closed"). An ended link is refused with a page
    that says so.

    ``reporter_id`` is the link's own account, never signed in to (inactive, no password, no role): the
    reports filed through the link are its reports, and the audit trail names it "Anonymous via link N".
    ``last_alert_at`` holds the time of the last stop-the-line alert an anonymous report raised.
    """

    __tablename__ = "reporting_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    end_reason: Mapped[str | None] = mapped_column(String(10))
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    last_alert_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    program: Mapped[Program] = relationship(lazy="joined")
    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id])

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class AnonymousReport(db.Model):
    """What makes a report anonymous: the link it came through and the hash of its receipt code (the
    code itself is shown once to the sender and never stored). ``alert_held`` marks a still-at-risk
    report whose stop-the-line alert was held back because the link had raised one within the minute:
    it stays at the top of triage instead."""

    __tablename__ = "anonymous_reports"

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("reporting_links.id"), index=True)
    receipt_hash: Mapped[str] = mapped_column(String(64), unique=True)
    alert_held: Mapped[bool] = mapped_column(Boolean, default=False)

    report: Mapped[Report] = relationship()
    link: Mapped[ReportingLink] = relationship(lazy="joined")
