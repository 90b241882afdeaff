"""Anonymous reports by QR code (issue 19, point 3): an administrator's public link per program, the
form anyone with the link can send, nothing about the sender kept, the link rotated or closed, the
receipt code that shows its own report only, and the report in triage marked anonymous."""

import json

from sqlalchemy import select, text

from app.anonymous.models import AnonymousReport, ReportingLink
from app.auth.models import User
from app.core.audit.models import AuditEvent
from app.core.roles import Role
from app.extensions import db
from app.reports.models import Report
from tests.anonymous.helpers import (
    SENDER,
    admin_client,
    admin_post,
    answers,
    current_token,
    program_with_link,
    receipt_code,
    send,
)
from tests.factories import csrf_from_page, login


def _every_stored_value(app) -> str:
    """Every value of every row of every table, as one text to search."""
    with app.app_context():
        parts = []
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(select(table)):
                parts.append(" ".join(str(value) for value in row))
        return "\n".join(parts)


def test_an_administrator_turns_a_link_on_with_an_unguessable_token_and_its_qr_code(app, make):
    make.user("admin@x.test", roles=(Role.ADMIN,), regions=["North"])
    make.user("dsp@x.test", regions=["North"])
    program_id, _ = program_with_link(app, make)
    with app.app_context():
        db.session.execute(text("DELETE FROM anonymous_reports"))
        link = db.session.scalar(select(ReportingLink))
        db.session.delete(link)
        db.session.commit()
    admin = admin_client(app)
    page = admin.get("/admin/reporting-links")
    assert page.status_code == 200 and "Turn on a public link" in page.get_data(as_text=True)
    turned_on = admin_post(admin, f"/admin/reporting-links/{program_id}/open")
    assert turned_on.status_code == 302
    token = current_token(app, program_id)
    assert len(token) >= 24 and str(program_id) != token
    html = admin.get("/admin/reporting-links").get_data(as_text=True)
    assert f"/r/{token}" in html and "data:image/svg+xml" in html
    assert "Rotate" in html and "Close" in html
    assert admin_post(admin, f"/admin/reporting-links/{program_id}/open").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(ReportingLink)) == 1, (
            "one link a program"
        )
        account = db.session.scalar(select(ReportingLink)).reporter
        assert not account.active and account.password_hash is None and not account.roles
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "reporting_link.open"))

    dsp = app.test_client()
    login(dsp, "dsp@x.test")
    assert dsp.get("/admin/reporting-links").status_code == 403
    token_form = {"csrf_token": csrf_from_page(dsp, "/report")}
    assert dsp.post(f"/admin/reporting-links/{program_id}/rotate", data=token_form).status_code == 403
    assert current_token(app, program_id) == token


def test_anyone_with_the_link_sends_a_report_and_nothing_about_them_is_stored_or_logged(
    app, make, frozen_now, caplog
):
    program_id, token = program_with_link(app, make)
    sender = app.test_client()
    form = answers(sender, token, frozen_now, still_at_risk="no")
    page_html = sender.get(f"/r/{token}", environ_base=SENDER).get_data(as_text=True)
    assert "911" in page_html and "name" not in [f.lower() for f in form]
    assert 'name="name"' not in page_html and 'name="email"' not in page_html
    with caplog.at_level("DEBUG"):
        receipt = send(sender, token, form)
    assert receipt.status_code == 200
    assert receipt.headers["Cache-Control"] == "no-store"
    code = receipt_code(receipt.get_data(as_text=True))
    assert len(code) == 24

    with app.app_context():
        report = db.session.scalar(select(Report))
        mark = db.session.get(AnonymousReport, report.id)
        link = db.session.scalar(select(ReportingLink).where(ReportingLink.token == token))
        assert report.reporter_id == link.reporter_id and report.program_id == program_id
        assert report.region_id == link.program.region_id and not report.confidential
        assert mark.link_id == link.id and mark.receipt_hash != code and not mark.alert_held
        submit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "report.submit"))
        assert submit.actor_id == link.reporter_id
        assert json.loads(submit.after)["via"] == f"anonymous via link {link.id}"
        account = db.session.get(User, link.reporter_id)
        assert account.name == f"Anonymous via link {link.id}"
    with app.test_request_context(headers={"Accept-Language": "es"}):
        assert account.shown_name == f"Anónimo por el enlace {link.id}", "the history names it in Spanish"

    stored = _every_stored_value(app)
    assert SENDER["REMOTE_ADDR"] not in stored
    assert "UniqueAgent-4471" not in stored and "SenderPhone" not in stored
    assert code not in stored and code.replace("-", "") not in stored, "only the code's hash is kept"

    logged = "\n".join([r.getMessage() for r in caplog.records] + [str(r.args) for r in caplog.records])
    assert SENDER["REMOTE_ADDR"] not in logged and "UniqueAgent-4471" not in logged
    assert token not in logged and code not in logged
    (line,) = [json.loads(r.getMessage()) for r in caplog.records if r.name == "nearmiss.request"]
    assert line["route"] == "/r/<token>" and line["user_id"] is None and line["status"] == 200


