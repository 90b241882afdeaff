"""An action's process measure through the test client: who may define it and enter counts, the form
and CSV import (good and bad), CSRF, stale forms, the export, and what the action's page shows."""

import csv
import io
import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from statsmodels.stats.proportion import confint_proportions_2indep

from app.actions.measure import MeasureFilter
from app.actions.models import Action, ProcessMeasure, ProcessWeek
from app.auth.models import User
from app.core.audit.models import AuditEvent
from app.core.roles import Role
from app.extensions import db
from app.taxonomy.models import Category, Region
from tests.factories import csrf_from_page, login

START = date(2026, 3, 2)  # a Monday; the test window is the 4 weeks to Sunday 29 Mar
END = START + timedelta(days=27)
DURING = date(2026, 3, 18)  # a Wednesday: the week of 16 Mar has had 3 days
BASELINE_WEEKS = [START - timedelta(weeks=n) for n in range(8, 0, -1)]  # 5 Jan to 23 Feb


@pytest.fixture
def action_id(app, make):
    make.user("dsp@x.test", regions=["North"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("owner@x.test", roles=[Role.SCHEDULER], regions=["North"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    with app.app_context():
        users = {u.email: u.id for u in db.session.scalars(select(User))}
        action = Action(
            title="Coverage lock on rota changes",
            change="Rota changes after the cut-off need a supervisor's sign-off",
            owner_id=users["owner@x.test"],
            created_by_id=users["quality@x.test"],
            due_date=START,
            strength="strong",
            window_start=START,
            window_end=END,
            measure=MeasureFilter(
                category_ids=(
                    db.session.scalar(select(Category.id).where(Category.code == "scheduling_rota")),
                ),
                region_ids=(db.session.scalar(select(Region.id).where(Region.name == "North")),),
            ).to_json(),
            baseline_weeks=8,
            target_reduction_percent=50.0,
        )
        db.session.add(action)
        db.session.commit()
        created = action.id
    # Outside the app context: each request must have its own (flask-wtf keeps the CSRF token in g).
    yield created
    app.config.pop("NEARMISS_TODAY", None)


def with_measure(app, action_id, weeks=()):
    with app.app_context():
        measure = ProcessMeasure(
            action_id=action_id,
            name="Coverage confirmed on time",
            numerator_label="coverage confirmed on time",
            denominator_label="rota changes",
            higher_is_better=True,
        )
        measure.weeks = [ProcessWeek(week_start=w, numerator=x, denominator=n) for w, x, n in weeks]
        db.session.add(measure)
        db.session.commit()


def stored_weeks(app, action_id):
    with app.app_context():
        measure = db.session.scalar(select(ProcessMeasure).where(ProcessMeasure.action_id == action_id))
        return [(w.week_start, w.numerator, w.denominator) for w in measure.weeks]


def as_user(app, email, today):
    app.config["NEARMISS_TODAY"] = today
    client = app.test_client()
    login(client, email)
    return client


def page(client, action_id):
    response = client.get(f"/actions/{action_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def post_week(client, action_id, week, numerator, denominator, version="1", token=None):
    data = {
        "week": str(week),
        "numerator": str(numerator),
        "denominator": str(denominator),
        "version": version,
    }
    data["csrf_token"] = token or csrf_from_page(client, f"/actions/{action_id}")
    return client.post(f"/actions/{action_id}/process/weeks", data=data)


def upload(client, action_id, text: bytes, version="1"):
    data = {
        "csrf_token": csrf_from_page(client, f"/actions/{action_id}"),
        "version": version,
        "file": (io.BytesIO(text), "counts.csv"),
    }
    return client.post(f"/actions/{action_id}/process/import", data=data, content_type="multipart/form-data")


def test_the_measure_is_defined_before_the_test_and_fixed_once_it_starts(app, action_id):
    quality = as_user(app, "quality@x.test", START - timedelta(days=3))
    assert "Add a process measure" in page(quality, action_id)
    form = {
        "csrf_token": csrf_from_page(quality, f"/actions/{action_id}"),
        "version": "",
        "process_name": "Coverage confirmed on time",
        "numerator_label": "coverage confirmed on time",
        "denominator_label": "rota changes",
        "higher_is_better": "yes",
    }
    assert quality.post(f"/actions/{action_id}/process", data=form).status_code == 302
    with app.app_context():
        measure = db.session.scalar(select(ProcessMeasure))
        assert (measure.name, measure.higher_is_better, measure.version) == (
            "Coverage confirmed on time",
            True,
            1,
        )
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "action.process_measure"))
        assert event.object_id == str(action_id) and event.before is None
    refused = quality.post(
        f"/actions/{action_id}/process", data={**form, "process_name": "x", "version": "1"}
    )
    assert refused.status_code == 422 and "Name the measure" in refused.get_data(as_text=True)
    app.config["NEARMISS_TODAY"] = START
    locked = quality.post(
        f"/actions/{action_id}/process", data={**form, "version": "1", "higher_is_better": "no"}
    )
    assert locked.status_code == 422
    assert "fixed once the test has started" in locked.get_data(as_text=True)
    assert "Add a process measure" not in page(quality, action_id)


def test_only_the_quality_lead_and_the_owner_enter_counts(app, action_id):
    with_measure(app, action_id)
    supervisor = as_user(app, "sup@x.test", DURING)
    assert "Enter a week" not in page(supervisor, action_id)  # sees the measure, not the forms
    assert post_week(supervisor, action_id, START, 30, 40).status_code == 403
    dsp = as_user(app, "dsp@x.test", DURING)
    token = csrf_from_page(dsp, "/actions")
    assert post_week(dsp, action_id, START, 30, 40, token=token).status_code == 404
    owner = as_user(app, "owner@x.test", DURING)
    assert post_week(owner, action_id, START, 30, 40).status_code == 302
    assert stored_weeks(app, action_id) == [(START, 30, 40)]


def test_every_write_needs_the_csrf_token(app, action_id):
    with_measure(app, action_id)
    quality = as_user(app, "quality@x.test", DURING)
    week = {"week": str(START), "numerator": "1", "denominator": "2", "version": "1"}
    assert quality.post(f"/actions/{action_id}/process/weeks", data=week).status_code == 400
    assert quality.post(f"/actions/{action_id}/process", data={"process_name": "Coverage"}).status_code == 400
    files = {"file": (io.BytesIO(b"week,numerator,denominator\n2026-03-02,1,2\n"), "c.csv")}
    assert quality.post(f"/actions/{action_id}/process/import", data=files).status_code == 400
    assert stored_weeks(app, action_id) == []


def test_a_week_is_entered_then_corrected_and_each_change_is_audited(app, action_id):
    with_measure(app, action_id)
    quality = as_user(app, "quality@x.test", DURING)
    assert post_week(quality, action_id, START, 30, 40, version="1").status_code == 302
    assert post_week(quality, action_id, START, 32, 40, version="2").status_code == 302
    assert stored_weeks(app, action_id) == [(START, 32, 40)]
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "action.process_weeks").order_by(AuditEvent.seq)
        ).all()
        assert [(json.loads(e.before), json.loads(e.after)) for e in events] == [
            ({"2026-03-02": None}, {"2026-03-02": [30, 40]}),
            ({"2026-03-02": [30, 40]}, {"2026-03-02": [32, 40]}),
        ]


@pytest.mark.parametrize(
    ("week", "numerator", "denominator", "message"),
    [
        (START, 41, 40, "Numerator 41 is more than denominator 40."),
        (START + timedelta(days=1), 1, 2, "Week 2026-03-03 is not a Monday (weeks start on Monday)."),
        (START + timedelta(weeks=3), 1, 2, "The week of 23 Mar 2026 has not begun."),
        (START - timedelta(weeks=9), 1, 2, "The week of 29 Dec 2025 is outside this action&#39;s weeks"),
        ("last week", "ten", "", "Week must be a date like 2026-03-02; numerator must be a whole number"),
    ],
)
def test_bad_counts_are_refused_with_the_reason_and_nothing_is_saved(
    app, action_id, week, numerator, denominator, message
):
    with_measure(app, action_id)
    quality = as_user(app, "quality@x.test", DURING)
    response = post_week(quality, action_id, week, numerator, denominator)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert stored_weeks(app, action_id) == []


def test_a_form_read_before_someone_else_saved_is_refused(app, action_id):
    with_measure(app, action_id)
    quality = as_user(app, "quality@x.test", DURING)
    assert post_week(quality, action_id, START, 30, 40, version="1").status_code == 302
    stale = post_week(quality, action_id, START, 10, 40, version="1")
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert "Someone else changed this process measure" in html
    assert 'name="version" value="2"' in html  # saving again replaces theirs deliberately
    assert stored_weeks(app, action_id) == [(START, 30, 40)]


def test_a_csv_file_imports_its_weeks(app, action_id):
    with_measure(app, action_id, [(START, 1, 1)])
    owner = as_user(app, "owner@x.test", DURING)
    text = b"\xef\xbb\xbfweek,numerator,denominator\n2026-02-16,28,40\n2026-02-23,30,41\n2026-03-02,37,40\n"
    assert upload(owner, action_id, text).status_code == 302
    assert stored_weeks(app, action_id) == [
        (date(2026, 2, 16), 28, 40),
        (date(2026, 2, 23), 30, 41),
        (START, 37, 40),
    ]


@pytest.mark.parametrize(
    ("text", "messages"),
    [
        (
            b"week,numerator,denominator\n2026-02-16,28,40\n2026-02-17,3,4\n2026-03-23,1,2\n2026-02-23,9,8\n",
            [
                "Line 3: week 2026-02-17 is not a Monday (weeks start on Monday).",
                "Line 4: the week of 23 Mar 2026 has not begun.",
                "Line 5: numerator 9 is more than denominator 8.",
            ],
        ),
        (b"when,done\n2026-02-16,28\n", ["missing week, numerator, denominator."]),
        (b"", ["Choose a CSV file (at most 256 KB)"]),
        (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", ["The first line must name the columns"]),
    ],
)
def test_a_bad_csv_file_is_refused_line_by_line_and_imports_nothing(app, action_id, text, messages):
    with_measure(app, action_id)
    quality = as_user(app, "quality@x.test", DURING)
    response = upload(quality, action_id, text)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for message in messages:
        assert message in html
    assert stored_weeks(app, action_id) == []


def test_the_weekly_counts_export_as_csv(app, action_id):
    with_measure(app, action_id, [(BASELINE_WEEKS[-1], 30, 41), (START, 37, 40)])
    supervisor = as_user(app, "sup@x.test", DURING)  # may see the action, so its counts
    response = supervisor.get(f"/actions/{action_id}/process.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert list(csv.reader(io.StringIO(response.get_data(as_text=True)))) == [
        ["week", "numerator", "denominator"],
        ["2026-02-23", "30", "41"],
        ["2026-03-02", "37", "40"],
    ]


def test_the_page_draws_only_weeks_begun_with_the_difference_and_its_interval(app, action_id):
    baseline = [(w, 28 + i % 3, 40) for i, w in enumerate(BASELINE_WEEKS)]  # 28, 29, 30, ...
    test = [(START, 36, 40), (START + timedelta(weeks=1), 37, 41), (START + timedelta(weeks=2), 16, 17)]
    with_measure(app, action_id, baseline + test)
    html = page(as_user(app, "sup@x.test", DURING), action_id)
    assert "16 Mar 26*" in html  # the current week, starred
    assert "The week of 16 Mar 2026 is partial: 3 of 7 days." in html
    assert "23 Mar 26" not in html and "23 Mar 2026" not in html  # not begun: neither drawn nor tabled
    before_x, after_x = sum(x for _, x, _ in baseline), sum(x for _, x, _ in test)
    before_n, after_n = sum(n for *_, n in baseline), sum(n for *_, n in test)
    assert (before_x, before_n, after_x, after_n) == (231, 320, 89, 98)
    low, high = confint_proportions_2indep(after_x, after_n, before_x, before_n, method="newcomb")
    difference = (after_x / after_n - before_x / before_n) * 100
    assert (
        f"Difference <strong>{difference:+.1f} percentage points</strong> (95% CI {low * 100:+.1f} to "
        f"{high * 100:+.1f}, Newcombe's score interval): improvement shown" in html
    )
    assert 'class="chart"' in html and "p-chart" in html


def test_before_the_window_the_page_says_the_smallest_difference_it_can_show(app, action_id):
    with_measure(app, action_id, [(w, 30, 40) for w in BASELINE_WEEKS[:6]])
    html = page(as_user(app, "quality@x.test", START - timedelta(days=10)), action_id)
    assert "The test starts 02 Mar 2026: no comparison yet." in html
    # Baseline 180 of 240 (75%), 40 a week: the 4 test weeks hold about 160 rota changes.
    assert "at the baseline's 75.0% and about 40 rota changes a week, this 4-week window" in html
    assert "(about 160 rota changes) shows an improvement only at" in html
