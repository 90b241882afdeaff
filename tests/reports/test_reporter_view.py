"""What a reporter sees of their own report: its status in plain words and the changes it led to,
never the safeguarding, external-duty, triage or review work behind it, nor who did that work.

The scenario puts every kind of audit event that can be written about a report onto one report and
checks that it did, so a reporter's page is tested against all of them.
"""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from app.core.roles import Role
from app.extensions import db
from tests.factories import login

FROZEN_AT = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)  # a Monday, 09:30 in the organisation's zone
TZ = ZoneInfo("America/New_York")

EVERY_REPORT_EVENT_KIND = {
    "report.submit",
    "report.view",
    "triage.record",
    "safeguarding.route",
    "safeguarding.triggers",
    "safeguarding.decide",
    "safeguarding.view",
    "external_duty.add",
    "external_duty.done",
    "stop_the_line.raise",
    "stop_the_line.escalate",
    "stop_the_line.acknowledge",
    "stop_the_line.safeguards",
    "review.link",
    "action.link",
}

FEEDBACK_TITLE = "Pharmacy now checks every GP change"
FEEDBACK_CHANGE = "The pharmacy phones the home the day a dose changes."
FEEDBACK_WHY = "Several blister packs held an old dose."

# Everything the staff wrote or decided about the report, and every name but the reporter's.
HIDDEN_FROM_REPORTER = [
    "Okafor",  # the supervisor who triaged and acknowledged
    "Lindqvist",  # the safeguarding lead who routed, decided and viewed
    "Moreau",  # the quality lead who reviewed, planned the action and published the feedback
    "Tanaka",  # the action's owner
    "safeguard",
    "external",
    "duty",
    "Adult protective services",
    "APS-4471",
    "stop the line",
    "stop_the_line",
    "escalat",
    "acknowledg",
    "Stayed with the person",
    "triage",
    "severity",
    "recurrence",
    "review level",
    "matrix",
    "override",
    "Quokka reasoning",
    "similar",
    "minimum investigation",
    "Zeta huddle",
    "neglect",
    "boundary",
    "Quillon rationale",
    "monitor",
    "Zephyr root cause session",
    "Orinoco supplier swap",
    "report: view",
    "report: submit",
    "/safeguarding/",
    "/reviews/",
    "/actions/",
    "/triage/",
    "/alerts/",
]


def main_of(html: str) -> str:
    """The page's own content, without the navigation every signed-in person gets."""
    return re.search(r"<main\b.*?</main>", html, re.S).group(0)


def as_user(app, email):
    client = app.test_client()
    login(client, email)
    return client


@pytest.fixture
def frozen():
    with time_machine.travel(FROZEN_AT, tick=False):
        yield


