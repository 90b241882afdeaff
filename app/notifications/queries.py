"""Reads of a person's in-app notifications."""

from sqlalchemy import select

from app.extensions import db
from app.notifications.models import Notification


def notifications_of(user, *, limit: int = 100) -> list[Notification]:
    """The user's notifications, newest first."""
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user.id)
            .order_by(Notification.created_at.desc())
            .limit(limit)
        )
    )


def own_notification(user, notification_id: int) -> Notification | None:
    """The notification if it is ``user``'s; None for unknown and someone else's alike."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        return None
    return notification
