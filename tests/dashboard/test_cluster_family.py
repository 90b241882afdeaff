"""Cluster detection on the database: the false-discovery control runs across every cell tested in
the week, region x category and region x interface type together, as the README says."""

import math
from datetime import datetime, time, timedelta
from decimal import Decimal, localcontext
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from statsmodels.stats.multitest import multipletests

from app.core.dates import monday
from app.core.roles import Role
from app.dashboard.models import Cluster
from app.dashboard.operations import detect_clusters
from app.extensions import db

TZ = ZoneInfo("America/New_York")


@pytest.fixture
def org(make, frozen_now):
    make.user("dsp@x.test", regions=["North"])
    make.user("dsp-south@x.test", regions=["South"])
    make.user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
    return make


def at(day, hour=12):
    return datetime.combine(day, time(hour), tzinfo=TZ).isoformat()


def upper_tail(observed: int, expected: float) -> float:
    """P(X >= observed | Poisson(expected)) as 1 minus the first terms, in 60-digit decimals."""
    with localcontext() as context:
        context.prec = 60
        lam, term, below = Decimal(str(expected)), (-Decimal(str(expected))).exp(), Decimal(0)
        for k in range(observed):
            below += term
            term = term * lam / (k + 1)
        return float(1 - below)


def test_one_family_across_categories_and_interface_types(app, org, org_day):
    week = monday(org_day) - timedelta(weeks=1)
    for day in range(4):  # a burst in one North cell, tagged with one interface type
        org.report(
            "dsp@x.test",
            category="transport",
            interface_tag="handover",
            occurred_at=at(week + timedelta(days=day)),
        )
    org.report(
        "dsp-south@x.test", region="South", category="medication", occurred_at=at(week - timedelta(weeks=3))
    )
    with app.app_context():
        detect_clusters(week, tz=TZ)
        db.session.commit()
        stored = {
            c.cell_key: c for c in db.session.scalars(select(Cluster).where(Cluster.method == "poisson_fdr"))
        }
    # Three cells were tested: North x transport and North x handover (4 this week, none in the 12
    # baseline weeks) and South x medication (none this week, one in the baseline).
    burst = upper_tail(4, 0.5 / 12)
    rejected, q_values, _, _ = multipletests([burst, burst, 1.0], alpha=0.1, method="fdr_bh")
    assert list(rejected) == [True, True, False]
    assert len(stored) == 2
    for cluster in stored.values():
        assert math.isclose(cluster.p_value, burst, rel_tol=1e-9)
        assert math.isclose(cluster.q_value, q_values[0], rel_tol=1e-9)  # 1.5 p: m = 3, not 2 or 1


def test_a_theme_both_methods_find_in_one_week_is_one_cluster(app, org, org_day):
    """Four transport reports in North in one week: the Poisson test flags the cell and the local rule
    (3 in 7 days) finds the same reports. The quality lead gets one cluster to review, not two."""
    week = monday(org_day) - timedelta(weeks=1)
    for day in range(4):
        org.report("dsp@x.test", category="transport", occurred_at=at(week + timedelta(days=day)))
    with app.app_context():
        detect_clusters(week, tz=TZ)
        detect_clusters(week, tz=TZ)  # run again (a second worker, or by hand): still one
        db.session.commit()
        methods = [
            c.method for c in db.session.scalars(select(Cluster).where(Cluster.category_id.is_not(None)))
        ]
    assert methods == ["poisson_fdr"]
