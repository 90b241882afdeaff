"""A DSP on a phone files a near miss with thumbs only; the form fits a 390px screen."""

from sqlalchemy import select

from app.extensions import db
from app.reports.models import Report
from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD


def test_phone_report_journey(app, make, live_server, phone, artifacts):
    make.user("dsp@x.test", regions=["North"])
    sign_in(phone, live_server, "dsp@x.test", PASSWORD)
    assert phone.url.endswith("/report")

    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page scrolls sideways by {overflow}px at 390px wide"
    phone.screenshot(path=str(artifacts / "report-form-phone.png"), full_page=True)

    yes_no = phone.locator(".yes-no .choice span")
    assert yes_no.count() == 2
    for index in range(2):
        box = yes_no.nth(index).bounding_box()
        assert box["height"] >= 56 and box["width"] >= 150

    phone.locator("label.choice:has(input[value=no])").tap()
    phone.fill("#what_happened", "Bed rail loose at the top")
    phone.locator("label.category:has(input[value=equipment_environment])").tap()
    phone.fill("#barrier", "Checked before bedtime")
    phone.locator("button.big").tap()
    phone.wait_for_selector(".form-notice.sent")
    assert "your report is in" in phone.inner_text("#form-notice")
    phone.screenshot(path=str(artifacts / "report-sent-phone.png"), full_page=True)

    with app.app_context():
        report = db.session.scalar(select(Report))
        assert report.what_happened == "Bed rail loose at the top"
        assert report.still_at_risk is False
        assert report.category.code == "equipment_environment"


def test_missing_answers_are_shown_next_to_the_fields(make, live_server, phone, artifacts):
    make.user("dsp@x.test", regions=["North"])
    sign_in(phone, live_server, "dsp@x.test", PASSWORD)
    phone.fill("#what_happened", "Typed text survives")
    phone.locator("button.big").tap()
    phone.wait_for_selector(".field-error")
    assert phone.input_value("#what_happened") == "Typed text survives"
    assert "Answer yes or no." in phone.content()
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    phone.screenshot(path=str(artifacts / "report-form-errors-phone.png"), full_page=True)
