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
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from app.auth.models import User
from app.core.dates import monday
from app.core.roles import Role
from app.dashboard.operations import detect_clusters
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
    assert re.fullmatch(r"Review due: 14 d \d+ h left", task.locator(".clock-running").inner_text())
    _fits(ops)
    ops.screenshot(path=str(artifacts / "seed2-operations-work-tablet.png"))
    # The region's scheduler sees it too, as the operations lead's.
    scheduler = device(TABLET)
    sign_in(scheduler, live_server, "scheduler@x.test", PASSWORD)
    shared = scheduler.locator("section.panel:has(h2:has-text('Interface failures in your regions')) li")
    assert f"Information pathway of NM-{report_id} · Ops has it" in shared.inner_text()
    assert shared.locator(".clock-running").inner_text().startswith("Map:")

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


def test_3_cluster_to_a_barrier_review_completed_in_time_and_an_action(
    app, make, frozen_now, org_day, live_server, device, artifacts
):
    make.user("dsp@x.test", regions=["North"])
    make.user("dsp2@x.test", regions=["North"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    tz = ZoneInfo(app.config["ORG_TIMEZONE"])
    last_week = monday(org_day) - timedelta(weeks=1)
    cluster = [
        make.report(
            email,
            category="scheduling_rota",
            occurred_at=datetime.combine(last_week + timedelta(days=day), time(7, 30), tzinfo=tz).isoformat(),
            what_happened=f"Shift start moved at the last minute; nobody confirmed who covered ({day})",
        )
        for email, day in (("dsp@x.test", 0), ("dsp2@x.test", 1), ("dsp@x.test", 2), ("dsp2@x.test", 3))
    ]
    with app.app_context():
        quality = db.session.scalar(select(User).where(User.email == "quality@x.test"))
        assert detect_clusters(last_week, tz=tz, actor=quality)
        db.session.commit()

    # The quality lead's work shows the cluster; they send it to a barrier review, which they own.
    desk = device(TABLET)
    sign_in(desk, live_server, "quality@x.test", PASSWORD)
    # (Both methods flag this week's four reports: one cluster, not two of the same reports.)
    waiting = desk.locator(
        "section.panel:has(h2:has-text('Clusters awaiting review')) li",
        has_text=f"Scheduling and staffing in North: 4 reports, week of {last_week:%d %b %Y}",
    )
    assert waiting.count() == 1
    assert waiting.locator(".clock-running").inner_text().startswith("Decide:")
    waiting.locator("a").click()
    desk.wait_for_url("**/dashboard/clusters*")
    found = desk.locator("li.cluster", has_text="Scheduling and staffing · North")
    assert found.count() == 1
    found.locator("button:has-text('Send to a barrier review')").click()
    desk.wait_for_url("**/reviews/*/edit")
    assert "A barrier review was started for the cluster." in desk.inner_text("main")
    due = org_day + timedelta(days=30)  # the barrier review's setting
    assert desk.input_value("#due_date") == due.isoformat()
    review_url = desk.url.removesuffix("/edit")
    desk.goto(f"{live_server}/work")
    owned = desk.locator("section.panel:has(h2:has-text('Reviews you own')) li")
    assert "Cluster: Scheduling and staffing in North" in owned.inner_text()
    assert f"due by the end of {due:%d %b %Y}" in owned.inner_text()

    # Ten days on, within its thirty, the review is held and completed.
    held = frozen_now + timedelta(days=10)
    held_day = held.astimezone(tz).date()
    with time_machine.travel(held, tick=True):
        desk.context.clock.set_system_time(held)
        sign_in(desk, live_server, "quality@x.test", PASSWORD)
        owned = desk.locator("section.panel:has(h2:has-text('Reviews you own')) li")
        assert re.fullmatch(r"Review due: 20 d \d+ h left", owned.locator(".clock-running").inner_text())
        desk.goto(review_url)
        assert desk.inner_text("dl.facts dt:has-text('Owner') + dd") == "Quality"
        assert (
            desk.inner_text("dl.facts dt:has-text('Clock') + dd")
            == f"Due {due:%d %b %Y}, in {(due - held_day).days} days"
        )
        desk.locator("a:has-text('Edit')").click()
        desk.fill("#held_on", held_day.isoformat())
        desk.fill("#duration_minutes", "30")
        desk.fill("#participants", "Quality lead: Quinn\nSupervisor: Sam\nScheduler: Pat")
        desk.fill("#findings", "Rota changes after 18:00 reach the DSP by text only; coverage is assumed.")
        desk.fill("#root_pattern", "Last-minute rota changes and no one named as having confirmed cover.")
        desk.check("input[name=complete]")
        desk.locator("button.primary:has-text('Save review')").click()
        desk.wait_for_url(review_url)
        assert "Barrier review of a cluster · Completed" in desk.inner_text("main")
        assert (
            desk.inner_text("dl.facts dt:has-text('Clock') + dd") == f"Completed {held_day:%d %b %Y}, on time"
        )

        # The action: a coverage lock, tested for two weeks, answering the cluster's reports.
        desk.locator("a:has-text('Add an action')").click()
        desk.wait_for_url("**/actions/new*")
        starts = held_day + timedelta(days=7)
        desk.fill("#title", "Coverage lock at 18:00 the day before")
        desk.fill(
            "#change", "Rota changes after the cut-off need a supervisor's sign-off and a named confirmer"
        )
        desk.select_option("#owner_id", label="Quality")
        desk.fill("#due_date", starts.isoformat())
        desk.check("input[name=strength][value=intermediate]")
        desk.fill("#window_start", starts.isoformat())
        desk.fill("#window_end", (starts + timedelta(days=13)).isoformat())
        desk.locator("label.check:has-text('Scheduling and staffing') input").check()
        desk.locator("label.check:has-text('North') input").check()
        desk.fill("#report_ids", ", ".join(f"NM-{i}" for i in cluster))
        desk.locator("button.primary:has-text('Save action')").click()
        desk.wait_for_url("**/actions/*")
        assert "Coverage lock at 18:00 the day before" in desk.inner_text("h1")
        answers = desk.inner_text("dl.facts dt:has-text('Answers') + dd")
        assert all(f"NM-{i}" in answers for i in cluster) and "R-" in answers

        # The dashboard counts the review among those completed by their due date.
        desk.goto(f"{live_server}/dashboard/timeliness?from={last_week}&to={due}")
        row = desk.locator("tr", has_text="Reviews completed by their due date").first
        assert row.locator("td").all_inner_texts() == [
            "Reviews completed by their due date",
            "1",
            "1",
            "100%",
        ]
        _fits(desk)
        desk.locator("#timeliness-title").scroll_into_view_if_needed()
        desk.screenshot(path=str(artifacts / "seed3-dashboard-review-in-time-tablet.png"))
