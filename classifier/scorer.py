"""Score model: a fitted TF-IDF + linear model as plain arrays, with exact per-term contributions.

The class score is `intercept[c] + sum_t coef[c, t] * x[t]`, x being the L2-normalised TF-IDF
vector of the posting's terms, so each term's contribution is `coef[c, t] * x[t]` and the
contributions plus the intercept add up to the score. `modelstore` keeps it as a NumPy
archive read with `allow_pickle=False`: loading a model file never runs code.
"""
from __future__ import annotations

import math
from collections import Counter
from itertools import repeat
from dataclasses import dataclass, field

import numpy as np


@dataclass
class LinearTermScorer:
    classes: list[str]
    vocabulary: dict[str, int]
    idf: np.ndarray  # (n_terms,)
    coef: np.ndarray  # (n_classes, n_terms)
    intercept: np.ndarray  # (n_classes,)
    sublinear_tf: bool = True
    names: list[str] = field(init=False, repr=False)

    def __post_init__(self):
        self.names = [""] * len(self.vocabulary)
        for term, i in self.vocabulary.items():
            self.names[i] = term

    def weights(self, terms: list[str] | Counter) -> tuple[np.ndarray, np.ndarray]:
        """Indices of the known terms and their TF-IDF values (L2-normalised), from the terms or
        from a Counter of them."""
        counts = terms if isinstance(terms, Counter) else Counter(terms)
        found = np.fromiter(map(self.vocabulary.get, counts, repeat(-1)), dtype=np.int64, count=len(counts))
        known = found >= 0
        index = found[known]
        tf = np.fromiter(counts.values(), dtype=float, count=len(counts))[known]
        if self.sublinear_tf:
            tf = 1.0 + np.log(tf)
        values = tf * self.idf[index]
        norm = math.sqrt(float(values @ values))
        return index, values / norm if norm else values

    def contributions(self, terms: list[str] | Counter) -> tuple[np.ndarray, np.ndarray]:
        """Term indices and their contributions, shape (n_classes, n_present_terms)."""
        index, values = self.weights(terms)
        return index, self.coef[:, index] * values

    def decision(self, terms: list[str]) -> np.ndarray:
        """Class scores (logits) of one posting."""
        _, contributions = self.contributions(terms)
        return self.intercept + contributions.sum(axis=1)

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {
            "classes": np.array(self.classes),
            "terms": np.array(self.names),
            "idf": self.idf,
            "coef": self.coef,
            "intercept": self.intercept,
            "sublinear_tf": np.array(self.sublinear_tf),
        }

    @classmethod
    def from_arrays(cls, data) -> "LinearTermScorer":
        terms = data["terms"].tolist()
        return cls(
            classes=[str(c) for c in data["classes"]],
            vocabulary={t: i for i, t in enumerate(terms)},
            idf=data["idf"].astype(float),
            coef=data["coef"].astype(float),
            intercept=data["intercept"].astype(float),
            sublinear_tf=bool(data["sublinear_tf"]),
        )


def softmax(scores: np.ndarray) -> np.ndarray:
    shifted = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)
