"""E-mail notifications delivered to a real SMTP server (aiosmtpd on 127.0.0.1) started by the test."""

import socket
import time

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from app.core.roles import Role


class Inbox(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(app):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    saved = {k: app.config[k] for k in ("MAIL_ENABLED", "MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_ENABLED=True, MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    yield inbox
    app.config.update(saved)
    controller.stop()


def wait_for(inbox, count, timeout=5.0):
    deadline = time.monotonic() + timeout
    while len(inbox.messages) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return inbox.messages


def test_stop_the_line_e_mail_reaches_the_supervisor_without_health_information(app, make, smtp):
    make.user("dsp@x.test", regions=["North"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    report_id = make.report(
        "dsp@x.test",
        still_at_risk=True,
        person_ref="JD-102",
        what_happened="Heel redness not in the handover",
    )
    messages = wait_for(smtp, 1)
    assert len(messages) == 1
    message = messages[0]
    assert message["To"] == "sup@x.test"
    assert (
        message["Subject"].replace("\r\n", "").strip()  # unfolded as a mail client reads it
        == f"[Near misses] Stop the line: report NM-{report_id} in North - needs acknowledging"
    )
    body = message.get_payload()
    assert "/alerts/" in body
    for secret in ("Heel", "JD-102", "handover"):
        assert secret not in body and secret not in message["Subject"]
    from app.extensions import db
    from app.notifications.models import Notification

    with app.app_context():
        assert db.session.query(Notification).one().emailed_at is not None


def test_e_mail_off_logs_instead(app, make, caplog):
    make.user("dsp@x.test", regions=["North"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    with caplog.at_level("INFO", logger="app.notifications.email"):
        make.report("dsp@x.test", still_at_risk=True)
    assert any("not sent" in r.getMessage() and "sup@x.test" in r.getMessage() for r in caplog.records)
