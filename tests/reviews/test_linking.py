"""Linking reports to a review: only reports the person may see, one answer for an unknown and a
forbidden id, and an untriaged report stays in the triage queue until it is triaged."""

import pytest
from sqlalchemy import select

from app.dashboard.models import Cluster
from app.dashboard.operations import handle_cluster
from app.extensions import db
from app.reports.models import Report
from app.reports.queries import UNSEEN_REPORT
from app.reviews.operations import ReviewInput, ReviewInvalid, save_review
from tests.actions.test_linking import TODAY, in_triage_queue, triage, user
from tests.factories import csrf_from_page, login


def review_input(*reports: Report) -> ReviewInput:
    return ReviewInput(kind="brief_structured_review", title="Rota changes", reports=list(reports))


@pytest.mark.parametrize("target", ["south", "safeguarding", "unknown"])
def test_the_review_page_links_only_reports_the_person_may_see(app, org, target):
    """A nurse of North: South's report, a safeguarding one and a missing id get the same answer."""
    nurse = app.test_client()
    login(nurse, "nurse@x.test")
    response = nurse.post(
        "/reviews/new",
        data={
            "csrf_token": csrf_from_page(nurse, "/reviews/new"),
            "kind": "brief_structured_review",
            "title": "Rota changes",
            "report_ids": f"NM-{org.get(target, 999_999)}",
        },
    )
    assert response.status_code == 422
    assert UNSEEN_REPORT in response.get_data(as_text=True)
    with app.app_context():
        if target != "unknown":
            assert db.session.get(Report, org[target]).status == "new"


@pytest.mark.parametrize("target", ["south", "safeguarding"])
def test_saving_a_review_refuses_a_report_the_person_may_not_see(org, ctx, target):
    with pytest.raises(ReviewInvalid) as caught:
        save_review(user("nurse@x.test"), review_input(db.session.get(Report, org[target])))
    assert caught.value.errors == {"reports": [UNSEEN_REPORT]}


def test_linking_an_untriaged_report_leaves_it_in_the_triage_queue(org, ctx):
    report = db.session.get(Report, org["safeguarding"])
    review = save_review(user("sup@x.test"), review_input(report))
    assert review.reports == [report]
    assert report.status == "new"
    assert in_triage_queue(report.id)


def test_after_triage_a_linked_report_is_in_review(org, ctx):
    report = db.session.get(Report, org["north"])
    save_review(user("sup@x.test"), review_input(report))
    triage(report)
    assert report.status == "in_review"
    assert not in_triage_queue(report.id)


def test_a_triaged_report_goes_in_review_when_linked(org, ctx):
    report = db.session.get(Report, org["north"])
    triage(report)
    save_review(user("sup@x.test"), review_input(report))
    assert report.status == "in_review"


def test_a_cluster_sent_to_review_leaves_its_untriaged_reports_in_the_queue(org, ctx):
    north = db.session.get(Report, org["north"])
    cluster = Cluster(
        method="local_rule",
        week_start=TODAY,
        cell_key="north-rota",
        region_id=north.region_id,
        category_id=north.category_id,
        observed=1,
        expected=0.2,
        reports=[north],
    )
    db.session.add(cluster)
    db.session.flush()
    handle_cluster(cluster, user("quality@x.test"), action="review")
    assert cluster.review_id is not None and north.status == "new" and in_triage_queue(north.id)
    assert db.session.scalar(select(Cluster.status).where(Cluster.id == cluster.id)) == "reviewing"
