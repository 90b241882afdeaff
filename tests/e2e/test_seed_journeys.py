"""Issue 17, "Must show": the three seed examples played end to end in Chromium by the roles involved.

1. A still-at-risk skin concern: the DSP reports it on the form, the on-call supervisor is alerted,
   acknowledges and asks for a same-day nurse review with the safeguards, the nurse takes it from
   their work and records the outcome the same day, the DSP sees that a supervisor acknowledged it.
2. An interface failure flagged by the reporter: routed to the region's operations lead as a pathway
   map on their work, mapped, and an action opened from it by operations.
3. A cluster: the quality lead sends it to a barrier review that has an owner and a due date,
   completes it in time and opens an action; the dashboard counts the review as completed in time.

The clock is pinned (``frozen_now``): the live server runs in this process and sees the same instant;
each browser context is set to it too (the form stamps reports with the device's time). Setting up
what is not the point of a step goes through the app's own functions; each key step is a click.
"""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.core.roles import Role
from app.escalations.models import NurseReview, StopTheLineAlert
from app.escalations.on_call import ShiftInput, add_shift
from app.extensions import db
from tests.e2e.conftest import sign_in
from tests.e2e.journeys import file_report, stored_reports, wait_for_service_worker
from tests.factories import PASSWORD

TABLET = {"width": 1024, "height": 768}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def device(browser, frozen_now):
    """Open a browser context of a given size with its clock at the pinned instant; each is closed
    at the end, and no page may have thrown a JavaScript error."""
    contexts, errors = [], []

    def open_device(viewport: dict, *, mobile: bool = False):
        context = browser.new_context(
            viewport=viewport, is_mobile=mobile, has_touch=True, device_scale_factor=2 if mobile else 1
        )
        context.clock.set_system_time(frozen_now)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        contexts.append(context)
        return page

    yield open_device
    for context in contexts:
        context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def _user_id(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def _fits(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"


def test_1_still_at_risk_skin_concern_to_a_same_day_nurse_review(
    app, make, frozen_now, live_server, device, artifacts
):
    make.user("dsp@x.test", regions=["North"])
    make.user("oncall@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("backup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("nurse@x.test", roles=[Role.NURSE], regions=["North"])
    with app.app_context():
        keeper = db.session.get(User, _user_id(app, "oncall@x.test"))
        add_shift(
            keeper,
            ShiftInput(
                sorted(keeper.region_ids)[0],
                keeper.id,
                "+1 555 010 2000",
                frozen_now - timedelta(hours=2),
                frozen_now + timedelta(hours=10),
            ),
        )
        db.session.commit()

    # The DSP lands on the form and reports that the person is still at risk.
    phone = device(PHONE, mobile=True)
    sign_in(phone, live_server, "dsp@x.test", PASSWORD)
    assert phone.inner_text("h1") == "Report a near miss"
    wait_for_service_worker(phone)
    file_report(
        phone,
        "Red patch on the left heel that was not in the handover",
        at_risk=True,
        category="skin_integrity",
        barrier="Skin check during personal care",
    )
    phone.wait_for_selector("#form-notice.sent", timeout=20_000)
    assert "Your supervisor is alerted now" in phone.inner_text("#form-notice")
    report_id = stored_reports(app)[-1].id

    # Only the supervisor on call is alerted first: the other supervisor has nothing to do yet.
    backup = device(TABLET)
    sign_in(backup, live_server, "backup@x.test", PASSWORD)
    assert "Stop-the-line alerts to acknowledge" not in backup.inner_text("main")
    assert backup.locator(".notifications-link .count").count() == 0

    # The on-call supervisor lands on their work: the alert first, with its acknowledgement clock.
    tablet = device(TABLET)
    sign_in(tablet, live_server, "oncall@x.test", PASSWORD)
    assert tablet.inner_text("h1") == "My work"
    assert tablet.locator(".notifications-link .count").inner_text() == "1"
    first = tablet.locator("main section.panel").first
    assert first.locator("h2").inner_text().startswith("Stop-the-line alerts to acknowledge")
    item = first.locator("li").first
    assert f"NM-{report_id} in North: someone may still be at risk" in item.inner_text()
    assert item.locator(".clock-running").inner_text().startswith("Acknowledge:")
    assert "left" in item.locator(".clock-running").inner_text()
    _fits(tablet)
    tablet.screenshot(path=str(artifacts / "seed1-supervisor-work-tablet.png"))

    item.locator("a").click()
    tablet.wait_for_url("**/alerts/*")
    tablet.locator("#acknowledge").click()
    assert "Acknowledged by Oncall at" in tablet.inner_text("main")
    tablet.fill("#safeguards", "Heel off-loaded, repositioning every 2 hours, mattress checked")
    tablet.check("#nurse_review")
    tablet.locator("#record-safeguards").click()
    page_text = tablet.inner_text("main")
    assert "Safeguards recorded" in page_text
    assert "Nurse review: requested, not taken yet" in page_text
    tablet.goto(f"{live_server}/work")
    assert "Stop-the-line alerts to acknowledge" not in tablet.inner_text("main")

    # The nurse finds it on their work with its same-day clock, takes it and records the outcome.
    nurse_page = device(TABLET)
    sign_in(nurse_page, live_server, "nurse@x.test", PASSWORD)
    assert nurse_page.inner_text("h1") == "My work"
    assert nurse_page.locator(".notifications-link .count").inner_text() == "1"
    reviews = nurse_page.locator("section.panel:has(h2:has-text('Nurse reviews'))")
    task = reviews.locator("li", has_text=f"NM-{report_id} in North: not taken yet")
    assert task.locator(".clock-running").inner_text().startswith("Nurse review:")
    task.locator("a").click()
    nurse_page.wait_for_url("**/nurse-reviews/*")
    facts = nurse_page.inner_text("dl.facts")
    assert "Heel off-loaded, repositioning every 2 hours, mattress checked" in facts
    assert "Not taken yet" in facts
    nurse_page.locator("#take-review").click()
    assert "It is yours now." in nurse_page.inner_text("main")
    assert "Nurse, took it" in nurse_page.inner_text("dl.facts")
    nurse_page.check("input[name=outcome][value=advice_given]")
    nurse_page.fill("#notes", "Grade 1 redness; advised two-hourly turns and a heel protector.")
    nurse_page.locator("#record-outcome").click()
    assert "Outcome recorded." in nurse_page.inner_text("main")
    assert "Advice given to the team" in nurse_page.inner_text("dl.facts")
    assert nurse_page.locator(".clock-met").inner_text().startswith("Nurse review ✓ in")
    nurse_page.goto(f"{live_server}/work")
    assert "Nothing waits for you now." in nurse_page.inner_text("main")

    tz = ZoneInfo(app.config["ORG_TIMEZONE"])
    with app.app_context():
        review = db.session.scalar(select(NurseReview).where(NurseReview.report_id == report_id))
        alert = db.session.scalar(select(StopTheLineAlert).where(StopTheLineAlert.report_id == report_id))
        assert review.owner.email == "nurse@x.test" and review.outcome == "advice_given"
        assert review.outcome_at <= review.due_at
        assert review.outcome_at.astimezone(tz).date() == alert.raised_at.astimezone(tz).date()
        assert alert.acknowledged_by.email == "oncall@x.test"

    # The DSP is told, in the app and on their report's page, in plain words.
    phone.goto(f"{live_server}/reports/{report_id}")
    assert phone.locator(".notifications-link .count").inner_text() == "1"
    steps = phone.locator(".progress li").all_inner_texts()
    assert [step.split(" ", 4)[-1] for step in steps] == ["Received", "A supervisor has it"], steps
    for staff_only in ("Oncall", "Heel off-loaded", "Nurse review", "Grade 1 redness"):
        assert staff_only not in phone.inner_text("main")
    phone.goto(f"{live_server}/notifications")
    assert f"Your report NM-{report_id}: a supervisor has acknowledged it" in phone.inner_text("main")
    phone.screenshot(path=str(artifacts / "seed1-dsp-alerts-phone.png"))


def test_2_interface_failure_routed_to_operations_who_map_it_and_open_an_action(
    app, make, frozen_now, org_day, live_server, device, artifacts
):
    make.user("dsp@x.test", regions=["North"])
    make.user("ops@x.test", roles=[Role.OPERATIONS_LEAD], regions=["North"])
    make.user("scheduler@x.test", roles=[Role.SCHEDULER], regions=["North"])

    # The DSP flags it on the form: the plan changed after a clinic visit and never reached the rota.
    phone = device(PHONE, mobile=True)
    sign_in(phone, live_server, "dsp@x.test", PASSWORD)
    wait_for_service_worker(phone)
    phone.locator("details.more summary").click()
    phone.select_option("#interface_tag", "plan_update")
    file_report(
        phone,
        "Clinic changed the follow-up plan; my shift sheet still had the old one",
        category="appointment_follow_up",
        barrier="The family phoned to confirm the new appointment",
    )
    phone.wait_for_selector("#form-notice.sent", timeout=20_000)
    report_id = stored_reports(app)[-1].id

    # It is routed to the region's operations lead: a pathway map on their work, with its clock.
    ops = device(TABLET)
    sign_in(ops, live_server, "ops@x.test", PASSWORD)
    assert ops.inner_text("h1") == "My work"
    assert ops.locator(".notifications-link .count").inner_text() == "1"
    owned = ops.locator("section.panel:has(h2:has-text('Reviews you own'))")
    task = owned.locator("li", has_text=f"Information pathway of NM-{report_id}")
    # Due by the end of the fourteenth day from today, in the organisation's time zone.
    assert re.fullmatch(r"Complete: 14 d \d+ h left", task.locator(".clock-running").inner_text())
    _fits(ops)
    ops.screenshot(path=str(artifacts / "seed2-operations-work-tablet.png"))
    task.locator("a").click()
    ops.wait_for_url("**/reviews/*")
    assert "Information-pathway map (interface failure) · Open" in ops.inner_text("main")
    assert ops.inner_text("dl.facts dt:has-text('Owner') + dd") == "Ops"  # the lead, not the scheduler
    facts = ops.inner_text("dl.facts")
    due = org_day + timedelta(days=14)
    assert f"Due {due:%d %b %Y}, in 14 days" in facts

    # The operations lead maps the information pathway and marks where it broke.
    ops.locator("a:has-text('Edit')").click()
    ops.fill("#held_on", org_day.isoformat())
    ops.fill("#participants", "Operations lead: Olu\nScheduler: Pat\nDSP: Dana")
    ops.fill(
        "#findings", "The plan change reached the scheduling system but no notice went to the next shift."
    )
    steps = [
        ("Clinic letter entered in the care record", "Scheduler, care record", "none"),
        ("Rota shift sheet regenerated", "Scheduling system", "no notice to the rostered DSP"),
        ("DSP reads the shift sheet", "DSP, phone app", "none"),
    ]
    for i, (what, where, confirmation) in enumerate(steps):
        ops.fill(f"input[name=step_{i}_what]", what)
        ops.fill(f"input[name=step_{i}_where]", where)
        ops.fill(f"input[name=step_{i}_confirmation]", confirmation)
    ops.check("input[name=broke_at][value='1']")
    ops.check("input[name=complete]")
    ops.locator("button.primary:has-text('Save review')").click()
    ops.wait_for_url("**/reviews/*")
    main = ops.inner_text("main")
    assert "Review saved." in main and "· Completed" in main
    assert f"Completed {org_day:%d %b %Y}, on time" in ops.inner_text("dl.facts")
    broke = ops.locator("ol.pathway li.broke")
    assert "Rota shift sheet regenerated" in broke.inner_text() and "It broke here" in broke.inner_text()

    # Operations opens an action from the map.
    ops.locator("a:has-text('Add an action')").click()
    ops.wait_for_url("**/actions/new*")
    ops.fill("#title", "Plan changes confirmed by the next shift")
    ops.fill("#change", "A changed plan sends the rostered DSP a notice they must confirm before the visit")
    ops.select_option("#owner_id", label="Ops")
    ops.check("input[name=strength][value=strong]")
    ops.check("input[name=interface_types][value=plan_update]")
    ops.fill("#report_ids", f"NM-{report_id}")
    ops.locator("button.primary:has-text('Save action')").click()
    ops.wait_for_url("**/actions/*")
    assert "Plan changes confirmed by the next shift" in ops.inner_text("h1")
    answers = ops.inner_text("dl.facts")
    assert f"NM-{report_id}" in answers and "R-" in answers
    ops.goto(f"{live_server}/work")
    work = ops.inner_text("main")
    assert "Reviews you own" not in work
    mine = ops.locator("section.panel:has(h2:has-text('Actions you own')) li")
    assert "Plan changes confirmed by the next shift" in mine.inner_text()
    assert mine.locator(".clock-running").inner_text().startswith("Put in place:")
