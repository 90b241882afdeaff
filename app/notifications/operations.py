"""Notifications: in-app rows, plus e-mail sent once the transaction that made them commits."""

import logging
import smtplib
from collections.abc import Iterable

from flask import current_app
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from app.core.models import now_utc
from app.extensions import db
from app.notifications.email import send_email
from app.notifications.models import Notification

logger = logging.getLogger(__name__)
_PENDING = "nearmiss_pending_emails"


def notify(users: Iterable, *, kind: str, title: str, link: str) -> list[Notification]:
    """Tell each user (once) with a title and a link - never health information."""
    created = []
    seen = set()
    for user in users:
        if user.id in seen or not user.active:
            continue
        seen.add(user.id)
        notification = Notification(user_id=user.id, kind=kind, title=title, link=link)
        db.session.add(notification)
        created.append((notification, user.email))
    db.session.flush()
    db.session.info.setdefault(_PENDING, []).extend((n.id, email, title, link) for n, email in created)
    return [n for n, _ in created]


@event.listens_for(Session, "after_commit")
def _send_after_commit(session):
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    config = current_app.config
    base_url = config.get("BASE_URL", "").rstrip("/")
    sent_ids = []
    for notification_id, to, title, link in pending:
        body = f"{title}\n\nOpen it here: {base_url}{link}\n\nThis message holds no details on purpose."
        try:
            if send_email(config, to=to, subject=f"[Near misses] {title}", body=body):
                sent_ids.append(notification_id)
        except (OSError, smtplib.SMTPException) as exc:
            logger.warning("e-mail for notification %s failed: %s", notification_id, type(exc).__name__)
    if sent_ids:
        with db.engine.begin() as connection:
            connection.execute(
                update(Notification).where(Notification.id.in_(sent_ids)).values(emailed_at=now_utc())
            )


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session):
    session.info.pop(_PENDING, None)


def unread_count(user) -> int:
    return db.session.query(Notification).filter_by(user_id=user.id, read_at=None).count()


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = now_utc()


def mark_all_read(user) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=now_utc())
    )


def mark_read_for_link(user, link: str) -> None:
    """Opening the thing a notification points to reads the notification."""
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.link == link, Notification.read_at.is_(None))
        .values(read_at=now_utc())
    )
