"""*Cluster* when a report's theme is statistically unusual for its region (issue 16, point 1): the
cluster detector's own Poisson test and false-discovery control over the week ending at the report's
time. The expected figures are worked here with scipy and statsmodels, not with the app's code."""

from datetime import timedelta

import pytest
from scipy.stats import poisson
from statsmodels.stats.multitest import multipletests

from app.extensions import db
from app.reports.models import Report
from app.triage.matrix import Recurrence
from app.triage.operations import recurrence_for, unusual_theme

BASELINE_WEEKS = 12  # the cluster_baseline_weeks default
WORDS = {
    "medication": "Blister pack held the old dose after a GP change.",
    "falls_mobility": "Walking frame was left out of reach beside the bed.",
}


@pytest.fixture
def happened(frozen_now):
    """When the report being triaged happened: two days before the pinned clock."""
    return frozen_now - timedelta(days=2)


@pytest.fixture
def north_medication_burst(make, happened):
    """North x medication: 6 reports in the 12 baseline weeks, 6 in the week ending when the report
    being triaged happened (the last of them; one of them tagged handover), one the day after (not yet
    happened then); North x falls: 4 in the baseline; South x medication: 2 in the baseline and 1 in
    the week. One report before the baseline starts: the organisation has history."""
    make.user("dsp@x.test", regions=["North", "South"])

    def report(days_before: float, category="medication", region="North", **extra) -> int:
        return make.report(
            "dsp@x.test",
            region=region,
            category=category,
            what_happened=WORDS[category],
            occurred_at=(happened - timedelta(days=days_before)).isoformat(),
            **extra,
        )

    report(100)
    for days in (10, 20, 30, 40, 50, 60):
        report(days)
    for days in (15, 25, 35, 45):
        report(days, category="falls_mobility")
    for days in (12, 33):
        report(days, region="South")
    south_now = report(2, region="South")
    report(3, interface_tag="handover")
    for days in (4, 3, 2, 1):
        report(days)
    report(-1)
    return {"north": report(0), "south": south_now}


def worked_p_and_q():
    """The family of the week ending when the report happened, by hand: (observed, baseline count)
    per cell, both kinds of cell in one family."""
    cells = {
        "North x medication": (6, 6),
        "North x falls": (0, 4),
        "South x medication": (1, 2),
        "North x handover": (1, 0),
    }
    p_values = [
        poisson.sf(observed - 1, (base + 0.5) / BASELINE_WEEKS) if observed else 1.0
        for observed, base in cells.values()
    ]
    q_values = multipletests(p_values, method="fdr_bh")[1]
    return p_values[0], q_values[0]


def test_a_burst_unusual_for_its_region_is_proposed_cluster_with_the_reason(app, north_medication_burst):
    p_value, q_value = worked_p_and_q()
    assert q_value < 0.1
    with app.app_context():
        report = db.session.get(Report, north_medication_burst["north"])
        assert unusual_theme(report) == (
            f"unusual for North: 6 reports of Medication in 1 week against about 0.5 expected "
            f"(p = {p_value:.2g}, q = {q_value:.2g})"
        )
        proposal = recurrence_for(report)
        assert proposal.recurrence is Recurrence.CLUSTER and proposal.open_cluster_ids == []


def test_a_cell_the_test_does_not_flag_is_not_unusual(app, north_medication_burst):
    with app.app_context():
        report = db.session.get(Report, north_medication_burst["south"])
        assert unusual_theme(report) is None
        assert recurrence_for(report).recurrence is not Recurrence.CLUSTER


def test_no_test_before_the_organisation_has_a_baseline_of_reports(app, make, happened):
    make.user("dsp@x.test")
    ids = [
        make.report("dsp@x.test", occurred_at=(happened - timedelta(days=days)).isoformat())
        for days in (80, 4, 3, 2, 1, 0)
    ]
    with app.app_context():
        assert unusual_theme(db.session.get(Report, ids[-1])) is None
