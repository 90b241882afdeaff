"""Which text similarity tells near-miss reports of the same thing apart: precision, recall, time.

    python -m bench.text_similarity

The labelled set is ``tests/data/near_miss_similarity.csv``: short texts as a DSP types them, each with
a theme; two texts are "similar" when they have the same theme. Every pair of texts is scored by each
method, and "similar" is predicted when the score reaches a threshold; reported per threshold:
precision, recall and F1 of "similar", over all pairs and over pairs of the same category only (what a
caller that also requires the same category would see). The operating point of a method is its
threshold with the best F1 over all pairs.

Methods: shared words (Jaccard over word sets; the baseline, close to matching reports on a shared
word), TF-IDF over word 1-2-grams and character 3-5-grams (scikit-learn; cosine), and WordLlama
(``app.triage.similarity``; cosine of mean token embeddings). Time: one new text against 1,000
earlier ones, nothing cached, median of 5; ratios against the baseline.
"""

import csv
import re
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_union
from sklearn.preprocessing import normalize

from app.triage import similarity

LABELLED_SET = Path(__file__).resolve().parents[1] / "tests" / "data" / "near_miss_similarity.csv"
WORD = re.compile(r"[\w']+")


@dataclass(frozen=True)
class Labelled:
    texts: list[str]
    themes: np.ndarray
    categories: np.ndarray
    decoy_of: np.ndarray


@dataclass(frozen=True)
class Point:
    threshold: float
    precision: float
    recall: float
    f1: float
    predicted: int


def load_labelled_set(path: Path = LABELLED_SET) -> Labelled:
    """The labelled texts with their theme and category."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return Labelled(
        texts=[row["text"] for row in rows],
        themes=np.array([row["theme"] for row in rows]),
        categories=np.array([row["category"] for row in rows]),
        decoy_of=np.array([row["decoy_of"] for row in rows]),
    )


def shared_words_matrix(texts: list[str]) -> np.ndarray:
    """Jaccard similarity of the texts' sets of lower-cased words."""
    words = [set(WORD.findall(text.lower())) for text in texts]
    size = len(texts)
    scores = np.zeros((size, size))
    for i in range(size):
        for j in range(i, size):
            union = words[i] | words[j]
            scores[i, j] = scores[j, i] = len(words[i] & words[j]) / len(union) if union else 0.0
    return scores


def tfidf_matrix(texts: list[str]) -> np.ndarray:
    """Cosine similarity over TF-IDF of word 1-2-grams and character 3-5-grams, fitted on ``texts``."""
    vectors = normalize(_tfidf_vectors(texts))
    return (vectors @ vectors.T).toarray()


def _tfidf_vectors(texts: list[str]):
    return make_union(
        TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True),
    ).fit_transform(texts)


def shared_words_one_against_many(text: str, earlier: list[str]) -> np.ndarray:
    words = set(WORD.findall(text.lower()))
    scores = []
    for other in earlier:
        other_words = set(WORD.findall(other.lower()))
        union = words | other_words
        scores.append(len(words & other_words) / len(union) if union else 0.0)
    return np.array(scores)


def tfidf_one_against_many(text: str, earlier: list[str]) -> np.ndarray:
    """The TF-IDF fitted on the new text and the earlier ones, as a caller without a stored index would."""
    vectors = normalize(_tfidf_vectors([text, *earlier]))
    return (vectors[1:] @ vectors[0].T).toarray().ravel()


def wordllama_one_against_many(text: str, earlier: list[str]) -> np.ndarray:
    vectors = similarity.embed([text, *earlier])
    return vectors[1:] @ vectors[0]


# name: (all-pairs scores, one text against many, thresholds to report)
METHODS = {
    "shared words (baseline)": (
        shared_words_matrix,
        shared_words_one_against_many,
        np.arange(0.05, 0.45, 0.05),
    ),
    "TF-IDF word + char n-grams": (tfidf_matrix, tfidf_one_against_many, np.arange(0.05, 0.45, 0.05)),
    "WordLlama l2_supercat 256": (
        similarity.similarity_matrix,
        wordllama_one_against_many,
        np.arange(0.20, 0.75, 0.05),
    ),
}


def evaluate(scores: np.ndarray, truth: np.ndarray, threshold: float) -> Point:
    predicted = scores >= threshold
    true_positives = int((predicted & truth).sum())
    precision = true_positives / predicted.sum() if predicted.any() else 0.0
    recall = true_positives / truth.sum()
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Point(round(float(threshold), 3), precision, recall, f1, int(predicted.sum()))


def best(points: list[Point]) -> Point:
    return max(points, key=lambda point: (point.f1, point.precision))


