from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.i18n import N_
from app.core.models import UTCDateTime, now_utc
from app.extensions import db

# What a notification of each kind waits for until it is settled, and the word for it once it is.
WAITING_FOR = {
    "stop_the_line": (N_("needs acknowledging"), N_("acknowledged")),
    "stop_the_line_escalated": (N_("needs acknowledging"), N_("acknowledged")),
    "safeguarding": (N_("needs a decision"), N_("decided")),
    "action_overdue": (N_("still open"), N_("done")),
    "action_due_soon": (N_("still open"), N_("done")),
    "action_verify": (N_("needs a verdict"), N_("verified")),
    "spot_check_due": (N_("needs a spot check"), N_("spot-checked")),
    "deadline_warning": (N_("still open"), N_("done")),
    "nurse_review": (N_("needs a nurse"), N_("done")),
    "interface_task": (N_("needs a pathway map"), N_("mapped")),
    "review_assigned": (N_("needs the review"), N_("done")),
    "deadline_breached": (N_("still open"), N_("done")),
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
        words = WAITING_FOR.get(self.kind, (None, None))[0]
        return None if words is None else _(words)

    @property
    def settled_label(self) -> str | None:
        """How the work was settled ("acknowledged"), for the inbox."""
        if self.settled_at is None:
            return None
        if self.settled_as:
            # The outcome words are stored in English; the known ones read in the person's language.
            return _(self.settled_as)
        return _(WAITING_FOR.get(self.kind, (None, N_("done")))[1])


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
