"""Spam and abuse: the public form is rate limited per sender address and link (the address only
counted, as an HMAC, never stored or logged), receipt codes can't be tried at speed, and a link's
still-at-risk reports raise at most one stop-the-line alert a minute; the rest go to the top of
triage instead of being dropped."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.anonymous.models import AnonymousReport, ReportingLink
from app.anonymous.operations import submit_anonymous_report
from app.escalations.models import StopTheLineAlert
from app.extensions import db
from app.reports.models import Report
from app.reports.operations import SubmissionSettings
from tests.anonymous.helpers import SENDER, answers, program_with_link, send

OTHER_SENDER = {**SENDER, "REMOTE_ADDR": "198.51.100.20"}


@pytest.fixture
def limited_app(app):
    from app import create_app
    from app.config import TestConfig
    from app.extensions import limiter

    class Limited(TestConfig):
        RATELIMIT_ENABLED = True
        ANONYMOUS_REPORT_LIMITS = "2 per minute"
        ANONYMOUS_LINK_LIMITS = "4 per minute"
        RECEIPT_LOOKUP_LIMITS = "3 per minute"

    yield create_app(Limited)
    limiter.reset()
    limiter.enabled = False


def test_reports_are_limited_per_address_and_link_and_the_address_is_never_logged(
    limited_app, make, frozen_now, caplog
):
    _, token = program_with_link(limited_app, make)
    _, other_token = program_with_link(limited_app, make, program="Day services - Oak Ave")
    sender = limited_app.test_client()
    for _ in range(2):
        assert send(sender, token, answers(sender, token, frozen_now)).status_code == 200
    form = answers(sender, token, frozen_now, what_happened="A third one typed in full")
    with caplog.at_level("DEBUG"):
        refused = send(sender, token, form)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    html = refused.get_data(as_text=True)
    assert "Too many reports from here" in html and "A third one typed in full" in html, "answers kept"
    logged = "\n".join([r.getMessage() for r in caplog.records] + [str(r.args) for r in caplog.records])
    assert SENDER["REMOTE_ADDR"] not in logged and "203.0.113" not in logged

    assert send(sender, other_token, answers(sender, other_token, frozen_now)).status_code == 200, "per link"
    neighbour = limited_app.test_client()
    assert send(neighbour, token, answers(neighbour, token, frozen_now), OTHER_SENDER).status_code == 200
    with limited_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Report)) == 4


def test_a_link_takes_a_bounded_number_of_reports_from_everyone_together(limited_app, make, frozen_now):
    _, token = program_with_link(limited_app, make)
    statuses = []
    for number in range(5):
        client = limited_app.test_client()
        environ = {**SENDER, "REMOTE_ADDR": f"192.0.2.{number + 1}"}
        statuses.append(send(client, token, answers(client, token, frozen_now), environ).status_code)
    assert statuses == [200, 200, 200, 200, 429]


def test_receipt_codes_cannot_be_tried_at_speed(limited_app, make):
    client = limited_app.test_client()
    page = client.get("/report-status", environ_base=SENDER).get_data(as_text=True)
    csrf = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    tries = [
        client.post(
            "/report-status",
            data={"csrf_token": csrf, "code": f"AAAA-AAAA-AAAA-AAAA-AAA{n}"},
            environ_base=SENDER,
        )
        for n in range(4)
    ]
    assert [t.status_code for t in tries] == [404, 404, 404, 429]
    assert "Too many codes tried" in tries[-1].get_data(as_text=True)


def _submit(app, token, now, *, still_at_risk=True, category="medication"):
    with app.app_context():
        link = db.session.scalar(select(ReportingLink).where(ReportingLink.token == token))
        raw = {
            "client_uuid": str(__import__("uuid").uuid4()),
            "what_happened": "Bed rail loose on the left side",
            "barrier": "I held it before he leaned on it",
            "category": category,
            "occurred_at": (now - timedelta(minutes=30)).isoformat(),
            "still_at_risk": still_at_risk,
        }
        submission = submit_anonymous_report(link, raw, SubmissionSettings.from_config(app.config), now=now)
        db.session.commit()
        return submission


def _alerts(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(StopTheLineAlert))


def test_one_stop_the_line_alert_a_minute_per_link_and_the_rest_held_for_triage(app, make, frozen_now):
    _, token = program_with_link(app, make)
    _, other = program_with_link(app, make, program="Day services - Oak Ave")
    first = _submit(app, token, frozen_now)
    assert first.alert_raised and _alerts(app) == 1
    held = [_submit(app, token, frozen_now + timedelta(seconds=s)) for s in (1, 30, 59)]
    assert not any(s.alert_raised for s in held) and _alerts(app) == 1
    assert _submit(app, other, frozen_now + timedelta(seconds=2)).alert_raised, (
        "another link has its own minute"
    )
    assert _alerts(app) == 2
    later = _submit(app, token, frozen_now + timedelta(seconds=61))
    assert later.alert_raised and _alerts(app) == 3
    not_at_risk = _submit(app, token, frozen_now + timedelta(seconds=62), still_at_risk=False)
    assert not not_at_risk.alert_raised
    with app.app_context():
        marks = {m.report_id: m.alert_held for m in db.session.scalars(select(AnonymousReport))}
        assert sorted(marks[s.report_id] for s in held) == [True, True, True]
        assert marks[first.report_id] is False and marks[later.report_id] is False
        assert marks[not_at_risk.report_id] is False
        reports = {r.id: r for r in db.session.scalars(select(Report))}
        assert all(reports[s.report_id].still_at_risk for s in held), "held, not dropped: still at risk"


def test_held_reports_are_flagged_at_the_top_of_triage(app, make, frozen_now):
    from app.core.roles import Role
    from tests.factories import login

    _, token = program_with_link(app, make)
    make.user("supervisor@x.test", roles=(Role.SUPERVISOR,), regions=["North"])
    _submit(app, token, frozen_now - timedelta(minutes=5), still_at_risk=False)
    _submit(app, token, frozen_now - timedelta(seconds=20))
    held = _submit(app, token, frozen_now - timedelta(seconds=10))
    supervisor = app.test_client()
    login(supervisor, "supervisor@x.test")
    queue = supervisor.get("/triage").get_data(as_text=True)
    assert queue.count("Alert held: check now") == 1
    rows = queue.split("<tbody>", 1)[1].split("<tr")[1:]
    assert f"NM-{held.report_id}<" in "".join(rows[:2]), "held reports come before the calm one"
    detail = supervisor.get(f"/reports/{held.report_id}").get_data(as_text=True)
    assert "no alert was sent" in detail
