"""The action's page before, during and after its test window: interim figures over the days elapsed,
no future weeks, the current week marked partial, no target judged before the window starts."""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.actions.measure import MeasureFilter
from app.actions.models import Action
from app.auth.models import User
from app.core.roles import Role
from app.extensions import db
from app.taxonomy.models import Category
from tests.factories import login

TZ = ZoneInfo("America/New_York")
START = date(2026, 3, 2)  # a Monday; the window runs 29 days, to 30 Mar
END = START + timedelta(days=28)


@pytest.fixture
def action_id(app, make):
    make.user("dsp@x.test", regions=["North"])
    make.user("owner@x.test", roles=[Role.SCHEDULER], regions=["North"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])

    def at(day):
        return datetime.combine(day, time(12), tzinfo=TZ).isoformat()

    # 16 in the 8 weeks before (2.0 a week); 4 in the first 20 days of the window (1.4 a week).
    for n in range(16):
        make.report(
            "dsp@x.test", category="scheduling_rota", occurred_at=at(START - timedelta(days=3 + 3 * n))
        )
    for offset in (1, 6, 12, 18):
        make.report("dsp@x.test", category="scheduling_rota", occurred_at=at(START + timedelta(days=offset)))
    with app.app_context():
        users = {u.email: u.id for u in db.session.scalars(select(User))}
        rota = db.session.scalar(select(Category.id).where(Category.code == "scheduling_rota"))
        action = Action(
            title="Address check on rota changes",
            change="Every rota change checks the address",
            owner_id=users["owner@x.test"],
            created_by_id=users["quality@x.test"],
            due_date=START,
            strength="strong",
            window_start=START,
            window_end=END,
            measure=MeasureFilter(category_ids=(rota,)).to_json(),
            baseline_weeks=8,
            target_reduction_percent=50.0,
        )
        db.session.add(action)
        db.session.commit()
        yield action.id
    app.config.pop("NEARMISS_TODAY", None)


def page_on(app, action_id, day) -> str:
    app.config["NEARMISS_TODAY"] = day
    client = app.test_client()
    login(client, "quality@x.test")
    response = client.get(f"/actions/{action_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_before_the_window_no_target_is_judged_and_no_future_week_is_drawn(app, action_id):
    html = page_on(app, action_id, START - timedelta(days=3))
    assert "Target met" not in html and "Target not met" not in html
    assert "no days elapsed yet" in html
    assert "the test starts 02 Mar 2026" in html
    assert "16 Mar 26" not in html  # a week of the window, still in the future
    # Told before it starts: 16 in the 54 baseline days so far, 16 / 54 * 29 = 8.6 expected.
    assert "this 29-day window expects about 8.6 reports" in html
    assert "the smallest reduction it can show is" in html


def test_after_the_start_the_window_is_not_second_guessed(app, action_id):
    assert 'id="detectable"' not in page_on(app, action_id, START)


def test_during_the_window_the_rate_uses_the_days_elapsed(app, action_id):
    html = page_on(app, action_id, START + timedelta(days=19))  # day 20 of 29, a Saturday
    assert "so far: 20 of 29 days" in html
    after_row = re.search(r"<th scope=\"row\">After.*?</tr>", html, re.S).group(0)
    assert "<td>4</td><td>20</td><td>1.40</td>" in after_row  # 4 / 20 * 7, not 4 / 29 * 7 = 0.97
    assert "Target not met." in html and "Target met." not in html
    assert ">16 Mar 26*<" in html  # the current week on the axis, 16-21 Mar
    assert "* The week of 16 Mar 2026 is partial: 6 of 7 days." in html
    assert "23 Mar 26" not in html  # next week is not drawn or tabled


def test_after_the_window_every_day_counts_and_the_last_block_is_partial(app, action_id):
    html = page_on(app, action_id, END + timedelta(days=5))
    assert "so far" not in html
    assert "<td>4</td><td>29</td><td>0.97</td>" in html
    assert "* The week of 30 Mar 2026 is partial: 1 of 7 days." in html
