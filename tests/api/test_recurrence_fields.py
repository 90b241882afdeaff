"""SPEC §5: the recurrence proposal in GET /api/v1/reports/<id> for people who triage (issue 16)."""

from datetime import UTC, datetime, timedelta

from app.core.roles import Role
from app.dashboard.models import Cluster
from app.extensions import db
from app.reports.models import Report
from tests.factories import login

HAPPENED = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)


def triager_json(app, report_id):
    client = app.test_client()
    login(client, "sup@x.test")
    return client.get(f"/api/v1/reports/{report_id}").get_json()


def at(days_before: int) -> str:
    return (HAPPENED - timedelta(days=days_before)).isoformat()


def test_single_repeat_and_cluster_with_the_reasons_of_each_similar_report(app, make):
    make.user("dsp@x.test", regions=["North"])
    make.user("dsp-south@x.test", regions=["South"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    report = make.report("dsp@x.test", occurred_at=at(0), person_ref="AB-123", location="Kitchen")
    body = triager_json(app, report)
    assert (body["proposed_recurrence"], body["similar_reports"]) == ("single", [])

    paraphrase = make.report(
        "dsp@x.test",
        occurred_at=at(5),
        what_happened="Blister pack still had the old dose after the GP changed it",
    )
    same_person = make.report("dsp-south@x.test", region="South", occurred_at=at(2), person_ref="ab-123 ")
    make.report("dsp-south@x.test", region="South", occurred_at=at(1), location="Kitchen")  # another kitchen
    make.report(
        "dsp@x.test", occurred_at=at(3), what_happened="The van's wheelchair straps were not fastened"
    )
    body = triager_json(app, report)
    assert body["proposed_recurrence"] == "repeat"
    assert body["similar_reports"] == [
        {"id": same_person, "reasons": ["similar wording (1.00)", "same person"]},
        {"id": paraphrase, "reasons": ["similar wording (0.90)", "same region", "same category"]},
    ]

    with app.app_context():
        db.session.add(
            Cluster(
                method="local_rule",
                week_start=HAPPENED.date(),
                cell_key="North|medication",
                observed=3,
                status="acknowledged",
                reports=[db.session.get(Report, report)],
            )
        )
        db.session.commit()
    body = triager_json(app, report)
    assert body["proposed_recurrence"] == "cluster"
    assert [similar["id"] for similar in body["similar_reports"]] == [same_person, paraphrase]
