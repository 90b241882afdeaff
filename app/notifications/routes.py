from flask import abort, has_request_context, redirect, render_template, url_for
from flask_login import current_user, login_required

from app.extensions import db
from app.notifications import bp
from app.notifications.operations import mark_all_read, mark_read, unread_count
from app.notifications.queries import notifications_of, own_notification


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
