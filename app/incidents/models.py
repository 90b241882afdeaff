"""Incidents: the reports that reached the person, their critical-incident category, and the near
misses that warned of them (SPEC §7: a near miss that turns out to be an incident is reclassified and
handed to the incident process, never silently kept as a near miss)."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.core.models import UTCDateTime, now_utc
from app.extensions import db
from app.incidents.seeded import shown
from app.reports.models import Report


class IncidentCategory(db.Model):
    """A critical-incident category, shaped like the CMS HCBS list (42 CFR 441.302(a)(6)).

    Defaults are seeded by a migration; administrators rename, add and deactivate. Never deleted:
    incidents point at every row ever used."""

    __tablename__ = "incident_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def label(self) -> str:
        """The name as the reader sees it: a default one in their language, a typed one as typed."""
        return shown(self.name)

    @property
    def shown_description(self) -> str:
        return shown(self.description or "")


class IncidentRecord(db.Model):
    """That a report reached the person: its category, who recorded it, when and how (at triage, or
    reclassified later with a reason)."""

    __tablename__ = "incident_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), unique=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("incident_categories.id"), index=True)
    recorded_via: Mapped[str] = mapped_column(String(20))  # IncidentVia
    reason: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)

    report: Mapped[Report] = relationship(backref=db.backref("incident", uselist=False))
    category: Mapped[IncidentCategory] = relationship(lazy="joined")
    recorded_by: Mapped[User] = relationship()


class WarningLink(db.Model):
    """A near miss (or unsafe condition) that came before an incident: "the warning we had"."""

    __tablename__ = "warning_links"
    __table_args__ = (UniqueConstraint("near_miss_id", "incident_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    near_miss_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    linked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)

    near_miss: Mapped[Report] = relationship(foreign_keys=[near_miss_id])
    incident: Mapped[Report] = relationship(foreign_keys=[incident_id])
    linked_by: Mapped[User] = relationship()