def test_the_form_keeps_what_was_typed_when_an_answer_is_missing_or_the_token_is_stale(app, make, frozen_now):
    _, token = program_with_link(app, make)
    sender = app.test_client()
    form = answers(sender, token, frozen_now, barrier="")
    refused = send(sender, token, form)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Say what caught it." in html and form["what_happened"] in html
    stale = send(sender, token, {**answers(sender, token, frozen_now), "csrf_token": "stale"})
    assert stale.status_code == 400
    assert "The form had expired" in stale.get_data(as_text=True)
    assert "evening pills" in stale.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Report)) == 0


def test_the_same_form_sent_twice_files_once_and_shows_the_code_only_the_first_time(app, make, frozen_now):
    _, token = program_with_link(app, make)
    sender = app.test_client()
    form = answers(sender, token, frozen_now)
    first = send(sender, token, form)
    again = send(sender, token, form)
    assert first.status_code == again.status_code == 200
    assert 'id="receipt-code"' in first.get_data(as_text=True)
    assert 'id="receipt-code"' not in again.get_data(as_text=True)
    assert "already arrived" in again.get_data(as_text=True)
    other = send(sender, token, {**form, "what_happened": "Something else entirely"})
    assert other.status_code == 409 and "already used" in other.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Report)) == 1


def test_a_rotated_link_is_refused_with_a_clear_page_and_the_new_one_works(app, make, frozen_now):
    program_id, old = program_with_link(app, make)
    sender = app.test_client()
    form = answers(sender, old, frozen_now)
    admin = admin_client(app)
    assert admin_post(admin, f"/admin/reporting-links/{program_id}/rotate").status_code == 302
    new = current_token(app, program_id)
    assert new != old

    refused = sender.get(f"/r/{old}")
    assert refused.status_code == 410
    assert "replaced by a new one" in refused.get_data(as_text=True)
    assert "911" in refused.get_data(as_text=True)
    assert send(sender, old, form).status_code == 410, "a form opened before the rotation is refused too"
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Report)) == 0

    assert send(sender, new, answers(sender, new, frozen_now)).status_code == 200

    assert admin_post(admin, f"/admin/reporting-links/{program_id}/close").status_code == 302
    closed = sender.get(f"/r/{new}")
    assert closed.status_code == 410 and "has been closed" in closed.get_data(as_text=True)
    unknown = sender.get("/r/never-issued-token-0000000")
    assert unknown.status_code == 404 and "not known" in unknown.get_data(as_text=True)
    with app.app_context():
        actions = list(
            db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "reporting_link"))
        )
        assert actions == ["reporting_link.open", "reporting_link.rotate", "reporting_link.close"]


def _status(client, code):
    token_page = client.get("/report-status").get_data(as_text=True)
    csrf = token_page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    return client.post("/report-status", data={"csrf_token": csrf, "code": code})


