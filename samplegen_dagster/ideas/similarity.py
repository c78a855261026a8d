"""TF-IDF cosine similarity in pure Python (no scikit-learn dependency).

Used to reject near-duplicates: an idea whose text has cosine similarity >= the threshold
(default ``NEAR_DUPLICATE_THRESHOLD`` = 0.8) to an existing draft in the workspace, or to an
idea already kept from the same brainstorm, is rejected. Why 0.8: ideas rendered from the same
catalog scenario with a different stack and domain score around 0.45-0.8 (same problem, new
context: acceptable variety), a light rewording of the same task scores above 0.85.

Method: lower-cased word tokens (letters/digits, length >= 2) minus English stop words,
unigrams plus bigrams; term frequency is ``1 + log(count)``; IDF is the smoothed
``log((1 + N) / (1 + df)) + 1`` over the documents compared together; vectors are L2
normalised, so cosine is a dot product.
"""

from __future__ import annotations

import math
import re
from collections import Counter

NEAR_DUPLICATE_THRESHOLD = 0.8

_TOKEN = re.compile(r"[a-z0-9][a-z0-9+#]*")
STOP_WORDS = frozenset(
    """a about above after again all also an and any are as at be because been before being below between both but by
    can could did do does doing down during each few for from further had has have having he her here hers him his how
    i if in into is it its itself just me more most my no nor not now of off on once only or other our ours out over own
    same she should so some such than that the their theirs them then there these they this those through to too under
    until up very was we were what when where which while who whom why will with would you your yours""".split()
)


def tokens(text: str) -> list[str]:
    words = [w for w in _TOKEN.findall(text.lower()) if len(w) >= 2 and w not in STOP_WORDS]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


def tfidf_vectors(texts: list[str]) -> list[dict[str, float]]:
    counts = [Counter(tokens(t)) for t in texts]
    n = len(texts)
    df: Counter[str] = Counter()
    for c in counts:
        df.update(c.keys())
    vectors = []
    for c in counts:
        vec = {term: (1.0 + math.log(tf)) * (math.log((1 + n) / (1 + df[term])) + 1.0) for term, tf in c.items()}
        norm = math.sqrt(sum(v * v for v in vec.values()))
        vectors.append({t: v / norm for t, v in vec.items()} if norm else {})
    return vectors


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def similarity_matrix(texts: list[str]) -> list[list[float]]:
    """Pairwise cosine similarities of ``texts`` under one shared IDF."""
    vecs = tfidf_vectors(texts)
    return [[cosine(vecs[i], vecs[j]) for j in range(len(vecs))] for i in range(len(vecs))]
