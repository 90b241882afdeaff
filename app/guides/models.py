from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
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
