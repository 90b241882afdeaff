"""The category suggestion's method: its measured quality on the labelled set, and worked cases."""

import csv
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from app.taxonomy.defaults import DEFAULT_CATEGORIES
from app.triage import category_scorer, similarity
from app.triage.category_scorer import CategoryCard, CategoryScorer

LABELLED_SET = Path(__file__).resolve().parents[1] / "data" / "near_miss_similarity.csv"


def default_cards():
    return [
        CategoryCard(code=c["code"], label=c["name"], description=c["description"], examples=c["examples"])
        for c in DEFAULT_CATEGORIES
    ]


@pytest.fixture(scope="module")
def cards_only():
    cards = default_cards()
    return CategoryScorer(cards, similarity.embed([c.text for c in cards]), np.zeros((0, 256)), [])


def test_leaving_each_text_out_the_suggestion_keeps_its_stated_accuracy():
    with LABELLED_SET.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    codes = np.array([row["category"] for row in rows], dtype=object)
    vectors = similarity.embed([row["text"] for row in rows])
    cards = default_cards()
    card_vectors = similarity.embed([c.text for c in cards])
    top1, made = [], []
    for index in range(len(rows)):
        others = np.arange(len(rows)) != index
        scorer = CategoryScorer(cards, card_vectors, vectors[others], codes[others])
        best = scorer.suggest(vectors[index], threshold=0.0)
        top1.append(best.code == codes[index])
        if best.confidence >= category_scorer.THRESHOLD:
            made.append(best.code == codes[index])

    accuracy = np.mean(top1)
    most_common_share = Counter(codes).most_common(1)[0][1] / len(codes)
    assert accuracy >= category_scorer.MINIMUM_ACCURACY
    assert accuracy > 3 * most_common_share
    assert np.mean(made) >= category_scorer.MINIMUM_PRECISION
    assert len(made) / len(rows) >= category_scorer.MINIMUM_COVERAGE


def test_a_medication_text_is_suggested_medication_from_the_cards_alone(cards_only):
    text = "The MAR said 5mg but the pharmacy label said 10mg, I held the dose"

    suggestion = cards_only.suggest(similarity.embed([text])[0])

    assert (suggestion.code, suggestion.label) == ("medication", "Medication")
    assert suggestion.confidence >= category_scorer.THRESHOLD


def test_a_vague_or_blank_text_gets_no_suggestion(cards_only):
    vague, blank = similarity.embed(["it happened again today", "   "])

    assert cards_only.suggest(vague) is None
    assert cards_only.suggest(blank) is None


# Worked cases on three-dimensional vectors: cards A = e1 and B = e2; A's reports all lie on e3.
E1, E2, E3 = np.eye(3, dtype=np.float32)
TWO_CARDS = [CategoryCard("a", "A"), CategoryCard("b", "B")]
TEXT = np.array([0.6, 0.0, 0.8], dtype=np.float32)


def test_with_enough_reports_a_score_is_the_even_blend_of_card_and_centroid():
    scorer = CategoryScorer(TWO_CARDS, [E1, E2], [E3] * 5, ["a"] * 5)

    assert scorer.scores(TEXT) == pytest.approx([0.5 * 0.6 + 0.5 * 0.8, 0.0])
    assert scorer.suggest(TEXT).confidence == pytest.approx(0.7)


def test_with_too_few_reports_a_category_is_scored_by_its_card_alone():
    scorer = CategoryScorer(TWO_CARDS, [E1, E2], [E3] * 4 + [E2], ["a"] * 4 + ["c"])

    assert scorer.scores(TEXT) == pytest.approx([0.6, 0.0])


def test_nothing_is_suggested_below_the_threshold_or_with_one_category():
    scorer = CategoryScorer(TWO_CARDS, [E1, E2], np.zeros((0, 3)), [])
    close_call = np.array([0.6, 0.55, 0.0], dtype=np.float32)

    assert scorer.suggest(close_call) is None  # leads by 0.05, under 0.06
    assert scorer.suggest(close_call, threshold=0.04).code == "a"
    assert CategoryScorer(TWO_CARDS[:1], [E1], np.zeros((0, 3)), []).suggest(TEXT) is None
