from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.core.models import UTCDateTime, now_utc
from app.extensions import db


class CueGuideVersion(db.Model):
    """One saved version of a role's cue guide. Versions are never edited; one per role is published."""

    __tablename__ = "cue_guide_versions"
    __table_args__ = (UniqueConstraint("role", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(30), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict] = mapped_column(JSON)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)

    created_by: Mapped[User | None] = relationship()
