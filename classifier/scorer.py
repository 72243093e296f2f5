"""Score model: a fitted TF-IDF + linear model as plain arrays, with exact per-term contributions.

The class score is `intercept[c] + sum_t coef[c, t] * x[t]`, x being the L2-normalised TF-IDF
vector of the posting's terms, so each term's contribution is `coef[c, t] * x[t]` and the
contributions plus the intercept add up to the score. `modelstore` keeps it as a NumPy
archive read with `allow_pickle=False`: loading a model file never runs code.

A term is one match key or a pair of neighbouring ones ("user stor"), so the vocabulary is kept
as its keys and, per term, the indices of its one or two keys. A posting's terms are then
counted straight from its tokens' keys (`term_columns`), as integers looked up with NumPy,
without building the term strings `terms.terms_of` lists for training; a test checks both ways
count the same.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from itertools import repeat

import numpy as np

from .nlp import KeyCodes, Tokens

NO_KEY = -1  # second key of a single-key term


@dataclass
class LinearTermScorer:
    classes: list[str]
    keys: list[str]  # the match keys the terms are made of
    term_keys: np.ndarray  # (n_terms, 2): indices into `keys` of each term's keys; NO_KEY second for one key
    idf: np.ndarray  # (n_terms,)
    coef: np.ndarray  # (n_classes, n_terms)
    intercept: np.ndarray  # (n_classes,)
    sublinear_tf: bool = True

    def __post_init__(self):
        # idf and coefficients side by side, one row per term: a posting's few hundred terms are
        # gathered from one cache line each instead of one per class and one for the idf
        self._rows = np.ascontiguousarray(np.column_stack([self.idf, self.coef.T]), dtype=float)
        self.idf, self.coef = self._rows[:, 0], self._rows[:, 1:].T
        # keys are coded from 1 in texts (0: a key of no term); a pair (a, b) as a * width + b
        self._codes = {key: i + 1 for i, key in enumerate(self.keys)}
        self._width = len(self.keys) + 1
        first, second = self.term_keys[:, 0] + 1, self.term_keys[:, 1] + 1
        single = second == 0
        self._unigram_column = np.full(self._width, -1, dtype=np.int64)
        self._unigram_column[first[single]] = np.flatnonzero(single)
        pair_codes = first[~single] * self._width + second[~single]
        order = np.argsort(pair_codes)
        self._pair_codes = pair_codes[order]
        self._pair_column = np.flatnonzero(~single)[order]
        codes = self._codes
        self._key_codes = KeyCodes(lambda key: codes.get(key, 0))

    @classmethod
    def from_vocabulary(cls, classes: list[str], vocabulary: dict[str, int], idf: np.ndarray, coef: np.ndarray,
                        intercept: np.ndarray, sublinear_tf: bool = True) -> "LinearTermScorer":
        """From a term -> column mapping, terms being "key" or "key key" (as `terms.terms_of` makes them)."""
        keys: dict[str, int] = {}
        term_keys = np.full((len(vocabulary), 2), NO_KEY, dtype=np.int64)
        for term, column in vocabulary.items():
            for j, key in enumerate(term.split(" ", 1)):
                term_keys[column, j] = keys.setdefault(key, len(keys))
        return cls(classes, list(keys), term_keys, idf, coef, intercept, sublinear_tf)

    def name(self, column: int) -> str:
        """The term of a column, as in "user stor"."""
        first, second = self.term_keys[column].tolist()
        return self.keys[first] if second == NO_KEY else f"{self.keys[first]} {self.keys[second]}"

    @cached_property
    def vocabulary(self) -> dict[str, int]:
        """Term -> column (built on first use: classification does not need it)."""
        return {self.name(i): i for i in range(len(self.term_keys))}

    def term_columns(self, tokens: Tokens) -> np.ndarray:
        """The column of each known term of a text (its content keys and their pairs, as
        `terms.terms_of` lists them), repeated as often as the term occurs."""
        codes = self._key_codes.of(tokens.table)[tokens.numbers[tokens.content]]
        columns = self._unigram_column[codes]
        if len(codes) > 1 and len(self._pair_codes):
            pairs = codes[:-1] * self._width + codes[1:]
            pairs.sort()  # sorted queries search faster, and order does not matter to counting
            at = np.minimum(np.searchsorted(self._pair_codes, pairs), len(self._pair_codes) - 1)
            columns = np.concatenate([columns, np.where(self._pair_codes[at] == pairs, self._pair_column[at], -1)])
        return columns[columns >= 0]

    @staticmethod
    def count_columns(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The distinct columns of one or more texts' term columns, and how often each occurs."""
        return np.unique(np.concatenate(columns), return_counts=True)

    def count_terms(self, terms: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """The columns of the known terms of a term list, and how often each occurs."""
        counts = Counter(terms)
        found = np.fromiter(map(self.vocabulary.get, counts, repeat(-1)), dtype=np.int64, count=len(counts))
        known = found >= 0
        return found[known], np.fromiter(counts.values(), dtype=np.int64, count=len(counts))[known]

    def contributions(self, index: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """The contribution of each counted term to each class, shape (n_classes, len(index)):
        coef times the term's TF-IDF value (L2-normalised)."""
        rows = self._rows[index]
        tf = 1.0 + np.log(counts) if self.sublinear_tf else counts.astype(float)
        values = tf * rows[:, 0]
        norm = math.sqrt(float(values @ values))
        return (rows[:, 1:] * (values / norm if norm else values)[:, None]).T

    def decision(self, terms: list[str]) -> np.ndarray:
        """Class scores (logits) of one posting, from its terms."""
        return self.intercept + self.contributions(*self.count_terms(terms)).sum(axis=1)

    def decision_of(self, *texts: Tokens) -> np.ndarray:
        """Class scores (logits) of one posting, from its texts' tokens (title, then body)."""
        index, counts = self.count_columns(*map(self.term_columns, texts))
        return self.intercept + self.contributions(index, counts).sum(axis=1)

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {
            "classes": np.array(self.classes),
            "keys": np.array(self.keys),
            "term_keys": self.term_keys,
            "idf": self.idf,
            "coef": self.coef,
            "intercept": self.intercept,
            "sublinear_tf": np.array(self.sublinear_tf),
        }

    @classmethod
    def from_arrays(cls, data) -> "LinearTermScorer":
        return cls(
            classes=[str(c) for c in data["classes"]],
            keys=data["keys"].tolist(),
            term_keys=data["term_keys"].astype(np.int64),
            idf=data["idf"].astype(float),
            coef=data["coef"].astype(float),
            intercept=data["intercept"].astype(float),
            sublinear_tf=bool(data["sublinear_tf"]),
        )


def softmax(scores: np.ndarray) -> np.ndarray:
    shifted = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)