def pairs(labelled: Labelled, theme_filter=None):
    """Upper-triangle indices of the pairs to score, the truth for each, and the same-category mask."""
    rows, columns = np.triu_indices(len(labelled.texts), 1)
    if theme_filter is not None:
        keep = theme_filter[rows] & theme_filter[columns]
        rows, columns = rows[keep], columns[keep]
    truth = labelled.themes[rows] == labelled.themes[columns]
    same_category = labelled.categories[rows] == labelled.categories[columns]
    return rows, columns, truth, same_category


def seconds_per_thousand(one_against_many, texts: list[str]) -> float:
    """Median seconds to score one new text against 1,000 earlier ones, from scratch."""
    earlier = [texts[i % len(texts)] for i in range(1000)]
    new_text = "Lisinopril on the blister pack is 20mg but the MAR says 10mg, held it"
    one_against_many(new_text, earlier[:5])
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        one_against_many(new_text, earlier)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def fraction(value: float) -> str:
    return f"{value:.3f}"


def decoy_pairs(labelled: Labelled, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """Pairs of a decoy with a text of the theme whose words it borrows (all of them not similar)."""
    return ((labelled.decoy_of[rows] != "") & (labelled.decoy_of[rows] == labelled.themes[columns])) | (
        (labelled.decoy_of[columns] != "") & (labelled.decoy_of[columns] == labelled.themes[rows])
    )


def main() -> None:
    started = time.perf_counter()
    similarity.embed(["first use loads the model"])
    print(f"WordLlama: import and load on first use {time.perf_counter() - started:.2f} s.")
    labelled = load_labelled_set()
    rows, columns, truth, same_category = pairs(labelled)
    decoys = decoy_pairs(labelled, rows, columns)
    print(
        f"Labelled set: {len(labelled.texts)} texts, {len(set(labelled.themes))} themes, "
        f"{len(truth)} pairs, {int(truth.sum())} similar; same category: {int(same_category.sum())} pairs; "
        f"{int(decoys.sum())} pairs of a decoy with the theme it borrows words from."
    )
    themes = sorted(set(labelled.themes))
    half = {theme for index, theme in enumerate(themes) if index % 2 == 0}
    in_half = np.array([theme in half for theme in labelled.themes])
    summary = []
    baseline_time = None
    for name, (method, one_against_many, thresholds) in METHODS.items():
        matrix = method(labelled.texts)
        scores = matrix[rows, columns]
        all_points = [evaluate(scores, truth, t) for t in thresholds]
        category_points = [evaluate(scores[same_category], truth[same_category], t) for t in thresholds]
        print(f"\n### {name}\n")
        print("| threshold | precision | recall | F1 | pairs called similar | same category: P | R | F1 |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|")
        for point, within in zip(all_points, category_points, strict=True):
            print(
                f"| {point.threshold:.2f} | {fraction(point.precision)} | {fraction(point.recall)} "
                f"| {fraction(point.f1)} | {point.predicted} | {fraction(within.precision)} "
                f"| {fraction(within.recall)} | {fraction(within.f1)} |"
            )
        chosen = best(all_points)
        # Stability: choose the threshold on half of the themes, measure it on the other half.
        first_rows, first_columns, first_truth, _ = pairs(labelled, in_half)
        second_rows, second_columns, second_truth, _ = pairs(labelled, ~in_half)
        half_threshold = best(
            [evaluate(matrix[first_rows, first_columns], first_truth, t) for t in thresholds]
        ).threshold
        held_out = evaluate(matrix[second_rows, second_columns], second_truth, half_threshold)
        seconds = seconds_per_thousand(one_against_many, labelled.texts)
        baseline_time = baseline_time or seconds
        within = evaluate(scores[same_category], truth[same_category], chosen.threshold)
        fooled = int((scores[decoys] >= chosen.threshold).sum())
        summary.append(
            (name, chosen, within, half_threshold, held_out, fooled, seconds, seconds / baseline_time)
        )
    print("\n### Operating points (best F1 over all pairs)\n")
    print(
        "| method | threshold | precision | recall | F1 | same category: P / R | "
        "chosen on half the themes -> other half: threshold, P / R | decoys called similar "
        "| s per 1,000 comparisons | x baseline |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, chosen, within, half_threshold, held_out, fooled, seconds, ratio in summary:
        print(
            f"| {name} | {chosen.threshold:.2f} | {fraction(chosen.precision)} | {fraction(chosen.recall)} "
            f"| {fraction(chosen.f1)} | {fraction(within.precision)} / {fraction(within.recall)} "
            f"| {half_threshold:.2f}: {fraction(held_out.precision)} / {fraction(held_out.recall)} "
            f"| {fooled} of {int(decoys.sum())} | {seconds:.3f} | {ratio:.2f}x |"
        )
    print(
        f"\nThe app uses: app.triage.similarity, threshold {similarity.THRESHOLD} "
        f"(its test requires precision >= {similarity.MINIMUM_PRECISION}, "
        f"recall >= {similarity.MINIMUM_RECALL})."
    )


if __name__ == "__main__":
    main()
