from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import UTCDateTime, now_utc
from app.extensions import db


class PackRender(db.Model):
    """An evidence pack rendered in the background: a long period can take longer than a request may."""

    __tablename__ = "pack_renders"

    id: Mapped[int] = mapped_column(primary_key=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    first_week: Mapped[date] = mapped_column(Date)
    last_week: Mapped[date] = mapped_column(Date)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    region_name: Mapped[str] = mapped_column(String(120))
    # The language the pack was asked in: the background job draws its headings in it.
    language: Mapped[str] = mapped_column(String(5), default="en", server_default="en")
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued, running, done, failed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    pages: Mapped[int | None] = mapped_column(Integer)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    error: Mapped[str | None] = mapped_column(String(300))
