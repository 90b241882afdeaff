"""On the demo organisation, the planted clusters are proposed *cluster* and most other reports
*single* or *repeat* (issue 16, point 1)."""

from collections import Counter
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.demo.loader import CLUSTERS, load_demo, planted_weeks
from app.extensions import db
from app.reports.models import Report
from app.reports.operations import SubmissionSettings
from app.taxonomy.models import Category, Region
from app.triage.models import Triage


# Loading a year of demo reports takes half a minute or more: it runs with the deployment tests.
@pytest.mark.deploy
def test_the_demo_proposes_cluster_for_its_planted_clusters_and_rarely_otherwise(app, frozen_now):
    tz = ZoneInfo(app.config["ORG_TIMEZONE"])
    with app.app_context():
        load_demo("demo-password-1", SubmissionSettings.from_config(app.config), weeks=52)
        db.session.commit()

        proposals = Counter(db.session.scalars(select(Triage.recurrence_proposed)))
        triaged = sum(proposals.values())
        assert triaged > 1000
        assert proposals["cluster"] / triaged < 0.10, proposals
        assert proposals["single"] > 0 and proposals["repeat"] > proposals["cluster"], proposals

        for cluster in CLUSTERS:
            first, last = planted_weeks(cluster, frozen_now, tz)
            start = datetime.combine(first, time(), tzinfo=tz)
            end = datetime.combine(last + timedelta(weeks=1), time(), tzinfo=tz)
            in_burst = db.session.execute(
                select(Report.id, Triage.recurrence_proposed)
                .join(Triage, Triage.report_id == Report.id)
                .join(Region, Region.id == Report.region_id)
                .join(Category, Category.id == Report.category_id)
                .where(
                    Region.name == cluster.region,
                    Category.code == cluster.category,
                    Report.occurred_at >= start,
                    Report.occurred_at < end,
                )
            ).all()
            assert len(in_burst) >= cluster.extra_reports // 2, cluster
            assert {proposed for _, proposed in in_burst} == {"cluster"}, (cluster, in_burst)
