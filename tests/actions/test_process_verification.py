"""A verdict on an action with a process measure records the process comparison, and "effective"
needs a reason while the process measure's interval does not show the improvement."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from statsmodels.stats.proportion import confint_proportions_2indep

from app.actions.measure import MeasureFilter
from app.actions.models import Action, ProcessMeasure, ProcessWeek
from app.actions.operations import ActionInvalid, verify
from app.auth.models import User
from app.core.dates import monday
from app.core.roles import Role
from app.extensions import db
from app.packs.builder import _verification
from app.taxonomy.models import Category

TZ = ZoneInfo("America/New_York")


@pytest.fixture
def action(make, ctx, org_day):
    """An action whose 4-week window ended last week: 28 matching reports in its 8 baseline weeks and
    none in the window, so the reports' rate ratio alone shows a fall (interval below 1)."""
    make.user("dsp@x.test", regions=["North"])
    make.user("owner@x.test", roles=[Role.SCHEDULER], regions=["North"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    start = monday(org_day) - timedelta(weeks=6)
    for n in range(28):
        day = start - timedelta(days=1 + 2 * n)
        make.report(
            "dsp@x.test",
            category="scheduling_rota",
            occurred_at=datetime.combine(day, time(12), tzinfo=TZ).isoformat(),
        )
    users = {u.email: u for u in db.session.scalars(select(User))}
    rota = db.session.scalar(select(Category.id).where(Category.code == "scheduling_rota"))
    created = Action(
        title="Coverage lock on rota changes",
        change="Rota changes after the cut-off need a supervisor's sign-off",
        owner_id=users["owner@x.test"].id,
        created_by_id=users["quality@x.test"].id,
        due_date=start,
        strength="strong",
        window_start=start,
        window_end=start + timedelta(days=27),
        measure=MeasureFilter(category_ids=(rota,)).to_json(),
        baseline_weeks=8,
        target_reduction_percent=50.0,
        status="done",
    )
    db.session.add(created)
    db.session.commit()
    return created


def with_counts(action, baseline: tuple[int, int], test: tuple[int, int]):
    """8 baseline weeks and 4 test weeks, each with the same counts."""
    weeks = [(action.window_start - timedelta(weeks=n), *baseline) for n in range(1, 9)]
    weeks += [(action.window_start + timedelta(weeks=n), *test) for n in range(4)]
    action.process_measure = ProcessMeasure(
        name="Coverage confirmed on time",
        numerator_label="coverage confirmed on time",
        denominator_label="rota changes",
        higher_is_better=True,
        weeks=[ProcessWeek(week_start=w, numerator=x, denominator=n) for w, x, n in weeks],
    )
    db.session.commit()


def quality():
    return db.session.scalar(select(User).where(User.email == "quality@x.test"))


def test_effective_is_recorded_with_the_process_comparison_when_both_show_it(action, org_day):
    with_counts(action, baseline=(28, 40), test=(37, 40))  # 224/320 = 70% before, 148/160 = 92.5% after
    verification = verify(action, quality(), verdict="effective", note="", tz=TZ, today=org_day)
    assert verification.rate_ratio is not None and verification.ci_high < 1
    low, high = confint_proportions_2indep(148, 160, 224, 320, method="newcomb")
    recorded = verification.process
    assert (recorded["before"], recorded["after"]) == ([224, 320], [148, 160])
    assert recorded["difference"] == pytest.approx(148 / 160 - 224 / 320)
    assert (recorded["ci_low"], recorded["ci_high"]) == (pytest.approx(low), pytest.approx(high))
    assert recorded["shown"] and recorded["name"] == "Coverage confirmed on time"
    assert verification.reason is None and action.status == "effective"
    assert _verification(verification)["verdict"] == "effective"


def test_effective_needs_a_reason_while_the_process_interval_includes_zero(action, org_day):
    with_counts(action, baseline=(28, 40), test=(6, 8))  # 70% before, 75% of only 32 after
    low, high = confint_proportions_2indep(24, 32, 224, 320, method="newcomb")
    assert low < 0 < high  # worked independently: the process does not show an improvement
    with pytest.raises(ActionInvalid) as refused:
        verify(action, quality(), verdict="effective", note="", tz=TZ, today=org_day)
    assert refused.value.errors["reason"] == [
        f"The process measure's difference (+5.0 points, 95% interval {low * 100:+.1f} to {high * 100:+.1f}) "
        "does not exclude 0 on the good side: the data do not show an improvement. To call the action "
        "effective anyway, give your reason (what else shows it works)."
    ]
    verification = verify(
        action,
        quality(),
        verdict="effective",
        note="",
        reason="Rota audits found the coverage lock used on every change.",
        tz=TZ,
        today=org_day,
    )
    assert verification.reason.startswith("Rota audits") and not verification.process["shown"]
    assert _verification(verification)["verdict"] == "effective: not shown by the data"


def test_not_effective_records_the_process_comparison_without_a_reason(action, org_day):
    with_counts(action, baseline=(28, 40), test=(20, 40))
    verification = verify(action, quality(), verdict="not_effective", note="", tz=TZ, today=org_day)
    assert verification.reason is None
    assert verification.process["after"] == [80, 160] and verification.process["difference"] < 0
