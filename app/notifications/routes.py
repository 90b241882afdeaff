from dataclasses import asdict

from flask import abort, flash, has_request_context, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.json_errors import json_field_errors
from app.extensions import db
from app.notifications import bp
from app.notifications.forms import device_subscription
from app.notifications.operations import (
    forget_endpoint,
    mark_all_read,
    mark_read,
    remove_device,
    subscribe_device,
    unread_count,
)
from app.notifications.queries import notifications_of, own_device, own_notification


@bp.app_context_processor
def _unread_notifications():
    if not has_request_context() or not current_user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": unread_count(current_user)}


@bp.get("/notifications")
@login_required
def index():
    return render_template("notifications/index.html", notifications=notifications_of(current_user))


@bp.post("/notifications/<int:notification_id>/open")
@login_required
def open_notification(notification_id: int):
    notification = own_notification(current_user, notification_id)
    if notification is None:
        abort(404)
    mark_read(notification)
    db.session.commit()
    return redirect(notification.link)


@bp.post("/notifications/read")
@login_required
def read_all():
    mark_all_read(current_user)
    db.session.commit()
    return redirect(url_for("notifications.index"))


@bp.post("/account/push-subscriptions", endpoint="subscribe_device")
@login_required
def subscribe_device_view():
    """This device takes alerts: the browser's push subscription, as JSON, with the CSRF header."""
    subscription, errors = device_subscription(request.get_json(silent=True))
    if subscription is None:
        return json_field_errors(422, errors)
    session_row = current_user.current_session
    device, created = subscribe_device(
        current_user, **asdict(subscription), session_id=session_row.id if session_row else None
    )
    db.session.commit()
    return jsonify(id=device.id, device_name=device.device_name), 201 if created else 200


@bp.post("/account/push-subscriptions/forget", endpoint="forget_device")
@login_required
def forget_device_view():
    """This device stops taking alerts (turned off, or signing out): 204 whether it was known or not."""
    body = request.get_json(silent=True)
    endpoint = body.get("endpoint") if isinstance(body, dict) else None
    if not isinstance(endpoint, str) or not endpoint:
        return json_field_errors(422, {"endpoint": [_("Give the device's push endpoint.")]})
    forget_endpoint(current_user, endpoint, reason="turned off on the device")
    db.session.commit()
    return "", 204


@bp.post("/account/push-subscriptions/<int:device_id>/remove")
@login_required
def remove_own_device(device_id: int):
    device = own_device(current_user, device_id)
    if device is None:
        abort(404)
    remove_device(device, actor=current_user, reason="removed from the account page")
    db.session.commit()
    flash(_("“%(name)s” takes no more alerts.", name=device.device_name))
    return redirect(url_for("auth.account"))
