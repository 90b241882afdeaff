"""The dashboard overview reads each kind of data once for all actions: a page with many actions in
its period costs as many queries as a page with one (no query per action)."""

from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, select

from app.actions.charts import measure_weeks
from app.actions.measure import MeasureFilter
from app.actions.models import Action, Verification
from app.auth.models import User
from app.core.dates import monday
from app.core.roles import Role
from app.dashboard.overview import before_after_weeks
from app.extensions import db
from app.taxonomy.models import Category, Region
from tests.factories import login

TZ = ZoneInfo("America/New_York")


@pytest.fixture
def org(make, frozen_now):
    make.user("dsp@x.test", regions=["North"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    return make


@contextmanager
def counted_queries(app):
    """The statements sent to the database inside the block, as a list that fills while it runs."""
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def add_actions(app, count: int, start: date) -> None:
    """``count`` actions whose test windows start in the dashboard's period, each with a verification
    and a measure (by category, by region) the page draws a before/after chart for."""
    with app.app_context():
        quality = db.session.scalar(select(User).where(User.email == "quality@x.test"))
        north = db.session.scalar(select(Region.id).where(Region.name == "North"))
        category = db.session.scalar(select(Category.id).order_by(Category.id).limit(1))
        for number in range(count):
            measure = (
                MeasureFilter(category_ids=(category,)) if number % 2 else MeasureFilter(region_ids=(north,))
            )
            action = Action(
                title=f"Action {number}",
                change="A change",
                owner_id=quality.id,
                due_date=start + timedelta(weeks=4),
                strength="strong",
                window_start=start - timedelta(weeks=number % 3),
                window_end=start + timedelta(weeks=4),
                measure=measure.to_json(),
                target_reduction_percent=50,
                created_by_id=quality.id,
            )
            db.session.add(action)
            db.session.flush()
            db.session.add(
                Verification(
                    action_id=action.id,
                    window_start=action.window_start,
                    window_end=action.window_end,
                    verdict="effective",
                    before_count=4,
                    before_days=56,
                    after_count=1,
                    after_days=28,
                    rate_ratio=0.5,
                    ci_low=0.1,
                    ci_high=2.0,
                    verifier_id=quality.id,
                )
            )
        db.session.commit()


def dashboard_queries(app, email: str) -> int:
    """The statements one view of the dashboard sends, once the settings and reference data the app
    keeps between requests have been read by an earlier view."""
    client = app.test_client()
    login(client, email)
    client.get("/dashboard/actions")
    with counted_queries(app) as statements:
        response = client.get("/dashboard/actions")
    assert response.status_code == 200
    assert "Before and after each action" in response.get_data(as_text=True)
    return len(statements)


@pytest.mark.parametrize("email", ["quality@x.test", "sup@x.test"])
def test_the_dashboard_s_query_count_does_not_grow_with_its_actions(app, org, org_day, email):
    start = monday(org_day) - timedelta(weeks=6)
    for day in range(10):
        moment = datetime.combine(start - timedelta(days=day * 3), time(12), tzinfo=TZ)
        org.report("dsp@x.test", occurred_at=moment.isoformat())
    add_actions(app, 1, start)
    with_one = dashboard_queries(app, email)
    add_actions(app, 6, start)
    with_seven = dashboard_queries(app, email)
    assert with_seven == with_one, (with_one, with_seven)


def test_the_batched_before_after_weeks_equal_each_action_s_own(app, org, org_day):
    """The one read for all actions gives each action the same weeks as its own page reads alone,
    whatever its window and measure (windows apart, overlapping, by region or by category)."""
    start = monday(org_day) - timedelta(weeks=50)
    for day in range(0, 340, 3):
        moment = datetime.combine(start + timedelta(days=day), time(7 + day % 12), tzinfo=TZ)
        org.report("dsp@x.test", occurred_at=moment.isoformat())
    add_actions(app, 4, start + timedelta(weeks=10))
    add_actions(app, 3, start + timedelta(weeks=40))
    with app.app_context():
        actions = list(db.session.scalars(select(Action).order_by(Action.id)))
        batched = before_after_weeks(actions, TZ)
        alone = [measure_weeks(action, TZ) for action in actions]
    assert len(actions) == 7
    assert sum(w.count for weeks in alone for w in weeks) > 0
    assert batched == alone
