"""Known answers for the triage matrix and the recurrence proposal, without HTTP or a database."""

from datetime import UTC, datetime, timedelta

import pytest

from app.triage.matrix import (
    DEFAULT_MATRIX,
    Recurrence,
    ReviewLevel,
    Severity,
    as_plain,
    propose_review_level,
    validate_matrix,
)
from app.triage.recurrence import Occurrence, RecurrenceWindows, propose_recurrence

MATRIX = as_plain(DEFAULT_MATRIX)


@pytest.mark.parametrize(
    ("severity", "recurrence", "expected"),
    [
        ("low", "single", ReviewLevel.NONE),
        ("low", "repeat", ReviewLevel.BRIEF),
        ("low", "cluster", ReviewLevel.BARRIER),
        ("medium", "single", ReviewLevel.BRIEF),
        ("medium", "repeat", ReviewLevel.BRIEF),
        ("medium", "cluster", ReviewLevel.BARRIER),
        ("high", "single", ReviewLevel.BARRIER),
        ("high", "repeat", ReviewLevel.FULL),
        ("high", "cluster", ReviewLevel.FULL),
    ],
)
def test_default_matrix(severity, recurrence, expected):
    assert propose_review_level(MATRIX, severity, recurrence) is expected


def test_high_or_clustered_always_gets_a_deeper_review():
    for severity in Severity:
        for recurrence in Recurrence:
            level = propose_review_level(MATRIX, severity, recurrence)
            if severity is Severity.HIGH or recurrence is Recurrence.CLUSTER:
                assert level.depth >= ReviewLevel.BARRIER.depth


def test_default_matrix_is_valid():
    assert validate_matrix(MATRIX) == {}


def test_edit_that_weakens_high_or_cluster_is_refused():
    edited = as_plain(DEFAULT_MATRIX)
    edited["high"]["single"] = "none"
    edited["low"]["cluster"] = "brief_structured_review"
    edited["medium"]["single"] = "none"  # allowed: medium, single
    errors = validate_matrix(edited)
    assert set(errors) == {"high.single", "low.cluster"}
    assert "at least a barrier review" in errors["high.single"]


def test_missing_or_unknown_cells_are_named():
    errors = validate_matrix({"low": {"single": "nap"}})
    assert errors["low.single"] == "Choose a review level."
    assert len(errors) == 9


T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def occ(id_, days_before=0.0, category=1, region=1, location=None, person=None):
    return Occurrence(id_, category, region, T0 - timedelta(days=days_before), location, person)


def test_nothing_similar_is_single():
    report = occ(1)
    proposal = propose_recurrence(report, [occ(2, 3, category=2), occ(3, 200), report])
    assert proposal.recurrence is Recurrence.SINGLE and proposal.similar == []


def test_one_similar_in_region_within_90_days_is_repeat():
    proposal = propose_recurrence(occ(1), [occ(2, 60)])
    assert proposal.recurrence is Recurrence.REPEAT
    assert proposal.matched_on == {2: ["region"]}


def test_repeat_window_edge_is_inclusive():
    assert propose_recurrence(occ(1), [occ(2, 90)]).recurrence is Recurrence.REPEAT
    assert propose_recurrence(occ(1), [occ(2, 90.001)]).recurrence is Recurrence.SINGLE


def test_three_in_28_days_is_a_cluster():
    proposal = propose_recurrence(occ(1), [occ(2, 5), occ(3, 28)])
    assert proposal.recurrence is Recurrence.CLUSTER
    assert [o.id for o in proposal.similar] == [2, 3]


def test_two_in_28_days_plus_an_older_one_is_only_repeat():
    proposal = propose_recurrence(occ(1), [occ(2, 5), occ(3, 28.5)])
    assert proposal.recurrence is Recurrence.REPEAT


def test_same_person_or_location_in_another_region_counts():
    report = occ(1, region=1, location="Bathroom", person="JD-102")
    others = [occ(2, 3, region=2, person="jd-102"), occ(3, 4, region=3, location="  bathroom ")]
    proposal = propose_recurrence(report, others)
    assert proposal.recurrence is Recurrence.CLUSTER
    assert proposal.matched_on == {2: ["person"], 3: ["location"]}


def test_other_category_never_counts_even_for_the_same_person():
    report = occ(1, person="JD-102")
    assert propose_recurrence(report, [occ(2, 1, category=9, person="JD-102")]).similar == []


def test_later_reports_count_too_and_windows_are_configurable():
    later = Occurrence(2, 1, 1, T0 + timedelta(days=2))
    windows = RecurrenceWindows(repeat=timedelta(days=7), cluster=timedelta(days=3), cluster_size=2)
    assert propose_recurrence(occ(1), [later], windows).recurrence is Recurrence.CLUSTER
