"""Score model: a fitted TF-IDF + linear model as plain arrays, with exact per-term contributions.

The class score is `intercept[c] + sum_t coef[c, t] * x[t]`, x being the L2-normalised TF-IDF
vector of the posting's terms, so each term's contribution is `coef[c, t] * x[t]` and the
contributions plus the intercept add up to the score. `modelstore` keeps it as a NumPy
archive read with `allow_pickle=False`: loading a model file never runs code.

A term is one match key or a pair of neighbouring ones ("user stor"), so the vocabulary is kept
as its keys and, per term, the indices of its one or two keys. Postings' terms are then counted
straight from their tokens' key numbers (`term_counts`), many postings in the same few NumPy
steps, without building the term strings `terms.terms_of` lists for training; a test checks both
ways count the same.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from itertools import repeat

import numpy as np

from .nlp import CodeOf, KeyCodes, Tokens

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
    norm_power: float = 1.0  # x is divided by its L2 norm to this power: 1 normalises, below 1 keeps some of the length

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
        self._key_codes = KeyCodes(CodeOf(self._codes, 0))

    @classmethod
    def from_vocabulary(cls, classes: list[str], vocabulary: dict[str, int], idf: np.ndarray, coef: np.ndarray,
                        intercept: np.ndarray, sublinear_tf: bool = True, norm_power: float = 1.0) -> "LinearTermScorer":
        """From a term -> column mapping, terms being "key" or "key key" (as `terms.terms_of` makes them)."""
        keys: dict[str, int] = {}
        term_keys = np.full((len(vocabulary), 2), NO_KEY, dtype=np.int64)
        for term, column in vocabulary.items():
            for j, key in enumerate(term.split(" ", 1)):
                term_keys[column, j] = keys.setdefault(key, len(keys))
        return cls(classes, list(keys), term_keys, idf, coef, intercept, sublinear_tf, norm_power)

    def name(self, column: int) -> str:
        """The term of a column, as in "user stor"."""
        first, second = self.term_keys[column].tolist()
        return self.keys[first] if second == NO_KEY else f"{self.keys[first]} {self.keys[second]}"

    @cached_property
    def vocabulary(self) -> dict[str, int]:
        """Term -> column (built on first use: classification does not need it)."""
        return {self.name(i): i for i in range(len(self.term_keys))}

    def term_counts(self, postings: list[tuple[Tokens, ...]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The known terms of several postings, each given as its texts' tokens (title, then body),
        counted in a few NumPy steps for all: (posting, column, count) of each distinct term of
        each posting, by posting then column. The terms are those `terms.terms_of` lists."""
        texts = [tokens for posting in postings for tokens in posting]
        codes, lengths = self._key_codes.of_texts(texts, content=True)
        text_of = np.repeat(np.arange(len(texts)), lengths)
        owner = np.repeat(np.arange(len(postings)), [len(posting) for posting in postings])[text_of]
        columns = self._unigram_column[codes]
        if len(codes) > 1 and len(self._pair_codes):
            pairs = codes[:-1] * self._width + codes[1:]
            pairs[text_of[:-1] != text_of[1:]] = -1  # no pair across two texts
            at = np.minimum(self._pair_codes.searchsorted(pairs), len(self._pair_codes) - 1)
            columns = np.concatenate([columns, np.where(self._pair_codes[at] == pairs, self._pair_column[at], -1)])
            owner = np.concatenate([owner, owner[:-1]])
        known = columns >= 0
        n_terms = len(self._rows)
        keys, counts = np.unique(owner[known] * n_terms + columns[known], return_counts=True)
        return keys // n_terms, keys % n_terms, counts

    def count_terms(self, terms: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """The columns of the known terms of a term list, and how often each occurs."""
        counts = Counter(terms)
        found = np.fromiter(map(self.vocabulary.get, counts, repeat(-1)), dtype=np.int64, count=len(counts))
        known = found >= 0
        return found[known], np.fromiter(counts.values(), dtype=np.int64, count=len(counts))[known]

    def contributions(self, posting: np.ndarray, index: np.ndarray, counts: np.ndarray, n: int):
        """For counted terms of `n` postings (as `term_counts` gives them): each term's contribution
        to each class, coef times its TF-IDF value L2-normalised within its posting, shape
        (n_classes, len(index)); and the postings' class scores (logits), shape (n, n_classes)."""
        rows = self._rows[index]
        tf = 1.0 + np.log(counts) if self.sublinear_tf else counts.astype(float)
        values = tf * rows[:, 0]
        norms = np.sqrt(np.bincount(posting, values * values, minlength=n))
        values = values / np.where(norms > 0, norms, 1.0)[posting] ** self.norm_power
        contributions = (rows[:, 1:] * values[:, None]).T
        logits = self.intercept + np.column_stack([np.bincount(posting, c, minlength=n) for c in contributions])
        return contributions, logits

    def decision(self, terms: list[str]) -> np.ndarray:
        """Class scores (logits) of one posting, from its terms."""
        index, counts = self.count_terms(terms)
        return self.contributions(np.zeros(len(index), dtype=np.int64), index, counts, 1)[1][0]

    def logits_of(self, postings: list[tuple[Tokens, ...]]) -> np.ndarray:
        """Class scores (logits) of postings given as their texts' tokens, shape (n, n_classes)."""
        return self.contributions(*self.term_counts(postings), len(postings))[1]

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {
            "classes": np.array(self.classes),
            "keys": np.array(self.keys),
            "term_keys": self.term_keys,
            "idf": self.idf,
            "coef": self.coef,
            "intercept": self.intercept,
            "sublinear_tf": np.array(self.sublinear_tf),
            "norm_power": np.array(self.norm_power),
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
            norm_power=float(data["norm_power"]),
        )


def softmax(scores: np.ndarray) -> np.ndarray:
    shifted = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)
