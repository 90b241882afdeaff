"""At tablet size: a still-at-risk report reaches the supervisor, who acknowledges, records
safeguards and triages with the proposed review level; the report's history shows each step."""

import pytest

from app.core.roles import Role
from tests.e2e.conftest import sign_in
from tests.e2e.journeys import file_report, stored_reports, wait_for_service_worker
from tests.factories import PASSWORD


@pytest.fixture
def tablet(browser):
    context = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], errors


def test_stop_the_line_to_triage_on_a_tablet(app, make, live_server, phone, tablet, artifacts):
    make.user("dsp@x.test", regions=["North"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    for words in ("Red heel found but it was not in the handover notes", "Earlier skin report"):
        make.report("dsp@x.test", category="skin_integrity", what_happened=words)

    sign_in(phone, live_server, "dsp@x.test", PASSWORD)
    wait_for_service_worker(phone)
    file_report(
        phone,
        "Red heel not in the handover",
        at_risk=True,
        category="skin_integrity",
        barrier="Skin check during personal care",
    )
    phone.wait_for_selector("#form-notice.sent", timeout=20_000)
    assert "supervisor is alerted now" in phone.inner_text("#form-notice")
    report_id = stored_reports(app)[-1].id

    sign_in(tablet, live_server, "sup@x.test", PASSWORD)
    tablet.goto(f"{live_server}/triage")
    assert tablet.locator(".notifications-link .count").inner_text() == "1"
    alert = tablet.locator(".alert-item.unacknowledged")
    assert f"NM-{report_id}" in alert.inner_text()
    assert tablet.locator("table.queue tbody tr").first.inner_text().startswith(f"NM-{report_id}")
    overflow = tablet.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    tablet.screenshot(path=str(artifacts / "triage-queue-tablet.png"))

    alert.locator("a").click()
    tablet.locator("#acknowledge").click()
    assert "Acknowledged by Sup" in tablet.content()
    tablet.fill("#safeguards", "Heel off-loaded, repositioning every 2 hours, nurse visit today")
    tablet.locator("#record-safeguards").click()
    assert "Safeguards recorded" in tablet.content()

    tablet.goto(f"{live_server}/triage/{report_id}")
    # One earlier report tells of the same thing (similar wording, same region and category): a repeat.
    assert tablet.get_attribute("#recurrence-proposed", "data-value") == "repeat"
    assert "similar wording (0.85), same region, same category" in tablet.inner_text("ul.similar")
    tablet.locator("label.choice:has(input[name=still_at_risk_now][value=no])").click()
    tablet.locator("label.choice:has(input[name=severity][value=high])").click()
    tablet.fill("#minimum_investigation", "Barrier review of skin checks and handover with nursing")
    assert tablet.inner_text("#proposed-level") == "Full systems review"
    assert tablet.input_value("#review_level") == "full_systems_review"
    assert tablet.locator("#override-box").is_hidden()
    assert tablet.locator("#downgrade-box").is_hidden()
    # Less than a barrier review for a high potential report is a downgrade: the script shows the
    # listed reasons instead of the override reason, and hides them again at the proposal.
    tablet.select_option("#review_level", "brief_structured_review")
    assert tablet.locator("#downgrade-box").is_visible()
    assert tablet.locator("#override-box").is_hidden()
    assert "Duplicate of another report" in tablet.inner_text("#downgrade_reason")
    tablet.select_option("#review_level", "full_systems_review")
    assert tablet.locator("#downgrade-box").is_hidden()
    # Viewport-sized shots: a full-page capture resizes the tablet and can swallow the next click.
    tablet.evaluate("window.scrollTo(0, 0)")
    tablet.screenshot(path=str(artifacts / "triage-form-tablet.png"))
    tablet.evaluate("document.querySelector('#review_level').scrollIntoView({block: 'center'})")
    tablet.screenshot(path=str(artifacts / "triage-form-lower-tablet.png"))
    with tablet.expect_navigation():
        tablet.locator("button.big").click()
    assert tablet.locator(".field-error").all_inner_texts() == []
    assert f"NM-{report_id} triaged." in tablet.content()

    tablet.goto(f"{live_server}/reports/{report_id}")
    history = tablet.inner_text(".history")
    steps = [
        "Report sent",
        "Stop the line raised",
        "Stop the line acknowledged",
        "Stop the line: safeguards recorded",
        "Triaged",
    ]
    positions = [history.index(step) for step in steps]
    assert positions == sorted(positions), history
    assert "Full systems review" in tablet.content()
    assert "Stop-the-line acknowledged ✓" in tablet.content()
    tablet.locator(".history").scroll_into_view_if_needed()
    tablet.screenshot(path=str(artifacts / "report-history-tablet.png"))


def test_two_people_triaging_at_once_on_tablets(app, make, live_server, browser, artifacts):
    """The second save is refused with the first person's answers beside theirs; the form keeps what
    they typed (the page script still proposes from the matrix) and saving again replaces the first."""
    make.user("dsp@x.test", regions=["North"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    report_id = make.report("dsp@x.test", category="skin_integrity")
    pages = []
    for email in ("sup@x.test", "quality@x.test"):
        context = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
        page = context.new_page()
        sign_in(page, live_server, email, PASSWORD)
        page.goto(f"{live_server}/triage/{report_id}")
        pages.append(page)
    first, second = pages

    def answer(page, severity, investigation):
        page.locator("label.choice:has(input[name=still_at_risk_now][value=no])").click()
        page.locator(f"label.choice:has(input[name=severity][value={severity}])").click()
        page.fill("#minimum_investigation", investigation)
        with page.expect_navigation():
            page.locator("button.big").click()

    answer(first, "low", "Ask the day shift what the handover said")
    assert f"NM-{report_id} triaged." in first.content()
    answer(second, "high", "Barrier review of skin checks with nursing")

    conflict = second.locator("#edit-conflict")
    assert "Sup saved this" in conflict.inner_text()
    assert "Ask the day shift what the handover said" in conflict.locator("td.theirs").all_inner_texts()
    assert second.input_value("#minimum_investigation") == "Barrier review of skin checks with nursing"
    assert second.inner_text("#proposed-level") == "Barrier review"
    assert second.input_value("#review_level") == "barrier_review"
    second.screenshot(path=str(artifacts / "triage-conflict-tablet.png"))
    with second.expect_navigation():
        second.locator("button.big").click()
    assert f"NM-{report_id} triaged." in second.content()
    for page in pages:
        page.context.close()
