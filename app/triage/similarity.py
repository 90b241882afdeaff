"""Whether two near-miss texts tell of the same thing happening: the text part of recurrence.

"Similar" here means: the two texts describe the same failure, in the sense of the labelled set in
``tests/data/near_miss_similarity.csv`` - the same hazard by the same mechanism (a dose on the
label that differs from the MAR; a walking frame left out of reach; a wheelchair not secured in a
vehicle), however it is worded ("meds", "MAR", "tablets", "pills"), and not merely texts that share
words ("the bedroom door was left unlocked" is not similar to "the bedroom was cold").

Method: WordLlama (``l2_supercat``, 256 dimensions; the weights ship inside the ``wordllama`` wheel
and are loaded from the installed package with downloads disabled, so nothing is fetched at run
time): each text is the mean of its token embeddings, and two texts are similar when the cosine of
their embeddings is at least ``THRESHOLD``.

Operating point, measured by ``bench/text_similarity.py`` on the labelled set (218 texts, 59 themes,
23,653 pairs of which 373 similar): cosine >= 0.35 calls 294 pairs similar, 107 of them rightly:
precision 0.364, recall 0.287 over all pairs (0.62 precision among pairs of the same category).
``tests/triage/test_similarity.py`` fails when precision falls below 0.36 or recall below 0.28.

Text alone is a weak signal on texts this short: a caller deciding recurrence should require it
together with the same category, or the same person, location or program, not use it alone.
"""

import logging
import re
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np

THRESHOLD = 0.35
MINIMUM_PRECISION = 0.36
MINIMUM_RECALL = 0.28

_model_lock = threading.Lock()
_model = None


def _load_model():
    """The WordLlama model, loaded once per process from the weights inside the installed package.

    The import is here rather than at the top of the module on purpose: importing
    ``wordllama.inference`` calls ``logging.basicConfig(level=INFO)``, which would give the root logger
    a stderr handler in every process that merely imports this module; the root logger's handlers
    and level are put back as they were.
    """
    global _model
    with _model_lock:
        if _model is None:
            root = logging.getLogger()
            handlers, level = list(root.handlers), root.level
            try:
                import wordllama
                from wordllama import WordLlama
            finally:
                root.handlers[:] = handlers
                root.setLevel(level)
            _model = WordLlama.load(
                config="l2_supercat",
                dim=256,
                cache_dir=Path(wordllama.__file__).parent,
                disable_download=True,
            )
        return _model


_SPACES = re.compile(r"\s+")


CACHED_TEXTS = 20_000
"""How many texts' embeddings a process keeps (about 20 MB): each proposal compares one report with
the few hundred around it, and the same texts come back report after report."""
_cache: OrderedDict[str, np.ndarray] = OrderedDict()
_cache_lock = threading.Lock()


def _raw_vectors(cleaned: list[str]) -> np.ndarray:
    """The model's embeddings of ``cleaned`` texts, each text embedded once per process while it
    stays among the ``CACHED_TEXTS`` most recently used (tokenizing is most of the cost)."""
    with _cache_lock:
        missing = list(dict.fromkeys(text for text in cleaned if text not in _cache))
    if missing:
        fresh = _load_model().embed(missing, norm=False)
        with _cache_lock:
            for text, vector in zip(missing, fresh, strict=True):
                _cache[text] = vector
            while len(_cache) > CACHED_TEXTS:
                _cache.popitem(last=False)
    with _cache_lock:
        rows = []
        for text in cleaned:
            vector = _cache.get(text)
            if vector is None:  # pushed out meanwhile by another thread's texts
                vector = _load_model().embed([text], norm=False)[0]
            else:
                _cache.move_to_end(text)
            rows.append(vector)
    return np.array(rows, dtype=np.float32)


def embed(texts: list[str]) -> np.ndarray:
    """Unit-length embeddings of ``texts`` (one row each); a text with no words gets a zero row."""
    if not texts:
        return np.zeros((0, 256), dtype=np.float32)
    cleaned = [_SPACES.sub(" ", text or "").strip() for text in texts]
    vectors = _raw_vectors(cleaned)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    blank = np.array([not text for text in cleaned])[:, None]
    norms[blank | (norms == 0)] = 1.0
    vectors = vectors / norms
    vectors[blank[:, 0]] = 0.0
    return vectors


def similarity_matrix(texts: list[str]) -> np.ndarray:
    """Cosine similarity of every text with every other (a blank text is similar to nothing: 0)."""
    vectors = embed(texts)
    return vectors @ vectors.T


def similar_texts(text: str, candidates: list[str], threshold: float = THRESHOLD) -> list[tuple[int, float]]:
    """The candidates similar to ``text``: (index in ``candidates``, score), best first.

    A score is the cosine of the two texts' embeddings, from -1 to 1; a blank text is similar to
    nothing. ``threshold`` defaults to the measured operating point (see the module docstring).
    """
    if not candidates or not (text or "").strip():
        return []
    vectors = embed([text, *candidates])
    scores = vectors[1:] @ vectors[0]
    found = [(index, round(float(score), 4)) for index, score in enumerate(scores) if score >= threshold]
    return sorted(found, key=lambda pair: (-pair[1], pair[0]))