@pytest.fixture
def worked_report(app, make, frozen):
    """A DSP's report that went through every kind of work the app records about a report."""
    from app.actions.measure import MeasureFilter
    from app.actions.operations import ActionInput, save_action
    from app.auth.models import User
    from app.escalations.models import ExternalBody, SafeguardingCase, StopTheLineAlert
    from app.escalations.operations import (
        complete_external_duty,
        decide_safeguarding,
        escalate_overdue_alerts,
        record_safeguards,
        route_to_safeguarding,
    )
    from app.feedback.operations import FeedbackInput, publish
    from app.reports.models import Report
    from app.reviews.operations import ReviewInput, save_review
    from app.triage.matrix import DEEPER_REVIEW_FLOOR, ReviewLevel, propose_review_level
    from app.triage.operations import TriageAnswers, current_matrix, triage_report

    make.user("dsp@x.test", regions=["North"])
    make.user("okafor@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("lindqvist@x.test", roles=[Role.SAFEGUARDING_LEAD], regions=[])
    make.user("moreau@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    make.user("tanaka@x.test", roles=[Role.SCHEDULER], regions=["North"])
    report_id = make.report(
        "dsp@x.test",
        what_happened="Blister pack held the old dose after a GP change.",
        still_at_risk=True,
    )
    now = FROZEN_AT
    with app.test_request_context():
        staff = {u.email.split("@")[0]: u for u in db.session.scalars(select(User))}
        report = db.session.get(Report, report_id)
        escalate_overdue_alerts(now=now + timedelta(hours=3))
        alert = db.session.scalar(select(StopTheLineAlert).where(StopTheLineAlert.report_id == report_id))
        record_safeguards(alert, staff["okafor"], "Stayed with the person and called the pharmacy")
        aps = db.session.scalar(select(ExternalBody).where(ExternalBody.code == "adult_protective_services"))
        proposed = propose_review_level(current_matrix().cells, "high", "repeat")
        # Another level than the matrix's, not below the floor (that would be a downgrade).
        chosen = next(
            level
            for level in ReviewLevel
            if level is not proposed and level.depth >= DEEPER_REVIEW_FLOOR.depth
        )
        triage_report(
            report,
            staff["okafor"],
            TriageAnswers(
                still_at_risk_now=False,
                severity="high",
                recurrence="repeat",
                minimum_investigation="Zeta huddle with the pharmacy",
                event_class="near_miss",
                review_level=chosen.value,
                override_reason="Quokka reasoning for another level",
                safeguarding_triggers=["neglect"],
                external_body_ids=[aps.id],
            ),
            tz=TZ,
            now=now,
        )
        route_to_safeguarding(
            report, because="triage", triggers=["neglect", "boundary_issue"], actor=staff["lindqvist"]
        )
        case = db.session.scalar(select(SafeguardingCase).where(SafeguardingCase.report_id == report_id))
        decide_safeguarding(
            case, staff["lindqvist"], decision="monitor", rationale="Quillon rationale about the person"
        )
        complete_external_duty(report.external_duties[0], staff["okafor"], reference="APS-4471")
        review = save_review(
            staff["moreau"],
            ReviewInput(kind="brief_structured_review", title="Zephyr root cause session", reports=[report]),
        )
        today = now.astimezone(TZ).date()
        action = save_action(
            staff["moreau"],
            ActionInput(
                title="Orinoco supplier swap",
                change="Change the blister supplier",
                owner_id=staff["tanaka"].id,
                due_date=today + timedelta(days=3),
                strength="strong",
                window_start=today + timedelta(days=3),
                window_end=today + timedelta(days=31),
                measure=MeasureFilter(region_ids=(report.region_id,)),
                target_reduction_percent=50,
                report_ids=[report.id],
            ),
            tz=TZ,
            today=today,
        )
        post = publish(
            staff["moreau"],
            FeedbackInput(
                title=FEEDBACK_TITLE, what_changed=FEEDBACK_CHANGE, why=FEEDBACK_WHY, action_ids=[action.id]
            ),
        )
        db.session.commit()
        ids = {
            "report": report_id,
            "case": case.id,
            "review": review.id,
            "action": action.id,
            "post": post.id,
        }
    lead = as_user(app, "lindqvist@x.test")
    assert lead.get(f"/safeguarding/{ids['case']}").status_code == 200
    assert lead.get(f"/reports/{report_id}").status_code == 200
    return ids


def test_the_scenario_writes_every_kind_of_report_event(app, worked_report):
    from app.core.audit.queries import events_for

    with app.app_context():
        kinds = {event.action for event in events_for("report", worked_report["report"])}
    assert kinds == EVERY_REPORT_EVENT_KIND


def test_reporter_sees_status_and_feedback_and_nothing_of_the_work_behind_it(app, worked_report):
    page = as_user(app, "dsp@x.test").get(f"/reports/{worked_report['report']}")
    assert page.status_code == 200
    main = main_of(page.get_data(as_text=True))
    lowered = main.lower()
    leaked = [word for word in HIDDEN_FROM_REPORTER if word.lower() in lowered]
    assert leaked == []
    assert f"/reviews/{worked_report['review']}" not in main
    assert f"/actions/{worked_report['action']}" not in main

    assert "Blister pack held the old dose after a GP change." in main
    assert "Action planned" in main
    assert "A change is planned because of it." in main
    assert FEEDBACK_TITLE in main
    assert FEEDBACK_CHANGE in main
    assert f"/feedback/{worked_report['post']}" in main
    progress = re.search(r'<ol class="[^"]*\bprogress\b[^"]*">.*?</ol>', main, re.S).group(0)
    assert [
        re.sub(r"\s+", " ", step).strip() for step in re.findall(r"<strong>(.*?)</strong>", progress)
    ] == [
        "Received",
        "A supervisor has it",  # the stop-the-line alert was acknowledged: when, not by whom
        "Being looked at",
        "Being looked into",
        "Action planned",
    ]


def test_reporter_follows_the_link_to_the_feedback(app, worked_report):
    dsp = as_user(app, "dsp@x.test")
    post = dsp.get(f"/feedback/{worked_report['post']}")
    assert post.status_code == 200
    assert FEEDBACK_CHANGE in post.get_data(as_text=True)


def test_staff_still_see_the_full_page(app, worked_report):
    main = main_of(
        as_user(app, "okafor@x.test").get(f"/reports/{worked_report['report']}").get_data(as_text=True)
    )
    assert "Severity potential" in main
    assert "Zephyr root cause session" in main
    assert "Orinoco supplier swap" in main
    assert 'id="history-title"' in main and "Lindqvist" in main


def test_my_reports_shows_status_in_plain_words_and_the_change(app, worked_report):
    page = as_user(app, "dsp@x.test").get("/my-reports")
    main = main_of(page.get_data(as_text=True))
    assert "Action planned" in main
    assert FEEDBACK_TITLE in main
    lowered = main.lower()
    assert [word for word in HIDDEN_FROM_REPORTER if word.lower() in lowered] == []


def test_my_reports_uses_the_reporter_words_for_every_status(app, make, frozen):
    from app.reports.models import Report, ReportStatus
    from app.reports.presenters import REPORTER_STATUS

    make.user("dsp@x.test", regions=["North"])
    ids = {status: make.report("dsp@x.test") for status in ReportStatus}
    with app.app_context():
        for status, report_id in ids.items():
            db.session.get(Report, report_id).status = status.value
        db.session.commit()
    main = main_of(as_user(app, "dsp@x.test").get("/my-reports").get_data(as_text=True))
    assert set(REPORTER_STATUS) == {status.value for status in ReportStatus}
    for status in ReportStatus:
        assert REPORTER_STATUS[status.value].words in main
    assert "Triaged" not in main


def test_reporter_json_carries_no_triage_internals(app, worked_report):
    body = as_user(app, "dsp@x.test").get(f"/api/v1/reports/{worked_report['report']}").get_json()
    assert body["id"] == worked_report["report"]
    assert "proposed_recurrence" not in body
    assert "similar_reports" not in body
    text = repr(body).lower()
    assert [
        word for word in ("okafor", "lindqvist", "safeguard", "external", "severity") if word in text
    ] == []


def test_only_people_who_triage_get_the_recurrence_proposal_in_json(app, make, frozen):
    make.user("dsp@x.test", regions=["North"])
    make.user("okafor@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("nurse@x.test", roles=[Role.NURSE], regions=["North"])
    earlier = make.report("dsp@x.test", occurred_at=(FROZEN_AT - timedelta(days=3)).isoformat())
    latest = make.report("dsp@x.test")
    triager = as_user(app, "okafor@x.test").get(f"/api/v1/reports/{latest}").get_json()
    assert triager["proposed_recurrence"] == "repeat"
    assert triager["similar_reports"] == [
        {"id": earlier, "reasons": ["similar wording (1.00)", "same region", "same category"]}
    ]
    for email in ("dsp@x.test", "nurse@x.test"):
        body = as_user(app, email).get(f"/api/v1/reports/{latest}").get_json()
        assert body["id"] == latest
        assert "proposed_recurrence" not in body and "similar_reports" not in body, email


def test_a_supervisor_who_reported_sees_the_full_page(app, make, frozen):
    """Their role gives them the report anyway, so being its reporter narrows nothing."""
    from app.auth.models import User
    from app.reports.models import Report
    from app.triage.operations import TriageAnswers, triage_report

    make.user("okafor@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("moreau@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    report_id = make.report("okafor@x.test")
    with app.test_request_context():
        moreau = db.session.scalar(select(User).where(User.email == "moreau@x.test"))
        triage_report(
            db.session.get(Report, report_id),
            moreau,
            TriageAnswers(
                still_at_risk_now=False,
                severity="low",
                recurrence="single",
                minimum_investigation="Talk it through at handover",
                event_class="near_miss",
                review_level="none",
                override_reason="Quokka reasoning for another level",
            ),
            tz=TZ,
        )
        db.session.commit()
    main = main_of(as_user(app, "okafor@x.test").get(f"/reports/{report_id}").get_data(as_text=True))
    assert "Severity potential" in main
    assert "Moreau" in main


def test_a_nurse_whose_report_went_to_safeguarding_gets_the_reporter_view(app, make, frozen):
    """A nurse sees their region's reports, but not safeguarding ones: once routed, being its reporter
    is their only reason to see it."""
    from app.auth.models import User
    from app.escalations.operations import route_to_safeguarding
    from app.reports.models import Report

    make.user("nurse@x.test", roles=[Role.NURSE], regions=["North"])
    make.user("lindqvist@x.test", roles=[Role.SAFEGUARDING_LEAD], regions=[])
    report_id = make.report("nurse@x.test")
    nurse = as_user(app, "nurse@x.test")
    assert 'id="history-title"' in main_of(nurse.get(f"/reports/{report_id}").get_data(as_text=True))
    with app.test_request_context():
        lead = db.session.scalar(select(User).where(User.email == "lindqvist@x.test"))
        route_to_safeguarding(
            db.session.get(Report, report_id), because="triage", triggers=["neglect"], actor=lead
        )
        db.session.commit()
    main = main_of(nurse.get(f"/reports/{report_id}").get_data(as_text=True))
    lowered = main.lower()
    assert [word for word in ("lindqvist", "safeguard", "neglect") if word in lowered] == []
    assert 'id="history-title"' not in main
    assert "Received" in main


def test_a_new_section_or_event_kind_is_hidden_from_the_reporter_until_declared(app, make, frozen):
    """Nothing reaches the reporter's view by default: a section must connect to
    ``reporter_page_sections``, and only the listed event kinds feed its progress."""
    from app.core.audit.operations import record_event
    from app.reports.models import Report
    from app.reports.signals import report_page_sections

    make.user("dsp@x.test", regions=["North"])
    make.user("okafor@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    report_id = make.report("dsp@x.test")
    with app.app_context():
        report = db.session.get(Report, report_id)
        record_event(
            "case_conference.hold",
            actor=None,
            object_type="report",
            object_id=report_id,
            region_id=report.region_id,
            after={"status": "closed", "room": "Wombat room"},
        )
        db.session.commit()

    def staff_section(report, viewer):
        return "<p>Wombat staff section</p>"

    report_page_sections.connect(staff_section)
    try:
        reporter = main_of(as_user(app, "dsp@x.test").get(f"/reports/{report_id}").get_data(as_text=True))
        staff = main_of(as_user(app, "okafor@x.test").get(f"/reports/{report_id}").get_data(as_text=True))
    finally:
        report_page_sections.disconnect(staff_section)
    assert "Wombat" not in reporter and "case conference" not in reporter.lower()
    assert "Closed" not in reporter and "Received" in reporter
    assert "Wombat staff section" in staff


def test_the_history_reads_in_the_readers_language(app, make):
    """Each line of a report's history in words (Spanish for a Spanish reader), not the audit code; an
    event not named yet still reads as plain words."""
    from app.reports.queries import HISTORY_WORDS, history_words

    make.user("dsp@x.test", regions=["North"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    report_id = make.report("dsp@x.test")
    client = app.test_client()
    login(client, "sup@x.test")
    html = client.get(f"/reports/{report_id}", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Reporte enviado" in html and "report: submit" not in html
    with app.test_request_context():
        assert history_words("report.submit") == "Report sent"
        assert history_words("something_new.happened") == "something new: happened"
        assert all(code.count(".") == 1 for code in HISTORY_WORDS)
    deadline_events = {
        f"{event}.{stage}" for event in ("external_duty", "safeguarding") for stage in ("warn", "escalate")
    }
    assert deadline_events <= set(HISTORY_WORDS), "the deadline reminders recorded against a report"
