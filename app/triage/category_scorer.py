"""Which category a near-miss text most likely belongs to: the method behind the capture form's
suggestion ("Looks like: Medication"), a hint a DSP may take or ignore, never a choice made for them.

Each category gets a score against the text's embedding (``app.triage.similarity``, WordLlama):
an even blend of the cosine with the category's *card* (its name, description and cue examples, as
staff see them on the form) and the cosine with the *centroid* of the organisation's recent reports
filed in it. A category with fewer than ``MINIMUM_EXAMPLES`` reports is scored by its card alone,
so a new organisation (or a new category) still gets suggestions. The confidence is the margin by
which the best category's score leads the next one; below ``THRESHOLD`` nothing is suggested.

Measured by ``bench/category_suggestion.py`` on ``tests/data/near_miss_similarity.csv`` (218 texts,
11 categories; the American category cards of issue 19), leaving each text out in turn: top-1
accuracy 0.706 against 0.138 for always proposing the most common category; at the threshold 0.06 a
suggestion is made for 56% of texts and 87.8% of those made are right. Leaving out every text of
the held-out text's theme (no paraphrase of it among the reports) gave 0.564 top-1 and 75% right at
50% coverage, measured with the cards before issue 19.
``tests/triage/test_category_scorer.py`` fails below 0.70 top-1, 0.85 right when suggesting, or
0.50 coverage.
"""

from dataclasses import dataclass

import numpy as np

BLEND = 0.5
"""The card's share of a category's score when the category has enough reports for a centroid."""
MINIMUM_EXAMPLES = 5
THRESHOLD = 0.06
MINIMUM_ACCURACY = 0.70
MINIMUM_PRECISION = 0.85
MINIMUM_COVERAGE = 0.50


@dataclass(frozen=True)
class CategoryCard:
    """A category as the form shows it: what its card text is made of."""

    code: str
    label: str
    description: str = ""
    examples: str = ""

    @property
    def text(self) -> str:
        return " ".join(part for part in (f"{self.label}.", self.description, self.examples) if part)


@dataclass(frozen=True)
class Suggestion:
    code: str
    label: str
    confidence: float


class CategoryScorer:
    """Scores embedded texts against ``cards``; ``card_vectors`` are the cards' unit embeddings (one
    row each, in order) and ``example_vectors``/``example_codes`` the organisation's categorised
    reports (unit embeddings and category codes; codes without a card are ignored)."""

    def __init__(self, cards, card_vectors, example_vectors, example_codes):
        self.cards = list(cards)
        self._card_vectors = np.asarray(card_vectors, dtype=np.float32)
        example_vectors = np.asarray(example_vectors, dtype=np.float32)
        example_codes = np.asarray(example_codes, dtype=object)
        dim = self._card_vectors.shape[1] if self._card_vectors.size else example_vectors.shape[-1]
        self._centroids = np.zeros((len(self.cards), dim), dtype=np.float32)
        self._has_centroid = np.zeros(len(self.cards), dtype=bool)
        for row, card in enumerate(self.cards):
            members = (
                example_vectors[example_codes == card.code] if len(example_codes) else example_vectors[:0]
            )
            if len(members) < MINIMUM_EXAMPLES:
                continue
            centroid = members.mean(axis=0)
            norm = np.linalg.norm(centroid)
            if norm > 0:
                self._centroids[row] = centroid / norm
                self._has_centroid[row] = True

    def scores(self, vector) -> np.ndarray:
        """Each card's score for one unit embedding, in the cards' order."""
        by_card = self._card_vectors @ vector
        by_reports = self._centroids @ vector
        return np.where(self._has_centroid, BLEND * by_card + (1 - BLEND) * by_reports, by_card)

    def suggest(self, vector, threshold: float = THRESHOLD) -> Suggestion | None:
        """The best category when it leads the next by at least ``threshold``; else None."""
        if len(self.cards) < 2 or not np.any(vector):
            return None
        scores = self.scores(vector)
        best, runner_up = np.argsort(-scores, kind="stable")[:2]
        margin = float(scores[best] - scores[runner_up])
        if margin < threshold:
            return None
        card = self.cards[best]
        return Suggestion(code=card.code, label=card.label, confidence=round(margin, 3))
