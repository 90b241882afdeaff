"""Linking reports and reviews to an action: only what the person may see, one answer for an unknown
and a forbidden id, and an untriaged report stays in the triage queue until it is triaged."""

import json
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from app.actions.measure import MeasureFilter
from app.actions.models import Action
from app.actions.operations import ActionInput, ActionInvalid, save_action
from app.auth.models import User
from app.core.audit.models import AuditEvent
from app.core.roles import Role
from app.extensions import db
from app.feedback.operations import FeedbackInput, FeedbackInvalid, publish
from app.reports.models import Report
from app.reports.queries import UNSEEN_REPORT
from app.reviews.operations import ReviewInput, save_review
from app.taxonomy.models import Category
from app.triage.operations import TriageAnswers, triage_report
from app.triage.queries import QueueFilters, triage_queue
from tests.factories import csrf_from_page, login

TZ = ZoneInfo("America/New_York")
TODAY = date(2026, 3, 2)
NOW = datetime.combine(TODAY, time(15), tzinfo=TZ)
UNSEEN_REVIEW = "Link only reviews you can see (R-numbers)."


@pytest.fixture
def org(app, make):
    """Reports of North (one of them safeguarding) and South, with the clock pinned to ``NOW``."""
    traveller = time_machine.travel(NOW, tick=True)
    traveller.start()
    make.user("dsp@x.test", regions=["North"])
    make.user("dsp-south@x.test", regions=["South"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("sup-south@x.test", roles=[Role.SUPERVISOR], regions=["South"])
    make.user("nurse@x.test", roles=[Role.NURSE], regions=["North"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    occurred = (NOW - timedelta(days=1)).isoformat()
    reports = {
        "north": make.report("dsp@x.test", category="scheduling_rota", occurred_at=occurred),
        "south": make.report("dsp-south@x.test", region="South", occurred_at=occurred),
        "safeguarding": make.report("dsp@x.test", category="safeguarding_rights", occurred_at=occurred),
    }
    app.config["NEARMISS_TODAY"] = TODAY
    yield reports
    app.config.pop("NEARMISS_TODAY", None)
    traveller.stop()


def user(email) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def action_input(**overrides) -> ActionInput:
    rota = db.session.scalar(select(Category.id).where(Category.code == "scheduling_rota"))
    data = {
        "title": "Address check on rota changes",
        "change": "Every rota change checks the address",
        "owner_id": user("nurse@x.test").id,
        "due_date": TODAY + timedelta(days=7),
        "strength": "strong",
        "window_start": TODAY + timedelta(days=7),
        "window_end": TODAY + timedelta(days=35),
        "measure": MeasureFilter(category_ids=(rota,)),
        "target_reduction_percent": 50.0,
    }
    data.update(overrides)
    return ActionInput(**data)


def nurses_action(**links) -> Action:
    action = save_action(user("quality@x.test"), action_input(**links), tz=TZ, today=TODAY)
    db.session.commit()
    return action


def triage(report: Report) -> None:
    answers = TriageAnswers(
        still_at_risk_now=False,
        severity="medium",
        recurrence="single",
        minimum_investigation="Walk through the rota change with the scheduler",
        event_class="near_miss",
        review_level="brief_structured_review",
    )
    triage_report(report, user("sup@x.test"), answers, tz=TZ, now=NOW)


def in_triage_queue(report_id: int, email="sup@x.test") -> bool:
    return report_id in {item.report.id for item in triage_queue(user(email), QueueFilters(), NOW)}


@pytest.mark.parametrize("target", ["south", "safeguarding", "unknown"])
def test_the_owner_links_only_reports_they_may_see(org, ctx, target):
    """A nurse of North cannot see South's reports nor a safeguarding report: linking either is
    refused exactly like an id that does not exist, and the report is left as it was."""
    action = nurses_action()
    report_id = org.get(target, 999_999)
    with pytest.raises(ActionInvalid) as caught:
        save_action(
            user("nurse@x.test"), action_input(report_ids=[report_id]), tz=TZ, today=TODAY, action=action
        )
    assert caught.value.errors == {"report_ids": [UNSEEN_REPORT]}
    db.session.rollback()
    assert db.session.get(Action, action.id).reports == []
    if target != "unknown":
        assert db.session.get(Report, report_id).status == "new"
        assert in_triage_queue(report_id, "sup-south@x.test" if target == "south" else "sup@x.test")


def test_an_unknown_and_a_forbidden_report_get_the_same_page(app, org):
    with app.app_context():
        action_id = nurses_action().id
        db.session.commit()
    nurse = app.test_client()
    login(nurse, "nurse@x.test")
    pages = {}
    for name, number in (("forbidden", org["safeguarding"]), ("unknown", 999_999)):
        response = nurse.post(
            f"/actions/{action_id}/edit",
            data={
                "csrf_token": csrf_from_page(nurse, f"/actions/{action_id}/edit"),
                "title": "Address check on rota changes",
                "change": "Every rota change checks the address",
                "owner_id": "0",
                "report_ids": f"NM-{number}",
            },
        )
        assert response.status_code == 422
        page = response.get_data(as_text=True).replace(f"NM-{number}", "NM-?")
        pages[name] = re.sub(r'(csrf[-_]token"? (?:content|value)=)"[^"]*"', r"\1", page)
    assert UNSEEN_REPORT in pages["forbidden"]
    assert pages["forbidden"] == pages["unknown"]


def test_linking_an_untriaged_report_leaves_it_in_the_triage_queue(org, ctx):
    report = db.session.get(Report, org["safeguarding"])
    action = nurses_action(report_ids=[report.id])
    assert action.reports == [report]
    assert report.status == "new"
    assert in_triage_queue(report.id)
    link = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "action.link", AuditEvent.object_id == str(report.id))
    )
    assert link is not None and json.loads(link.after) == {"status": "new", "action_id": action.id}


def test_after_triage_a_linked_report_shows_its_action(org, ctx):
    """Triage puts the report where its links say: an action planned for it already."""
    report = db.session.get(Report, org["north"])
    nurses_action(report_ids=[report.id])
    triage(report)
    assert report.status == "action_planned"
    assert not in_triage_queue(report.id)


def test_a_triaged_report_moves_to_action_planned_when_linked(org, ctx):
    report = db.session.get(Report, org["north"])
    triage(report)
    assert report.status == "in_review", "triage opened the brief review it decided"
    nurses_action(report_ids=[report.id])
    assert report.status == "action_planned"


def test_links_the_editor_cannot_see_are_kept_and_not_shown(app, org):
    """The quality lead links a safeguarding report to the nurse's action; the nurse never sees its
    number on the form and saving the form does not drop it."""
    with app.app_context():
        action_id = nurses_action(report_ids=[org["north"], org["safeguarding"]]).id
        db.session.commit()
    nurse = app.test_client()
    login(nurse, "nurse@x.test")
    for page in (f"/actions/{action_id}/edit", f"/actions/{action_id}"):
        html = nurse.get(page).get_data(as_text=True)
        assert f"NM-{org['north']}" in html and f"NM-{org['safeguarding']}" not in html, page
    with app.app_context():
        action = db.session.get(Action, action_id)
        save_action(
            user("nurse@x.test"),
            action_input(title="Address check, second try", report_ids=[org["north"]]),
            tz=TZ,
            today=TODAY,
            action=action,
        )
        db.session.commit()
        assert sorted(r.id for r in db.session.get(Action, action_id).reports) == sorted(
            [org["north"], org["safeguarding"]]
        )


def test_the_owner_links_only_reviews_they_may_see(org, ctx):
    south_review = save_review(
        user("quality@x.test"),
        ReviewInput(
            kind="brief_structured_review", title="South rota", reports=[db.session.get(Report, org["south"])]
        ),
    )
    action = nurses_action()
    for review_id in (south_review.id, 999_999):
        with pytest.raises(ActionInvalid) as caught:
            save_action(
                user("nurse@x.test"),
                action_input(review_ids=[review_id]),
                tz=TZ,
                today=TODAY,
                action=action,
            )
        assert caught.value.errors == {"review_ids": [UNSEEN_REVIEW]}


@pytest.mark.parametrize("target", ["south", "unknown"])
def test_feedback_links_only_reports_the_author_may_see(org, ctx, target):
    """Publishing is the quality lead's today (who sees every report); the rule holds in the operation
    all the same, with one answer for an unknown and a forbidden report."""
    data = FeedbackInput(
        title="Rota changes",
        what_changed="Addresses checked",
        why="Reported",
        report_ids=[org.get(target, 999_999)],
    )
    with pytest.raises(FeedbackInvalid) as caught:
        publish(user("sup@x.test"), data)
    assert caught.value.errors["report_ids"] == [UNSEEN_REPORT]
