from datetime import date, datetime

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from sqlalchemy import JSON, Column, Date, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.core.models import UTCDateTime, now_utc
from app.extensions import db
from app.reports.models import Report
from app.reviews.titles import shown_title


def _days(n: int) -> str:
    return ngettext("%(num)s day", "%(num)s days", n)


def _day(day: date) -> str:
    return format_date(day, "dd MMM yyyy")


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
    # An automatic title's parts (app.reviews.titles): shown in the reader's language; None for a
    # title a person typed. ``title`` keeps the English text either way.
    title_parts: Mapped[dict | None] = mapped_column(JSON)
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
    # Who answers for getting it done, and by when (set by the review's kind, see the settings);
    # ``first_due_date`` keeps the original when the due date is moved, so lateness stays visible.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_date: Mapped[date | None] = mapped_column(Date)
    first_due_date: Mapped[date | None] = mapped_column(Date)
    # Optimistic concurrency (app.core.concurrency): every UPDATE checks it, a save through a form bumps it.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")

    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    reports: Mapped[list[Report]] = relationship(
        secondary=review_reports, backref=db.backref("reviews", order_by="Review.id")
    )

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    @property
    def shown_title(self) -> str:
        """The title in the reader's language when the app made it, as typed when a person did."""
        return shown_title(self.title, self.title_parts)

    def clock(self, today: date, tz) -> str:
        """The review's clock in words: due, overdue or completed, against its first due date."""
        due, first = self.due_date, self.first_due_date or self.due_date
        if due is None:
            return _("No due date")
        finished = self.completed_on(tz)
        if finished is not None:
            late = (finished - first).days
            if late <= 0:
                return _("Completed %(date)s, on time", date=_day(finished))
            return _(
                "Completed %(date)s, %(days)s late (due %(due)s)",
                date=_day(finished),
                days=_days(late),
                due=_day(first),
            )
        if today > first:
            late = _days((today - first).days)
            if due != first:
                return _(
                    "Overdue by %(days)s (due %(due)s; moved to %(moved)s)",
                    days=late,
                    due=_day(first),
                    moved=_day(due),
                )
            return _("Overdue by %(days)s (due %(due)s)", days=late, due=_day(first))
        if today == due:
            return _("Due today (first due %(first)s)", first=_day(first)) if first != due else _("Due today")
        left = _days((due - today).days)
        if first != due:
            return _(
                "Due %(date)s, in %(days)s (first due %(first)s)",
                date=_day(due),
                days=left,
                first=_day(first),
            )
        return _("Due %(date)s, in %(days)s", date=_day(due), days=left)

    def completed_on(self, tz) -> date | None:
        return self.completed_at.astimezone(tz).date() if self.completed_at else None

    def is_late(self, today: date, tz) -> bool:
        """Past its first due date without being completed by then (moving the date does not excuse it)."""
        due = self.first_due_date or self.due_date
        if due is None:
            return False
        finished = self.completed_on(tz)
        return (finished or today) > due
