"""Reads of a person's in-app notifications."""

from sqlalchemy import select

from app.extensions import db
from app.notifications.models import Notification, PushSubscription


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


def own_device(user, device_id: int) -> PushSubscription | None:
    """One of the user's devices that take alerts; None for unknown and someone else's alike."""
    device = db.session.get(PushSubscription, device_id)
    if device is None or device.user_id != user.id:
        return None
    return device


def devices_taking_alerts(user) -> list[PushSubscription]:
    """The user's devices that take pushes, oldest first."""
    return list(
        db.session.scalars(
            select(PushSubscription).where(PushSubscription.user_id == user.id).order_by(PushSubscription.id)
        )
    )


def users_with_devices(user_ids: set[int]) -> set[int]:
    """Which of these users have a device that takes alerts."""
    if not user_ids:
        return set()
    return set(
        db.session.scalars(
            select(PushSubscription.user_id).where(PushSubscription.user_id.in_(user_ids)).distinct()
        )
    )
