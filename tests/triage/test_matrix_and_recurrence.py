"""Known answers for the triage matrix and the recurrence proposal, without HTTP or a database."""

from datetime import UTC, datetime, timedelta

import pytest

from app.triage import similarity
from app.triage.matrix import (
    DEFAULT_MATRIX,
    Recurrence,
    ReviewLevel,
    Severity,
    as_plain,
    propose_review_level,
    validate_matrix,
)
from app.triage.recurrence import Occurrence, propose_recurrence

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
WORDS = "Two doses of the evening tablets were nearly given: the MAR had not been signed"


def occ(id_, days_before=0.0, category=1, region=1, location=None, person=None, text=WORDS, program=None):
    return Occurrence(
        id_, category, region, T0 - timedelta(days=days_before), location, person, text, program
    )


def fixed_scores(by_text: dict[str, float]):
    """A stand-in wording measure: each candidate text scores what ``by_text`` says (else 0)."""
    return lambda text, others: [by_text.get(other, 0.0) for other in others]


def test_nothing_similar_is_single():
    report = occ(1)
    proposal = propose_recurrence(report, [occ(2, 3, category=2), occ(3, 200), report])
    assert proposal.recurrence is Recurrence.SINGLE and proposal.similar == []


def test_same_category_and_region_with_similar_wording_is_repeat_with_its_reasons():
    proposal = propose_recurrence(occ(1), [occ(2, 60, text="MAR")], scores=fixed_scores({"MAR": 0.52}))
    assert proposal.recurrence is Recurrence.REPEAT
    assert proposal.matched_on == {2: ["similar wording (0.52)", "same region", "same category"]}


def test_same_category_and_region_alone_is_not_similar():
    unrelated = occ(2, 5, text="The bedroom heater was cold")
    proposal = propose_recurrence(occ(1), [unrelated], scores=fixed_scores({unrelated.text: 0.349}))
    assert proposal.recurrence is Recurrence.SINGLE


def test_wording_threshold_is_the_measured_operating_point():
    scores = fixed_scores({"at": similarity.THRESHOLD, "below": similarity.THRESHOLD - 0.001})
    proposal = propose_recurrence(occ(1), [occ(2, 1, text="at"), occ(3, 1, text="below")], scores=scores)
    assert [o.id for o in proposal.similar] == [2]


def test_look_back_window_edge_is_inclusive():
    assert propose_recurrence(occ(1), [occ(2, 90)]).recurrence is Recurrence.REPEAT
    assert propose_recurrence(occ(1), [occ(2, 90.001)]).recurrence is Recurrence.SINGLE
    short = timedelta(days=7)
    assert propose_recurrence(occ(1), [occ(2, 8)], look_back=short).recurrence is Recurrence.SINGLE


def test_many_similar_reports_without_a_detected_cluster_are_only_repeat():
    proposal = propose_recurrence(occ(1), [occ(n, n) for n in range(2, 9)])
    assert proposal.recurrence is Recurrence.REPEAT
    assert [o.id for o in proposal.similar] == [2, 3, 4, 5, 6, 7, 8]  # most recent first


def test_an_open_detected_cluster_decides_cluster():
    proposal = propose_recurrence(occ(1), [], open_cluster_ids=[7, 3])
    assert proposal.recurrence is Recurrence.CLUSTER and proposal.open_cluster_ids == [3, 7]


def test_the_same_person_counts_in_another_region_and_category():
    report = occ(1, region=1, person="JD-102")
    other = occ(2, 3, region=2, category=9, person=" jd-102 ")
    proposal = propose_recurrence(report, [other])
    assert proposal.matched_on[2][1:] == ["same person"]
    assert proposal.matched_on[2][0].startswith("similar wording (1.00")


def test_a_location_word_in_another_region_never_counts():
    report = occ(1, region=1, category=1, location="Bedroom")
    elsewhere = occ(2, 3, region=2, category=1, location="bedroom")
    assert propose_recurrence(report, [elsewhere]).recurrence is Recurrence.SINGLE


def test_location_or_program_in_the_same_region_counts_across_categories():
    report = occ(1, category=1, location="Kitchen", program=4)
    by_location = occ(2, 3, category=5, location=" kitchen")
    by_program = occ(3, 3, category=6, program=4)
    other_program = occ(4, 3, category=6, program=5)
    proposal = propose_recurrence(report, [by_location, by_program, other_program])
    assert proposal.matched_on[2][1:] == ["same region", "same location"]
    assert proposal.matched_on[3][1:] == ["same region", "same program"]
    assert 4 not in proposal.matched_on


def test_the_measured_model_tells_paraphrase_from_shared_words():
    """The real WordLlama cosine (no stand-in): a paraphrase of a medication near miss is similar,
    a text sharing only "bedroom" is not."""
    report = occ(
        1, text="Evening tablets nearly given twice because the MAR was not signed", location="Bedroom"
    )
    paraphrase = occ(2, 4, text="Evening medication nearly given a second time, the MAR was unsigned")
    decoy = occ(3, 4, text="The bedroom window would not close and the room was cold", location="Bedroom")
    proposal = propose_recurrence(report, [paraphrase, decoy])
    assert [o.id for o in proposal.similar] == [2]
