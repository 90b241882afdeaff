"""How often the capture form's category suggestion is right: top-1 accuracy and, at each threshold,
how many texts get a suggestion and how many of those are right.

    python -m bench.category_suggestion

Each text of ``tests/data/near_miss_similarity.csv`` is held out in turn and scored against a
``CategoryScorer`` built from the default categories' cards and the other texts as the
organisation's reports ("leave one out"). A harder split leaves out every text of the held-out
text's theme too, so no paraphrase of it is among the reports ("leave theme out"). Beside them, in
the same run: the baseline of always proposing the most common category among the other texts, the
cards alone (an organisation with no reports yet) and the reports' centroids alone.
"""

import time
from collections import Counter

import numpy as np

from app.taxonomy.defaults import DEFAULT_CATEGORIES
from app.triage import category_scorer, similarity
from bench.text_similarity import load_labelled_set

THRESHOLDS = (0.0, 0.02, 0.04, 0.06, 0.08, 0.10)


def default_cards() -> list[category_scorer.CategoryCard]:
    return [
        category_scorer.CategoryCard(
            code=spec["code"], label=spec["name"], description=spec["description"], examples=spec["examples"]
        )
        for spec in DEFAULT_CATEGORIES
    ]


def held_out_suggestions(vectors, codes, themes, *, blend, split):
    """(suggested code or None with threshold 0, margin) for every text held out by ``split``."""
    cards = default_cards()
    card_vectors = similarity.embed([card.text for card in cards])
    saved_blend = category_scorer.BLEND
    category_scorer.BLEND = blend
    try:
        results = []
        for index in range(len(codes)):
            keep = themes != themes[index] if split == "theme" else np.arange(len(codes)) != index
            scorer = category_scorer.CategoryScorer(cards, card_vectors, vectors[keep], codes[keep])
            suggestion = scorer.suggest(vectors[index], threshold=0.0)
            results.append((suggestion.code, suggestion.confidence) if suggestion else (None, 0.0))
        return results
    finally:
        category_scorer.BLEND = saved_blend


def most_common_accuracy(codes) -> float:
    right = 0
    for index in range(len(codes)):
        others = Counter(np.delete(codes, index))
        right += others.most_common(1)[0][0] == codes[index]
    return right / len(codes)


def coverage_and_precision(results, codes, threshold):
    made = [
        (code, truth) for (code, margin), truth in zip(results, codes, strict=True) if margin >= threshold
    ]
    right = sum(code == truth for code, truth in made)
    return len(made) / len(codes), (right / len(made) if made else float("nan"))


def main() -> None:
    labelled = load_labelled_set()
    codes = labelled.categories.astype(object)
    started = time.perf_counter()
    vectors = similarity.embed(labelled.texts)
    print(
        f"{len(codes)} texts, {len(set(codes))} categories; embedded in {time.perf_counter() - started:.2f} s"
    )
    print(f"baseline (most common category, leave one out): top-1 {most_common_accuracy(codes):.3f}")
    methods = (
        ("blend (chosen)", category_scorer.BLEND),
        ("cards alone", 1.0),
        ("report centroids alone", 0.0),
    )
    for split in ("one", "theme"):
        print(f"\nleave {split} out")
        print("| method | top-1 | " + " | ".join(f">= {t:.2f}: coverage / right" for t in THRESHOLDS) + " |")
        for name, blend in methods:
            results = held_out_suggestions(vectors, codes, labelled.themes, blend=blend, split=split)
            top1 = sum(code == truth for (code, _), truth in zip(results, codes, strict=True)) / len(codes)
            cells = [coverage_and_precision(results, codes, threshold) for threshold in THRESHOLDS]
            row = " | ".join(f"{coverage:.2f} / {precision:.3f}" for coverage, precision in cells)
            print(f"| {name} | {top1:.3f} | {row} |")
    cards = default_cards()
    scorer = category_scorer.CategoryScorer(
        cards, similarity.embed([card.text for card in cards]), np.tile(vectors, (10, 1)), np.tile(codes, 10)
    )
    timings = []
    for text in labelled.texts[:50]:
        started = time.perf_counter()
        scorer.suggest(similarity.embed([text + " (new)"])[0])
        timings.append(time.perf_counter() - started)
    print(f"\none suggestion (a new text embedded, 11 categories): median {np.median(timings) * 1000:.2f} ms")


if __name__ == "__main__":
    main()
