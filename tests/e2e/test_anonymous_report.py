"""The public journey of an anonymous report on a phone (issue 19, point 3): the form behind a
program's QR code, the receipt code shown once, the status page opened with that code; and the admin
page and the guide that show the QR code. Screenshots at 390 x 844 land in test-artifacts/."""

from sqlalchemy import select

from app.core.roles import Role
from app.extensions import db
from app.guides.defaults import DEFAULT_GUIDES
from app.guides.operations import guide_document
from app.guides.queries import public_reporting_link
from app.reports.models import Report
from tests.anonymous.helpers import program_with_link
from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_a_family_member_reports_from_the_qr_code_and_follows_it_with_the_receipt(
    app, make, live_server, phone, artifacts
):
    _, token = program_with_link(app, make)
    phone.goto(f"{live_server}/r/{token}")
    assert phone.locator("h1").inner_text() == "Tell us about a near miss"
    assert phone.get_by_text("call 911 first").is_visible()
    assert phone.locator("input[name=name], input[name=email], input[type=email]").count() == 0
    _no_sideways_scroll(phone)
    phone.screenshot(path=str(artifacts / "anonymous-form-390.png"), full_page=True)

    phone.get_by_text("Yes — still at risk").tap()
    phone.fill("#what_happened", "The bed rail on the left was loose when Dad leaned on it")
    phone.fill("#barrier", "I held the rail and moved him to the chair")
    phone.locator("label.category", has_text="Equipment or the home").tap()
    phone.get_by_role("button", name="Send").tap()
    phone.wait_for_selector("#receipt-code")
    code = phone.locator("#receipt-code").inner_text().strip()
    assert len(code) == 24 and code.count("-") == 4
    assert phone.get_by_text("it is shown only this once").is_visible()
    _no_sideways_scroll(phone)
    phone.screenshot(path=str(artifacts / "anonymous-receipt-390.png"), full_page=True)

    with app.app_context():
        report = db.session.scalar(select(Report))
        assert report.still_at_risk and report.reporter.name.startswith("Anonymous via link")

    phone.get_by_role("link", name="Tell us about something else").wait_for()
    phone.goto(f"{live_server}/report-status")
    phone.fill("#code", code.lower().replace("-", " "))
    phone.get_by_role("button", name="Show").tap()
    phone.wait_for_selector("text=Your report")
    assert "code" not in phone.url.split("/report-status", 1)[1], "the code never goes into the URL"
    assert phone.locator(".badge").first.inner_text() == "Received"
    assert phone.get_by_text("bed rail").count() == 0, "the status page shows the status, not the report"
    _no_sideways_scroll(phone)
    phone.screenshot(path=str(artifacts / "anonymous-status-390.png"), full_page=True)


def test_the_admin_page_and_the_guide_show_the_programs_qr_code(app, make, live_server, browser, artifacts):
    program_id, token = program_with_link(app, make)
    make.user("dsp@x.test", roles=(Role.DSP,), regions=["North"])
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        sign_in(page, live_server, "admin@x.test", PASSWORD)
        page.goto(f"{live_server}/admin/reporting-links")
        qr = page.locator(f"#program-{program_id} img.qr")
        assert qr.is_visible() and qr.evaluate("img => img.complete && img.naturalWidth > 0")
        assert page.get_by_text(f"/r/{token}").is_visible()
        _no_sideways_scroll(page)
        page.screenshot(path=str(artifacts / "admin-reporting-links-390.png"), full_page=True)
    finally:
        context.close()

    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        sign_in(page, live_server, "dsp@x.test", PASSWORD)
        page.goto(f"{live_server}/guides/dsp")
        section = page.locator(".public-qr-list li", has_text="Supported living - Elm St")
        assert section.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
        _no_sideways_scroll(page)
        page.screenshot(path=str(artifacts / "guide-public-qr-390.png"), full_page=True)
    finally:
        context.close()

    # The printed guide's HTML (what WeasyPrint draws the PDF from) on a Letter-sized page, to look at.
    with app.test_request_context():
        html = guide_document(DEFAULT_GUIDES["dsp"], "dsp", "letter", None, public_reporting_link(program_id))
    context = browser.new_context(viewport={"width": 816, "height": 1056})
    page = context.new_page()
    try:
        page.set_content(html)
        page.emulate_media(media="print")
        strip = page.locator(".public-link")
        assert strip.is_visible() and "call 911" in strip.inner_text()
        assert strip.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
        page.screenshot(path=str(artifacts / "guide-letter-public-qr.png"), full_page=True)
    finally:
        context.close()
