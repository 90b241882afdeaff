"""An alert someone has dealt with stops asking for people: the inbox shows it settled and counts only
what still needs the person (issue 17, point 9)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.core.roles import Role
from app.escalations.models import StopTheLineAlert
from app.escalations.operations import acknowledge_alert
from app.extensions import db
from app.notifications.models import Notification
from app.notifications.operations import deliver_email, unread_count
from tests.factories import login


@pytest.fixture
def alert_for_two_supervisors(make):
    make.user("dsp@x.test", regions=["North"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("sup2@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    return make.report("dsp@x.test", still_at_risk=True)


def user(email):
    return db.session.scalar(select(User).where(User.email == email))


def test_one_supervisor_acknowledging_settles_the_alert_for_both(alert_for_two_supervisors, ctx):
    assert unread_count(user("sup@x.test")) == 1 and unread_count(user("sup2@x.test")) == 1
    alert = db.session.scalar(select(StopTheLineAlert))
    acknowledge_alert(alert, user("sup2@x.test"), now=alert.raised_at + timedelta(minutes=3))
    db.session.commit()
    assert unread_count(user("sup@x.test")) == 0 and unread_count(user("sup2@x.test")) == 0
    settled = db.session.scalars(select(Notification).where(Notification.kind == "stop_the_line")).all()
    assert len(settled) == 2
    assert {(n.settled_as, n.settled_at) for n in settled} == {
        ("acknowledged", alert.raised_at + timedelta(minutes=3))
    }
    assert all(n.waiting_for is None and n.settled_label == "acknowledged" for n in settled)


def test_inbox_shows_waiting_then_acknowledged_and_the_count_follows(alert_for_two_supervisors, app, client):
    login(client, "sup@x.test")
    page = client.get("/notifications").get_data(as_text=True)
    assert "Needs acknowledging" in page and "1 still needs you." in page
    assert 'class="count" aria-label="1 unread"' in page
    with app.app_context():
        alert = db.session.scalar(select(StopTheLineAlert))
        acknowledge_alert(alert, user("sup2@x.test"))
        db.session.commit()
    page = client.get("/notifications").get_data(as_text=True)
    assert "Needs acknowledging" not in page and "Acknowledged " in page
    assert "Nothing here needs you now." in page
    assert 'class="count"' not in page, "the top bar counts only what still needs the person"


def test_information_only_notifications_still_count_until_read(make, ctx):
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    from app.notifications.operations import notify

    notify([user("sup@x.test")], kind="feedback", title="Something changed", link="/feedback/1")
    db.session.commit()
    assert unread_count(user("sup@x.test")) == 1
    assert db.session.scalar(select(Notification)).waiting_for is None


def test_a_settled_alert_is_not_e_mailed(alert_for_two_supervisors, app, ctx):
    app.config.update(MAIL_ENABLED=True, MAIL_SERVER="127.0.0.1", MAIL_PORT=9)
    alert = db.session.scalar(select(StopTheLineAlert))
    acknowledge_alert(alert, user("sup@x.test"))
    db.session.commit()
    notification_ids = db.session.scalars(
        select(Notification.id).where(Notification.kind == "stop_the_line")
    ).all()
    assert notification_ids
    assert [deliver_email(nid) for nid in notification_ids] == [False] * len(notification_ids)
    app.config.update(MAIL_ENABLED=False)


def test_the_reporter_hears_that_a_supervisor_acknowledged(alert_for_two_supervisors, app, client):
    """Issue 17, point 8: an alert in the reporter's inbox and a plain step on their report's page."""
    report_id = alert_for_two_supervisors
    with app.app_context():
        alert = db.session.scalar(select(StopTheLineAlert))
        assert unread_count(user("dsp@x.test")) == 0
        acknowledge_alert(alert, user("sup@x.test"))
        db.session.commit()
        told = db.session.scalars(
            select(Notification).where(Notification.user_id == user("dsp@x.test").id)
        ).all()
        assert [(n.title, n.link) for n in told] == [
            (f"Your report NM-{report_id}: a supervisor has acknowledged it", f"/reports/{report_id}")
        ]
    login(client, "dsp@x.test")
    page = client.get(f"/reports/{report_id}").get_data(as_text=True)
    assert "A supervisor has it" in page
    headline = page.split('class="badge"', 1)[1].split("</p>", 1)[0]
    assert "a supervisor has acknowledged it and is acting on it" in headline, "not 'looked at soon'"
    assert "Sup" not in page.split('id="progress-title"', 1)[1], "who acknowledged stays on the staff pages"


def test_a_stop_the_line_category_does_not_say_the_reporter_said_someone_was_at_risk(make, ctx):
    from app.taxonomy.models import Category

    make.user("dsp@x.test", regions=["North"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    db.session.scalar(select(Category).where(Category.code == "falls_mobility")).is_stop_the_line = True
    db.session.commit()
    make.report("dsp@x.test", category="falls_mobility", still_at_risk=False)
    alert = db.session.scalar(select(StopTheLineAlert))
    acknowledge_alert(alert, user("sup@x.test"))
    assert unread_count(user("dsp@x.test")) == 0
