from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import UTCDateTime, now_utc
from app.extensions import db

# What a notification of each kind waits for until it is settled, and the word for it once it is.
WAITING_FOR = {
    "stop_the_line": ("needs acknowledging", "acknowledged"),
    "stop_the_line_escalated": ("needs acknowledging", "acknowledged"),
    "safeguarding": ("needs a decision", "decided"),
    "action_overdue": ("still open", "done"),
    "action_due_soon": ("still open", "done"),
    "action_verify": ("needs a verdict", "verified"),
    "spot_check_due": ("needs a spot check", "spot-checked"),
    "deadline_warning": ("still open", "done"),
    "nurse_review": ("needs a nurse", "done"),
    "interface_task": ("needs a pathway map", "mapped"),
    "review_assigned": ("needs the review", "done"),
    "deadline_breached": ("still open", "done"),
}


class Notification(db.Model):
    """An in-app notification. Its title and link carry no health information, and no state: whether
    the work it points to is still waiting is ``settled_at``/``settled_as``."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    link: Mapped[str] = mapped_column(String(300), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when the work the notification asked for is done (by anyone): an acknowledged alert, a
    # verified action. A settled notification no longer counts as needing its person.
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    settled_as: Mapped[str | None] = mapped_column(String(40))
    # When it was pushed to every device of its person that takes alerts (app/notifications/push.py).
    pushed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def waiting_for(self) -> str | None:
        """What the notification still asks for ("needs acknowledging"); None once settled or when it
        only informs."""
        if self.settled_at is not None:
            return None
        return WAITING_FOR.get(self.kind, (None, None))[0]

    @property
    def settled_label(self) -> str | None:
        """How the work was settled ("acknowledged"), for the inbox."""
        if self.settled_at is None:
            return None
        return self.settled_as or WAITING_FOR.get(self.kind, (None, "done"))[1]


class PushSubscription(db.Model):
    """One device that takes alerts by Web Push for one person: the browser's push endpoint and the
    keys the message is encrypted to. Made from the account page on that device; gone when the person
    signs out there or turns it off, and when the push service says the endpoint no longer exists.

    Nothing about the device is kept but the short name its person gives it."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The sign-in it was made in: signing out there removes it.
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_sessions.id", ondelete="SET NULL"), index=True
    )
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))  # the browser's P-256 public key, base64url
    auth: Mapped[str] = mapped_column(String(100))  # the browser's auth secret, base64url
    device_name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
