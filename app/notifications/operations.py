"""Notifications: in-app rows, plus e-mail and Web Push jobs enqueued once the transaction that made
them commits; and the devices that take pushes."""

import logging
from collections.abc import Iterable

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from app.auth.models import User
from app.core.audit.operations import record_event
from app.core.i18n import in_language_of
from app.core.models import now_utc
from app.extensions import db
from app.jobs.queue import enqueue
from app.jobs.registry import job
from app.notifications.email import send_email
from app.notifications.models import Notification, PushSubscription
from app.notifications.push import GONE, PUSHED_KINDS, RETRY, SENT, push_payload, send_push, vapid_keys
from app.notifications.queries import devices_taking_alerts, users_with_devices

logger = logging.getLogger(__name__)


class PushNotDelivered(Exception):
    """A push service asked to try again later (or could not be reached): the job is retried. A resent
    push replaces the first on a device that had it (same tag), so a retry shows nothing twice."""


def notify(
    users: Iterable, *, kind: str, title: str, link: str, push: bool | None = None
) -> list[Notification]:
    """Tell each user (once) with a title and a link - never health information.

    A title made with ``lazy_gettext`` is written in each user's own language (``users.language``,
    else English); a plain string is kept as it is.

    Pushed to the devices of each user that take alerts when ``push`` says so, or, when it is None,
    when the kind is one of ``PUSHED_KINDS`` (alerts, work given to the person, deadlines); a user
    with no such device gets no push job."""
    created = []
    seen = set()
    for user in users:
        if user.id in seen or not user.active:
            continue
        seen.add(user.id)
        with in_language_of(user):
            words = str(title)
        notification = Notification(user_id=user.id, kind=kind, title=words, link=link)
        db.session.add(notification)
        created.append(notification)
    db.session.flush()
    pushed = kind in PUSHED_KINDS if push is None else push
    with_devices = users_with_devices({n.user_id for n in created}) if pushed and created else set()
    for notification in created:
        enqueue(
            deliver_email,
            notification.id,
            job_id=f"notification-email-{notification.id}",
            after_commit=True,
        )
        if notification.user_id in with_devices:
            enqueue(
                deliver_push,
                notification.id,
                job_id=f"notification-push-{notification.id}",
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
    with in_language_of(user):
        headline = " - ".join(filter(None, (notification.title, notification.waiting_for)))
        body = _(
            "%(headline)s\n\nOpen it here: %(url)s\n\nThis message holds no details on purpose.",
            headline=headline,
            url=f"{base_url}{notification.link}",
        )
        subject = _("[Near misses] %(headline)s", headline=headline)
    if not send_email(config, to=user.email, subject=subject, body=body):
        return False
    db.session.execute(
        update(Notification).where(Notification.id == notification_id).values(emailed_at=now_utc())
    )
    db.session.commit()
    return True


@job
def deliver_push(notification_id: int) -> int:
    """Push one notification to every device of its user that takes alerts (a background job;
    idempotent). Returns how many push services took it.

    Sends nothing when the notification is gone, was pushed already, was settled (someone did the
    work), its user is inactive, has no device, or push is off (no VAPID keys). A device whose push
    service answers 404 or 410 no longer exists and is forgotten; a 429, 5xx or network failure raises
    ``PushNotDelivered`` so the queue retries the job.
    """
    row = db.session.execute(
        select(Notification, User)
        .join(User, User.id == Notification.user_id)
        .where(Notification.id == notification_id)
    ).first()
    if row is None or row.Notification.pushed_at is not None or not row.User.active:
        return 0
    notification = row.Notification
    if notification.settled_at is not None:
        return 0
    devices = devices_taking_alerts(row.User)
    keys = vapid_keys(current_app.config, current_app.instance_path) if devices else None
    if keys is None:
        return 0
    with in_language_of(row.User):
        payload = push_payload(notification, notification.waiting_for)
    outcomes = [(device, send_push(device, payload, keys, urgent=payload["urgent"])) for device in devices]
    now = now_utc()
    for device, outcome in outcomes:
        if outcome == SENT:
            device.last_used_at = now
        elif outcome == GONE:
            remove_device(device, actor=None, reason="gone from its push service")
    retry = any(outcome == RETRY for _, outcome in outcomes)
    if not retry:
        notification.pushed_at = now
    db.session.commit()
    if retry:
        raise PushNotDelivered(f"notification {notification_id}: a push service asked to try again")
    return sum(1 for _, outcome in outcomes if outcome == SENT)


def subscribe_device(
    user, *, endpoint: str, p256dh: str, auth: str, device_name: str | None, session_id: int | None
) -> tuple[PushSubscription, bool]:
    """This device takes alerts for ``user`` from now on; returns (the subscription, whether it is new).

    A browser has one endpoint per site, so an endpoint already known moves to whoever subscribes
    with it now (the last person signed in on a shared tablet), keeping its name unless a new one is
    given; it is tied to this sign-in, so signing out here removes it."""
    device = db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    created = device is None
    if created:
        count = db.session.scalar(
            select(db.func.count()).select_from(PushSubscription).where(PushSubscription.user_id == user.id)
        )
        device = PushSubscription(endpoint=endpoint, device_name=device_name or f"Device {count + 1}")
        db.session.add(device)
    elif device_name:
        device.device_name = device_name
    moved_from = None if created or device.user_id == user.id else device.user_id
    device.user_id = user.id
    device.session_id = session_id
    device.p256dh = p256dh
    device.auth = auth
    db.session.flush()
    if created or moved_from is not None:
        record_event(
            "push.subscribe",
            actor=user,
            object_type="push_subscription",
            object_id=device.id,
            after={"device_name": device.device_name, "from_user_id": moved_from},
        )
    return device, created


def remove_device(device: PushSubscription, *, actor, reason: str) -> None:
    """This device takes no more alerts (``reason``: "removed", "turned off", "signed out")."""
    record_event(
        "push.unsubscribe",
        actor=actor,
        object_type="push_subscription",
        object_id=device.id,
        after={"device_name": device.device_name, "reason": reason},
    )
    db.session.delete(device)


def forget_endpoint(user, endpoint: str, *, reason: str) -> bool:
    """Remove ``user``'s device with this endpoint, if they have one (the page turning alerts off, or
    signing out); returns whether one went. Someone else's endpoint is left alone."""
    device = db.session.scalar(
        select(PushSubscription).where(
            PushSubscription.endpoint == endpoint, PushSubscription.user_id == user.id
        )
    )
    if device is None:
        return False
    remove_device(device, actor=user, reason=reason)
    return True


def on_sessions_ended(user, *, session_ids, everywhere: bool, **_) -> None:
    """Subscriber to auth's ``sessions_ended``: the devices of those sign-ins take no more alerts;
    after "sign out everywhere" (a lost phone) none of the user's devices do."""
    condition = PushSubscription.user_id == user.id
    if not everywhere:
        if not session_ids:
            return
        condition = condition & PushSubscription.session_id.in_(list(session_ids))
    removed = db.session.execute(delete(PushSubscription).where(condition)).rowcount
    if removed:
        record_event(
            "push.unsubscribe",
            actor=user,
            object_type="user",
            object_id=user.id,
            after={"devices": removed, "reason": "signed out"},
        )


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
