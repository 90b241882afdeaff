"""The default baseline ends before the spike that set the action off, and the choice can be changed
until the test starts."""

from datetime import date, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from statsmodels.stats.rates import confint_poisson_2indep

from app.actions.measure import MeasureFilter, baseline_windows
from app.actions.models import Action
from app.actions.operations import ActionInput, ActionInvalid, save_action
from app.actions.queries import comparison_for, default_baseline_end, windows_for
from app.auth.models import User
from app.core.roles import Role
from app.dashboard.models import Cluster
from app.extensions import db
from app.taxonomy.models import Category, Region
from tests.factories import login

TZ = ZoneInfo("America/New_York")
START = date(2026, 3, 2)  # a Monday
SPIKE = START - timedelta(weeks=2)  # the cluster's first week: 16 Feb


def test_default_baseline_end_is_the_first_week_of_the_earliest_cluster():
    action = SimpleNamespace(
        clusters=[SimpleNamespace(week_start=SPIKE + timedelta(weeks=1)), SimpleNamespace(week_start=SPIKE)]
    )
    assert default_baseline_end(action, START) == SPIKE
    assert default_baseline_end(SimpleNamespace(clusters=[]), START) == START
    # A cluster found after the test started is not the spike that set it off.
    late = SimpleNamespace(clusters=[SimpleNamespace(week_start=START + timedelta(weeks=1))])
    assert default_baseline_end(late, START) == START


def test_a_baseline_ending_early_leaves_the_gap_out_of_both_windows():
    windows = baseline_windows(START, START + timedelta(days=27), 8, SPIKE)
    assert windows.baseline_start == SPIKE - timedelta(weeks=8)
    assert windows.before_days == 56 and windows.baseline_stop == SPIKE


@pytest.fixture
def answered_cluster(app, make):
    """8 quiet weeks at 2 a week, a 2-week spike of 12, then 4 weeks of test at 1 a week."""
    make.user("dsp@x.test", regions=["North"])
    make.user("owner@x.test", roles=[Role.SCHEDULER], regions=["North"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])

    def at(day):
        return datetime.combine(day, time(12), tzinfo=TZ).isoformat()

    quiet = [SPIKE - timedelta(days=1 + 3 * n) for n in range(16)]
    spike = [SPIKE + timedelta(days=n) for n in range(12)]
    after = [START + timedelta(days=1 + 7 * n) for n in range(4)]
    for day in quiet + spike + after:
        make.report("dsp@x.test", category="scheduling_rota", occurred_at=at(day))
    with app.app_context():
        users = {u.email: u.id for u in db.session.scalars(select(User))}
        rota = db.session.scalar(select(Category.id).where(Category.code == "scheduling_rota"))
        north = db.session.scalar(select(Region.id).where(Region.name == "North"))
        action = Action(
            title="Address check on rota changes",
            change="Every rota change checks the address",
            owner_id=users["owner@x.test"],
            created_by_id=users["quality@x.test"],
            due_date=START,
            strength="strong",
            window_start=START,
            window_end=START + timedelta(days=27),
            measure=MeasureFilter(category_ids=(rota,)).to_json(),
            baseline_weeks=8,
            target_reduction_percent=50.0,
        )
        cluster = Cluster(
            method="local_rule",
            week_start=SPIKE,
            cell_key="x",
            region_id=north,
            category_id=rota,
            observed=12,
        )
        cluster.actions.append(action)
        db.session.add_all([action, cluster])
        db.session.commit()
        yield action.id
    app.config.pop("NEARMISS_TODAY", None)


def test_the_spike_is_not_counted_as_before(app, answered_cluster):
    with app.app_context():
        action = db.session.get(Action, answered_cluster)
        today = START + timedelta(days=40)
        assert windows_for(action).baseline_stop == SPIKE
        c = comparison_for(action, TZ, today)
        # 16 in the 8 quiet weeks against 4 in the 4 test weeks: 2/wk -> 1/wk.
        assert (c.before_count, c.before_days, c.after_count, c.after_days) == (16, 56, 4, 28)
        low, high = confint_poisson_2indep(4, 28, 16, 56, method="wald-log", compare="ratio")
        assert c.rate_ratio == pytest.approx(0.5) and c.ci_low == pytest.approx(low)
        assert c.ci_high == pytest.approx(high)
        # Against the 8 weeks just before the start it would look much better: they hold 14 quiet
        # reports and the 12 of the spike, 26 in 56 days, so (4/28) / (26/56) = 0.3077.
        action.baseline_end = START
        assert comparison_for(action, TZ, today).rate_ratio == pytest.approx(4 / 28 / (26 / 56))
        db.session.rollback()


def test_the_page_shows_the_baseline_and_why_it_ends_there(app, answered_cluster):
    app.config["NEARMISS_TODAY"] = START - timedelta(days=1)
    client = app.test_client()
    login(client, "quality@x.test")
    html = client.get(f"/actions/{answered_cluster}").get_data(as_text=True)
    assert "the 8 weeks 22 Dec 2025 – 15 Feb 2026, ending before the first week of the cluster" in html  # noqa: RUF001
    assert "Change the baseline" in html
    form = client.get(f"/actions/{answered_cluster}/edit").get_data(as_text=True)
    assert 'name="baseline_end"' in form and "16 Feb 2026, the first week of the cluster" in form


def action_input(**overrides):
    data = {
        "title": "Check addresses when the rota changes",
        "change": "Rota changes need an address check",
        "owner_id": db.session.scalar(select(User.id).where(User.email == "owner@x.test")),
        "due_date": START,
        "strength": "strong",
        "window_start": START,
        "window_end": START + timedelta(days=27),
        "measure": MeasureFilter(
            category_ids=(db.session.scalar(select(Category.id).where(Category.code == "scheduling_rota")),)
        ),
        "target_reduction_percent": 50.0,
    }
    data.update(overrides)
    return ActionInput(**data)


def test_the_baseline_end_is_chosen_before_the_start_and_fixed_after(app, answered_cluster):
    with app.app_context():
        quality = db.session.scalar(select(User).where(User.email == "quality@x.test"))
        action = db.session.get(Action, answered_cluster)
        chosen = START - timedelta(weeks=3)
        saved = save_action(
            quality, action_input(baseline_end=chosen), tz=TZ, today=START - timedelta(days=10), action=action
        )
        assert saved.baseline_end == chosen and windows_for(saved).baseline_stop == chosen
        with pytest.raises(ActionInvalid) as refused:
            save_action(
                quality,
                action_input(baseline_end=START + timedelta(days=1)),
                tz=TZ,
                today=START - timedelta(days=10),
                action=action,
            )
        assert "on or before the day the test starts" in str(refused.value.errors)
        with pytest.raises(ActionInvalid) as locked:
            save_action(
                quality,
                action_input(baseline_end=SPIKE),
                tz=TZ,
                today=START + timedelta(days=1),
                action=action,
            )
        assert "fixed once the test has started" in str(locked.value.errors)
        db.session.rollback()
