"""The text similarity of near-miss reports: its quality on the labelled set, and its edge cases."""

import csv
import logging
from pathlib import Path

import numpy as np
import pytest
import requests

from app.triage import similarity

LABELLED_SET = Path(__file__).resolve().parents[1] / "data" / "near_miss_similarity.csv"


def labelled_set():
    with LABELLED_SET.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_labelled_set_is_large_enough_and_consistent():
    rows = labelled_set()
    themes = {row["theme"] for row in rows}
    assert len(rows) >= 200
    assert len({row["text"] for row in rows}) == len(rows)
    assert all(row["decoy_of"] in themes for row in rows if row["decoy_of"])
    categories_of_theme = {}
    for row in rows:
        categories_of_theme.setdefault(row["theme"], set()).add(row["category"])
    assert all(len(categories) == 1 for categories in categories_of_theme.values())


def test_the_chosen_method_keeps_its_operating_point_on_the_labelled_set():
    rows = labelled_set()
    themes = np.array([row["theme"] for row in rows])
    scores = similarity.similarity_matrix([row["text"] for row in rows])
    upper = np.triu_indices(len(rows), 1)
    truth = (themes[:, None] == themes[None, :])[upper]
    called_similar = scores[upper] >= similarity.THRESHOLD
    right = int((called_similar & truth).sum())

    precision = right / int(called_similar.sum())
    recall = right / int(truth.sum())

    assert precision >= similarity.MINIMUM_PRECISION
    assert recall >= similarity.MINIMUM_RECALL


def test_a_paraphrase_is_similar_and_a_text_sharing_only_words_is_not():
    found = similarity.similar_texts(
        "wrong dose on the label", ["went to the wrong door", "label says a different dose than the MAR"]
    )

    assert [index for index, _ in found] == [1]


def test_the_best_candidate_comes_first_with_its_score():
    candidates = ["the bedroom was cold", "front door left unlocked all night", "bed rail loose"]

    found = similarity.similar_texts("the bedroom door was left unlocked", candidates, threshold=-1.0)

    assert found[0][0] == 1
    assert [score for _, score in found] == sorted((score for _, score in found), reverse=True)
    assert all(-1.0 <= score <= 1.0 for _, score in found)


@pytest.mark.parametrize("blank", ["", "   ", "\n\t"])
def test_a_blank_text_is_similar_to_nothing(blank):
    assert similarity.similar_texts(blank, ["sharps box left open", blank], threshold=-1.0) == []


def test_a_blank_candidate_is_never_similar():
    found = similarity.similar_texts(
        "sharps box left open", ["", "  ", "sharps box left open"], threshold=-1.0
    )

    assert [index for index, score in found if score > 0] == [2]
    assert dict(found).get(0, 0.0) == 0.0


def test_no_candidates_gives_nothing():
    assert similarity.similar_texts("sharps box left open", []) == []


def test_one_candidate():
    assert similarity.similar_texts("sharps box left open", ["sharps box left open"]) == [(0, 1.0)]
    assert similarity.similar_texts("sharps box left open", ["the van had a flat tire"]) == []


def test_non_english_characters_are_scored_not_refused():
    text = "Medikament: falsche Dosis — ñandú, 中文, 🙂"

    found = similarity.similar_texts(text, ["bed rail loose", text, "🙂"], threshold=-1.0)

    assert found[0] == (1, 1.0)
    assert all(np.isfinite(score) for _, score in found)


def test_the_model_loads_from_the_installed_package_without_the_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the similarity model tried to download")

    monkeypatch.setattr(requests, "get", no_network)
    monkeypatch.setattr(requests.Session, "request", no_network)
    monkeypatch.setattr(similarity, "_model", None)
    root = logging.getLogger()
    handlers_before, level_before = list(root.handlers), root.level

    vectors = similarity.embed(["sharps box left open"])

    assert vectors.shape == (1, 256)
    assert np.isclose(np.linalg.norm(vectors[0]), 1.0)
    assert list(root.handlers) == handlers_before
    assert root.level == level_before


def test_each_text_is_embedded_once_per_process(monkeypatch):
    """Proposals compare each report with the few hundred around it, again and again: a text met
    before is not tokenized again, and the answer is the same as a fresh embedding."""
    model = similarity._load_model()
    embedded = []

    class Counting:
        def embed(self, texts, norm):
            embedded.extend(texts)
            return model.embed(texts, norm=norm)

    monkeypatch.setattr(similarity, "_cache", similarity.OrderedDict())
    monkeypatch.setattr(similarity, "_load_model", Counting)
    first = similarity.embed(["Wrong dose on the MAR", "Walker left out of reach", "Wrong dose on the MAR"])
    again = similarity.embed(["Walker left out of reach", "Bed rails left down"])
    assert embedded == ["Wrong dose on the MAR", "Walker left out of reach", "Bed rails left down"]
    assert np.allclose(again[0], first[1])


def test_the_cache_keeps_only_the_most_recent_texts(monkeypatch):
    monkeypatch.setattr(similarity, "_cache", similarity.OrderedDict())
    monkeypatch.setattr(similarity, "CACHED_TEXTS", 2)
    similarity.embed(["one text", "two text", "three text"])
    assert list(similarity._cache) == ["two text", "three text"]
