from datetime import datetime

from sqlalchemy import ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.core.models import UTCDateTime, now_utc
from app.extensions import db


class EmergencyAccess(db.Model):
    """A break-glass grant: one user reads every region's reports, for a stated reason, until it expires.

    A grant is live while ``ended_at`` is empty and ``expires_at`` is in the future; nothing has to run
    for it to lapse. ``ended_by_id`` says who ended it early (the holder, or an admin or safeguarding
    lead); ``expiry_recorded_at`` marks that its lapse has been written to the audit trail.
    """

    __tablename__ = "emergency_access"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    hours: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    expiry_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    ended_by: Mapped[User | None] = relationship(foreign_keys=[ended_by_id])

    def is_active_at(self, moment: datetime) -> bool:
        return self.ended_at is None and self.started_at <= moment < self.expires_at

    @property
    def finished_at(self) -> datetime:
        """When the grant stopped giving access (or will): ended early, or its expiry."""
        return self.ended_at or self.expires_at
