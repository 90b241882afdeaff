"""The dashboard's per-action week table shows only weeks that have begun, marks the partial one,
and words an "effective" verdict whose interval includes 1 as the pack does; the action's page never
calls a target met while its interval includes 1."""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.actions.measure import MeasureFilter
from app.actions.models import Action, Verification
from app.auth.models import User
from app.core.roles import Role
from app.extensions import db
from app.taxonomy.models import Category
from tests.factories import login

TZ = ZoneInfo("America/New_York")


@pytest.fixture
def running_action(app, make, org_day):
    """A test window that began 10 days ago and runs 17 more: 16 reports in its 8 baseline weeks,
    1 since; an "effective" verdict recorded with the interval 0.2-1.3."""
    make.user("dsp@x.test", regions=["North"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    start = org_day - timedelta(days=10)
    for n in range(16):
        day = start - timedelta(days=2 + n * 3)
        make.report(
            "dsp@x.test",
            category="falls_mobility",
            occurred_at=datetime.combine(day, time(10), tzinfo=TZ).isoformat(),
        )
    make.report(
        "dsp@x.test",
        category="falls_mobility",
        occurred_at=datetime.combine(start + timedelta(days=2), time(10), tzinfo=TZ).isoformat(),
    )
    with app.app_context():
        quality = db.session.scalar(select(User).where(User.email == "quality@x.test"))
        falls = db.session.scalar(select(Category.id).where(Category.code == "falls_mobility"))
        action = Action(
            title="Sensor mats at night",
            change="Sensor mats by every bed",
            owner_id=quality.id,
            created_by_id=quality.id,
            due_date=start,
            strength="strong",
            status="effective",
            window_start=start,
            window_end=start + timedelta(days=27),
            measure=MeasureFilter(category_ids=(falls,)).to_json(),
            baseline_weeks=8,
            target_reduction_percent=50.0,
        )
        db.session.add(action)
        db.session.flush()
        db.session.add(
            Verification(
                action_id=action.id,
                window_start=action.window_start,
                window_end=action.window_end,
                before_count=16,
                before_days=56,
                after_count=1,
                after_days=10,
                rate_ratio=0.5,
                ci_low=0.2,
                ci_high=1.3,
                target_met=True,
                verdict="effective",
                reason="Spot checks found the mats in place.",
                verifier_id=quality.id,
            )
        )
        db.session.commit()
        return action.id, start


def test_the_week_table_stops_at_this_week_and_marks_it_partial(app, running_action, org_day):
    action_id, start = running_action
    client = app.test_client()
    login(client, "quality@x.test")
    page = client.get(f"/dashboard/actions?from={org_day - timedelta(weeks=12)}&to={org_day}").get_data(
        as_text=True
    )
    section = page.split(f"A-{action_id} · Sensor mats at night", 1)[1]
    table = section.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    row = r"<tr><td class=\"day\">(\d{1,2} \w{3} \d{4})( <span[^>]*>\(partial: (\d) of 7 days\)</span>)?</td>"
    rows = re.findall(row, table)
    baseline_start = start - timedelta(weeks=8)
    weeks = [baseline_start + timedelta(weeks=k) for k in range(len(rows))]
    assert [label for label, _, _ in rows] == [f"{w.day} {w:%b %Y}" for w in weeks]
    assert weeks[-1] <= org_day < weeks[-1] + timedelta(days=7)  # no week after today's
    days_elapsed = (org_day - weeks[-1]).days + 1
    partial = [(label, days) for label, mark, days in rows if mark]
    assert partial == ([(rows[-1][0], str(days_elapsed))] if days_elapsed < 7 else [])
    assert "verified effective: not shown by the data" in section.split("<h3>", 1)[0]


def test_the_action_page_never_calls_a_target_met_beside_an_interval_including_one(app, running_action):
    action_id, _ = running_action
    client = app.test_client()
    login(client, "quality@x.test")
    page = " ".join(client.get(f"/actions/{action_id}").get_data(as_text=True).split())
    assert "The interval includes 1" in page
    assert "Target met." not in page
    assert "Target reached by the estimate alone: not shown by the data." in page
    assert "Effective: not shown by the data" in page and "Verified effective" not in page
