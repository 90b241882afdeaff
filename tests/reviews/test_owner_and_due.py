"""Reviews have an owner and a due date set by their kind, a completed review moves its reports to
"reviewed", and the dashboard counts reviews completed by their first due date (INCID-2 style)."""

from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from app.core.clock import org_tz
from app.core.dates import monday
from app.core.settings import set_setting
from app.dashboard.queries import Scope, review_timeliness
from app.extensions import db
from app.reports.models import Report
from app.reviews.models import Review
from app.reviews.operations import ReviewInput, ReviewInvalid, save_review
from tests.actions.test_linking import TODAY, triage, user
from tests.factories import csrf_from_page, login


def review_input(*reports, **overrides) -> ReviewInput:
    data = {"kind": "barrier_review", "title": "Rota changes", "reports": list(reports)}
    data.update(overrides)
    return ReviewInput(**data)


def completed(**overrides) -> dict:
    return {
        "complete": True,
        "findings": "The address was copied by hand.",
        "held_on": TODAY,
        "participants": [{"role": "Supervisor", "name": ""}],
        "root_pattern": "Hand copying",
        "duration_minutes": 30,
        **overrides,
    }


def test_a_new_review_is_owned_by_its_opener_and_due_by_its_kind(org, ctx):
    report = db.session.get(Report, org["north"])
    barrier = save_review(user("sup@x.test"), review_input(report), today=TODAY)
    brief = save_review(user("sup@x.test"), review_input(report, kind="brief_structured_review"), today=TODAY)
    assert barrier.owner == user("sup@x.test")
    assert (barrier.due_date, barrier.first_due_date) == (TODAY + timedelta(days=30),) * 2
    assert brief.due_date == TODAY + timedelta(days=7)


def test_the_due_days_follow_the_organisations_setting(org, ctx):
    set_setting("review_due_days_barrier_review", 10, actor=user("quality@x.test"))
    review = save_review(user("sup@x.test"), review_input(db.session.get(Report, org["north"])), today=TODAY)
    assert review.due_date == TODAY + timedelta(days=10)


def test_an_owner_must_run_reviews_and_see_every_report(org, ctx):
    north = db.session.get(Report, org["north"])
    for email in ("dsp@x.test", "sup-south@x.test"):
        with pytest.raises(ReviewInvalid) as caught:
            save_review(user("sup@x.test"), review_input(north, owner_id=user(email).id), today=TODAY)
        assert list(caught.value.errors) == ["owner_id"]
    review = save_review(
        user("sup@x.test"), review_input(north, owner_id=user("nurse@x.test").id), today=TODAY
    )
    assert review.owner == user("nurse@x.test")


def test_moving_the_due_date_keeps_the_first_and_lateness_counts_against_it(org, ctx):
    tz = org_tz()
    review = save_review(user("sup@x.test"), review_input(db.session.get(Report, org["north"])), today=TODAY)
    first = review.due_date
    save_review(
        user("sup@x.test"),
        review_input(*review.reports, due_date=first + timedelta(days=14)),
        review,
        today=TODAY,
    )
    assert (review.first_due_date, review.due_date) == (first, first + timedelta(days=14))
    assert review.clock(first + timedelta(days=3), tz) == (
        f"Overdue by 3 days (due {first:%d %b %Y}; moved to {first + timedelta(days=14):%d %b %Y})"
    )
    assert review.is_late(first + timedelta(days=3), tz)
    with pytest.raises(ReviewInvalid) as caught:
        save_review(
            user("sup@x.test"),
            review_input(*review.reports, due_date=TODAY - timedelta(days=1)),
            review,
            today=TODAY,
        )
    assert list(caught.value.errors) == ["due_date"]


def test_completing_a_review_moves_its_reports_to_reviewed_unless_another_is_open(org, ctx):
    north = db.session.get(Report, org["north"])
    triage(north)
    [planned] = north.reviews  # the brief review triage decided
    first = save_review(user("sup@x.test"), review_input(north), today=TODAY)
    second = save_review(user("sup@x.test"), review_input(north, title="Second look"), today=TODAY)
    save_review(user("sup@x.test"), review_input(north, **completed()), first, today=TODAY)
    assert first.status == "completed" and north.status == "in_review", "the second review is still open"
    save_review(
        user("sup@x.test"), review_input(north, title="Second look", **completed()), second, today=TODAY
    )
    assert north.status == "in_review", "the review triage decided is still open"
    save_review(
        user("sup@x.test"),
        review_input(north, kind=planned.kind, title=planned.title, **completed()),
        planned,
        today=TODAY,
    )
    assert north.status == "reviewed"


def test_review_timeliness_counts_by_the_first_due_date(org, ctx):
    """Three reviews due the same week: one completed on time, one late, one still open and overdue;
    and one due next week, open and not yet due, which is not counted."""
    tz = org_tz()
    north = db.session.get(Report, org["north"])
    on_time, late, open_overdue = (
        save_review(user("sup@x.test"), review_input(north, title=f"Review {i}"), today=TODAY)
        for i in range(3)
    )
    not_due = save_review(
        user("sup@x.test"),
        review_input(north, title="later", due_date=TODAY + timedelta(days=37)),
        today=TODAY,
    )
    due = on_time.due_date
    for review, done in ((on_time, due), (late, due + timedelta(days=2))):
        with time_machine.travel(
            datetime.combine(done, datetime.min.time(), tzinfo=tz) + timedelta(hours=12)
        ):
            save_review(
                user("sup@x.test"), review_input(north, title=review.title, **completed()), review, today=done
            )
    db.session.flush()
    weeks = [monday(due) + timedelta(weeks=w) for w in range(-1, 3)]
    scope = Scope(first_week=weeks[0], last_week=weeks[-1], region_ids=None)
    share = review_timeliness(scope, tz, due + timedelta(days=3))
    position = weeks.index(monday(due))
    assert (share.met[position], share.total[position]) == (1, 3)
    assert sum(share.total) == 3, f"{not_due.title} is not due yet and is not counted"
    south = Scope(first_week=weeks[0], last_week=weeks[-1], region_ids=frozenset({org_region(org, "south")}))
    south_only = review_timeliness(south, tz, due + timedelta(days=3))
    assert sum(south_only.total) == 0, "another region's reviews are not counted for a South viewer"
    assert open_overdue.completed_at is None


def org_region(org, key) -> int:
    return db.session.get(Report, org[key]).region_id


def test_the_review_pages_show_owner_and_clock(app, org):
    client = app.test_client()
    login(client, "sup@x.test")
    response = client.post(
        "/reviews/new",
        data={
            "csrf_token": csrf_from_page(client, "/reviews/new"),
            "kind": "brief_structured_review",
            "title": "Rota changes",
            "report_ids": f"NM-{org['north']}",
            "owner_id": "",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        review = db.session.scalar(select(Review))
        due = review.due_date
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<dt>Owner</dt><dd>Sup</dd>" in page
    assert f"Due {due:%d %b %Y}, in 7 days" in page
    listing = client.get("/reviews").get_data(as_text=True)
    assert f"Due {due:%d %b %Y}, in 7 days" in listing
