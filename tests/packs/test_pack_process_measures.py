"""The pack shows each action's process measure: its p-chart and the before/after difference, the
recorded one once verified."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import render_template
from flask_babel import force_locale
from sqlalchemy import select

from app.actions.measure import MeasureFilter
from app.actions.models import Action, ProcessMeasure, ProcessWeek, Verification
from app.auth.models import User
from app.core.dates import monday
from app.core.models import now_utc
from app.core.roles import Role
from app.dashboard.queries import Scope
from app.extensions import db
from app.packs.builder import build_pack
from app.taxonomy.models import Category

TZ = ZoneInfo("America/New_York")


def test_the_pack_draws_the_process_measure_and_its_recorded_difference(app, make, ctx, org_day):
    make.user("owner@x.test", roles=[Role.SCHEDULER], regions=["North"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    users = {u.email: u for u in db.session.scalars(select(User))}
    start = monday(org_day) - timedelta(weeks=5)
    action = Action(
        title="Coverage lock on rota changes",
        change="Rota changes after the cut-off need a supervisor's sign-off",
        owner_id=users["owner@x.test"].id,
        created_by_id=users["quality@x.test"].id,
        due_date=start,
        strength="strong",
        window_start=start,
        window_end=start + timedelta(days=27),
        measure=MeasureFilter(
            category_ids=(db.session.scalar(select(Category.id).where(Category.code == "scheduling_rota")),)
        ).to_json(),
        baseline_weeks=8,
        target_reduction_percent=50.0,
        status="effective",
    )
    weeks = [(start - timedelta(weeks=n), 28, 40) for n in range(1, 9)]
    weeks += [(start + timedelta(weeks=n), 37, 40) for n in range(4)]
    action.process_measure = ProcessMeasure(
        name="Coverage confirmed on time",
        numerator_label="coverage confirmed on time",
        denominator_label="rota changes",
        higher_is_better=True,
        weeks=[ProcessWeek(week_start=w, numerator=x, denominator=n) for w, x, n in weeks],
    )
    action.verifications.append(
        Verification(
            window_start=start,
            window_end=action.window_end,
            before_count=12,
            before_days=56,
            after_count=1,
            after_days=28,
            rate_ratio=0.17,
            ci_low=0.02,
            ci_high=1.3,
            target_met=True,
            verdict="effective",
            reason="The coverage confirmations show it.",
            process={
                "name": "Coverage confirmed on time",
                "before": [224, 320],
                "after": [148, 160],
                "difference": 0.225,
                "ci_low": 0.1618,
                "ci_high": 0.2762,
                "shown": True,
            },
            verifier_id=users["quality@x.test"].id,
        )
    )
    db.session.add(action)
    db.session.commit()

    scope = Scope(monday(org_day) - timedelta(weeks=11), monday(org_day), None)
    pack = build_pack(scope, users["quality@x.test"], tz=TZ, today=org_day, now=now_utc(), region_name="All")
    [item] = pack["process_measures"]
    assert item["id"] == action.id and item["view"].comparison.after_denominator == 160
    html = " ".join(render_template("pdf/pack.html", pack=pack, page_size="Letter").split())
    assert "Process measures" in html
    assert "Action A-" in html and "Coverage confirmed on time per week (p-chart)" in html
    assert (
        "At the verdict: 224 of 320 (70.0%) before, 148 of 160 (92.5%) in the test window: difference "
        "+22.5 points (95% CI +16.2 to +27.6), improvement shown." in html
    )
    # The reports' interval included 1: the verdict still reads as not shown by the data.
    assert "Verdict: effective: not shown by the data." in html
    quality = users["quality@x.test"]
    with force_locale("es"):
        pack = build_pack(scope, quality, tz=TZ, today=org_day, now=now_utc(), region_name="All")
        spanish = " ".join(render_template("pdf/pack.html", pack=pack, page_size="Letter").split())
    assert (
        "Al dar el veredicto: 224 de 320 (70,0%) antes, 148 de 160 (92,5%) en el período de prueba: "
        "diferencia de +22,5 puntos (IC del 95% +16,2 a +27,6), mejora demostrada." in spanish
    )
    assert "Método: la proporción semanal se dibuja en un gráfico de control p" in spanish
