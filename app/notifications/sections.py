"""On the account page: alerts on this device (Web Push), and the devices that take them."""

from flask import current_app, render_template, url_for

from app.auth.signals import account_page_sections
from app.notifications.push import vapid_keys
from app.notifications.queries import devices_taking_alerts


def _on_account_page(user, **_):
    keys = vapid_keys(current_app.config, current_app.instance_path)
    return render_template(
        "notifications/_push_devices.html",
        public_key=keys.public_key if keys else None,
        devices=devices_taking_alerts(user),
        subscribe_url=url_for("notifications.subscribe_device"),
        forget_url=url_for("notifications.forget_device"),
    )


account_page_sections.connect(_on_account_page)
