"""The 'My work' page as it is read on a tablet: each item says when it is due (a date-only due date as
that day, not as the midnight after it), and each kind says how many of its items are overdue."""

from datetime import timedelta

from sqlalchemy import select

from app.auth.models import User
from app.core.clock import org_tz
from app.core.roles import Role
from app.escalations.models import StopTheLineAlert
from app.extensions import db
from app.reports.models import Report
from app.reviews.operations import ReviewInput, save_review
from tests.factories import login


def section(page: str, heading: str) -> str:
    start = page.index(heading)
    return page[start : page.index("</section>", start)]


def test_each_item_says_when_it_is_due_and_each_kind_how_many_are_overdue(app, make, frozen_now, org_day):
    make.user("dsp@x.test", regions=["North"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    late = make.report("dsp@x.test")
    at_risk = make.report("dsp@x.test", still_at_risk=True)
    with app.app_context():
        supervisor = db.session.scalar(select(User).where(User.email == "sup@x.test"))
        review = save_review(
            supervisor,
            ReviewInput(
                kind="brief_structured_review", title="Late review", reports=[db.session.get(Report, late)]
            ),
            today=org_day - timedelta(days=30),
        )
        due_day = review.due_date
        alert = db.session.scalar(select(StopTheLineAlert).where(StopTheLineAlert.report_id == at_risk))
        alert_due = (alert.raised_at + timedelta(minutes=15)).astimezone(org_tz())
        db.session.commit()
    assert due_day < org_day

    client = app.test_client()
    login(client, "sup@x.test")
    page = client.get("/work").get_data(as_text=True)

    reviews = section(page, "Reviews you own")
    assert '<span class="count">1</span> <span class="count overdue-count">1 overdue</span>' in reviews
    assert f"due by the end of {due_day:%d %b %Y}" in reviews
    alerts = section(page, "Stop-the-line alerts to acknowledge")
    assert "overdue-count" not in alerts
    assert f"due {alert_due:%d %b %Y, %H:%M}" in alerts


def test_a_role_with_nothing_waiting_is_offered_its_own_pages(app, make):
    make.user("safe@x.test", roles=[Role.SAFEGUARDING_LEAD], regions=[])
    make.user("trainer@x.test", roles=[Role.TRAINER], regions=[])
    offered = {}
    for email in ("safe@x.test", "trainer@x.test"):
        client = app.test_client()
        login(client, email)
        page = client.get("/work").get_data(as_text=True)
        assert "Nothing waits for you now." in page
        offered[email] = page
    assert '<a class="button" href="/safeguarding">Safeguarding decisions</a>' in offered["safe@x.test"]
    assert '<a class="button" href="/guides">Cue guides</a>' in offered["trainer@x.test"]
    assert "/safeguarding" not in offered["trainer@x.test"]
    assert "Cue guides" not in offered["safe@x.test"]