def test_the_receipt_code_shows_its_own_report_only_and_nothing_more(app, make, frozen_now):
    from app.feedback.operations import FeedbackInput, publish
    from app.reports.models import ReportStatus

    _, token = program_with_link(app, make)
    make.user("quality@x.test", roles=(Role.QUALITY_LEAD,), regions=["North"])
    sender = app.test_client()
    first = receipt_code(send(sender, token, answers(sender, token, frozen_now)).get_data(as_text=True))
    second_form = answers(
        sender, token, frozen_now, category="equipment_environment", what_happened="Gate left open"
    )
    second = receipt_code(send(sender, token, second_form).get_data(as_text=True))
    with app.app_context():
        one, two = db.session.scalars(select(Report).order_by(Report.id))
        two.status = ReportStatus.CLOSED.value
        quality = db.session.scalar(select(User).where(User.email == "quality@x.test"))
        publish(
            quality,
            FeedbackInput(
                "Pill boxes now checked twice", "Two people check each box.", "Mix-ups", report_ids=[one.id]
            ),
        )
        publish(
            quality,
            FeedbackInput("New gate latch", "The gate closes by itself.", "Left open", report_ids=[two.id]),
        )
        db.session.commit()

    page = _status(app.test_client(), first.lower().replace("-", " "))
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    assert "Pill boxes now checked twice" in html and "Two people check each box." in html
    assert "Received" in html
    assert "New gate latch" not in html and "Closed" not in html, "nothing of the other report"
    assert "evening pills" not in html and "Gate left open" not in html, "not even what was sent"
    assert "Quality" not in html, "no staff names"
    assert "NM-" not in html, "no report numbers to guess others by"

    other = _status(app.test_client(), second).get_data(as_text=True)
    assert "New gate latch" in other and "Pill boxes" not in other

    wrong = _status(app.test_client(), first[:-1] + ("A" if first[-1] != "A" else "B"))
    unknown = _status(app.test_client(), "not a code")
    assert wrong.status_code == unknown.status_code == 404
    assert "No report matches this code" in wrong.get_data(as_text=True)
    strip = lambda r: r.get_data(as_text=True).split('name="csrf_token" value="')[0]  # noqa: E731
    assert strip(wrong) == strip(unknown), "a wrong code and an unknown one answer the same"

    in_url = app.test_client().get(f"/report-status?code={first}")
    assert "Pill boxes" not in in_url.get_data(as_text=True), "a code in the URL is not read"


def test_an_anonymous_report_arrives_in_triage_marked_anonymous(app, make, frozen_now):
    _, token = program_with_link(app, make)
    make.user("supervisor@x.test", roles=(Role.SUPERVISOR,), regions=["North"])
    sender = app.test_client()
    send(sender, token, answers(sender, token, frozen_now, still_at_risk="yes"))
    supervisor = app.test_client()
    login(supervisor, "supervisor@x.test")
    queue = supervisor.get("/triage").get_data(as_text=True)
    assert "Anonymous" in queue and "Still at risk" in queue
    with app.app_context():
        report_id = db.session.scalar(select(Report.id))
    detail = supervisor.get(f"/reports/{report_id}").get_data(as_text=True)
    assert "Sent without an account" in detail and "Supported living - Elm St" in detail


def test_a_links_own_account_is_not_in_the_user_list_and_cannot_be_opened(app, make):
    _, token = program_with_link(app, make)
    with app.app_context():
        account_id = db.session.scalar(select(ReportingLink.reporter_id).where(ReportingLink.token == token))
    admin = admin_client(app)
    listing = admin.get("/admin/users?status=inactive").get_data(as_text=True)
    assert "Anonymous via link" not in listing
    assert "Anonymous via link" not in admin.get("/admin/users?q=anonymous").get_data(as_text=True)
    assert admin.get(f"/admin/users/{account_id}").status_code == 404
    assert "admin@x.test" in admin.get("/admin/users").get_data(as_text=True), "people are still listed"


def test_the_public_form_names_the_emergency_number_of_the_organisations_jurisdiction(app, make, client):
    from app.core.jurisdiction import set_jurisdiction

    make.user("admin@x.test", roles=(Role.ADMIN,), regions=["North"])
    _, token = program_with_link(app, make)
    assert "call 911 first" in client.get(f"/r/{token}").get_data(as_text=True)
    with app.app_context():
        set_jurisdiction("uk", "", actor=db.session.scalar(select(User).where(User.email == "admin@x.test")))
        db.session.commit()
    html = client.get(f"/r/{token}").get_data(as_text=True)
    assert "call 999 first" in html and "911" not in html
