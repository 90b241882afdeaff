from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.core.models import UTCDateTime, now_utc
from app.extensions import db


class CueGuideVersion(db.Model):
    """One saved version of a role's cue guide in one language. Versions are never edited; they are
    numbered per role and language, and one per role and language is published."""

    __tablename__ = "cue_guide_versions"
    __table_args__ = (UniqueConstraint("role", "language", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(30), index=True)
    language: Mapped[str] = mapped_column(String(5), default="en", server_default="en")
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict] = mapped_column(JSON)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    # When it was last made the printed version (kept when another one is published after it): which
    # version was printed at a past moment, e.g. the end of an evidence pack's period.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)

    created_by: Mapped[User | None] = relationship()


class GuidePdf(db.Model):
    """The published guide of a role in one language, drawn on one paper size: the bytes a download
    serves.

    Keyed by ``fingerprint``, a hash of everything the PDF is drawn from - the printable HTML (content,
    version, paper size, organisation name, report address, template) and the renderer's version - so
    a row can never be served for a document that would now be drawn differently. Publishing deletes the
    rows of its role and language; drawing a new one replaces the row for its role, size and language."""

    __tablename__ = "guide_pdfs"

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(30), index=True)
    size: Mapped[str] = mapped_column(String(10))
    language: Mapped[str] = mapped_column(String(5), default="en", server_default="en")
    version: Mapped[int | None] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)


class GuideRead(db.Model):
    """A person's confirmation that they read one version of a role's guide in one language
    (``version`` 0 is the built-in default guide). Made on the phone, offline too: ``client_uuid``
    makes the outbox's replay of it idempotent. Kept against the version read, current or not."""

    __tablename__ = "guide_reads"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    # No cascade: people are deactivated, never deleted, and a confirmation is evidence (migration 0035).
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(30))
    language: Mapped[str] = mapped_column(String(5))
    version: Mapped[int] = mapped_column(Integer)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)

    user: Mapped[User] = relationship()


class CompetencyCheck(db.Model):
    """A trainer's check of one person on one skill (``app.guides.competency.SKILLS``): when, by whom,
    and the result ("competent" or "not_yet")."""

    __tablename__ = "competency_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    # People are deactivated, never deleted; a check is a record, as a report is: no cascade.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    skill: Mapped[str] = mapped_column(String(40))
    checked_on: Mapped[date] = mapped_column(Date, index=True)
    assessor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    result: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    assessor: Mapped[User] = relationship(foreign_keys=[assessor_id])
