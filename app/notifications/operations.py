"""Notifications: in-app rows, plus an e-mail job enqueued once the transaction that made them commits."""

import logging
from collections.abc import Iterable

from flask import current_app
from sqlalchemy import select, update

from app.auth.models import User
from app.core.models import now_utc
from app.extensions import db
from app.jobs.queue import enqueue
from app.jobs.registry import job
from app.notifications.email import send_email
from app.notifications.models import Notification

logger = logging.getLogger(__name__)


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
        created.append(notification)
    db.session.flush()
    for notification in created:
        enqueue(
            deliver_email,
            notification.id,
            job_id=f"notification-email-{notification.id}",
            after_commit=True,
        )
    return created


@job
def deliver_email(notification_id: int) -> bool:
    """E-mail one notification to its user (a background job; idempotent).

    Sends nothing when the notification is gone, was e-mailed already, was settled (someone did the
    work) or its user is inactive; an SMTP
    error propagates so the queue retries it. Returns whether a message went to the SMTP server.
    """
    row = db.session.execute(
        select(Notification, User)
        .join(User, User.id == Notification.user_id)
        .where(Notification.id == notification_id)
    ).first()
    if row is None or row.Notification.emailed_at is not None or not row.User.active:
        return False
    if row.Notification.settled_at is not None:
        return False  # done before the mail went out: nothing left to ask of the person
    notification, user = row.Notification, row.User
    config = current_app.config
    base_url = config.get("BASE_URL", "").rstrip("/")
    headline = " - ".join(filter(None, (notification.title, notification.waiting_for)))
    body = (
        f"{headline}\n\nOpen it here: {base_url}{notification.link}\n\n"
        "This message holds no details on purpose."
    )
    if not send_email(config, to=user.email, subject=f"[Near misses] {headline}", body=body):
        return False
    db.session.execute(
        update(Notification).where(Notification.id == notification_id).values(emailed_at=now_utc())
    )
    db.session.commit()
    return True


def unread_count(user) -> int:
    """What still needs the person: unread notifications whose work nobody has done yet."""
    return db.session.query(Notification).filter_by(user_id=user.id, read_at=None, settled_at=None).count()


def settle(link: str, *, kinds: Iterable[str], outcome: str, now=None) -> int:
    """The work behind every ``kinds`` notification pointing to ``link`` is done (``outcome``, e.g.
    "acknowledged"), whoever did it: each person's inbox shows it as such and stops counting it."""
    result = db.session.execute(
        update(Notification)
        .where(
            Notification.link == link,
            Notification.kind.in_(tuple(kinds)),
            Notification.settled_at.is_(None),
        )
        .values(settled_at=now or now_utc(), settled_as=outcome)
    )
    return result.rowcount


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


def settle_others(link: str, *, keep_user_id: int, kinds: Iterable[str], outcome: str, now=None) -> int:
    """Like :func:`settle`, for everyone but ``keep_user_id``: someone took the work on."""
    result = db.session.execute(
        update(Notification)
        .where(
            Notification.link == link,
            Notification.kind.in_(tuple(kinds)),
            Notification.settled_at.is_(None),
            Notification.user_id != keep_user_id,
        )
        .values(settled_at=now or now_utc(), settled_as=outcome)
    )
    return result.rowcount
