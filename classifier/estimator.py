"""The model as a scikit-learn estimator: TF-IDF over match-key terms + multinomial logistic regression.

`X` is a list of term lists (see `terms.terms_of`), so that spaCy runs once per posting however
many fits cross-validation makes. After `fit`, `scorer_` holds the same model as plain arrays and
`decision_function` goes through it, so training, evaluation and classification share one
scoring path (a test checks it agrees with scikit-learn's own `predict_proba`). The smoothed idf is
fixed, as that path computes it, and a `sublinear_tf` that is not a bool (which it would not
reproduce) is refused. Rows are divided by their L2 norm to the power `norm_power`: 1 is the usual
normalisation, where a long posting's evidence is spread thin over its many words; below 1, part
of the length is kept.
"""
from __future__ import annotations

import numpy as np
from scipy.sparse import diags
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_consistent_length, check_is_fitted

from .scorer import LinearTermScorer, softmax


def _identity(terms):
    return terms


def term_lists(X) -> list:
    """X checked to be a list of term lists (as `terms.terms_of` gives), as scikit-learn's text
    vectorizers check theirs: a raw string is refused, not read as a list of characters."""
    if isinstance(X, str):
        raise ValueError("Iterable over term lists expected, string object received.")
    X = list(X)
    for terms in X:
        if isinstance(terms, str) or not all(isinstance(term, str) for term in terms):
            raise ValueError("each item of X must be a list of terms (strings), as terms.terms_of gives")
    return X


# The solver's stopping tolerance. scikit-learn's default (1e-4) stopped L-BFGS after 15 iterations
# on the corpus, with weights 22 % (relative L2 distance) from the optimum and one 0.75 away: every
# refit then landed somewhere else along the path, and small changes of the data moved many readings.
# At 1e-6 (51 iterations, 2 s more) the weights are within 0.13 % of those at 1e-8.
TOL = 1e-6


class RoleModel(ClassifierMixin, BaseEstimator):
    """TF-IDF + logistic regression over term lists, with per-term explanations."""

    def __init__(self, C: float = 8.0, min_df: int = 2, sublinear_tf: bool = True,
                 class_weight: str | None = "balanced", max_iter: int = 3000, norm_power: float = 1.0,
                 tol: float = TOL):
        self.C = C
        self.min_df = min_df
        self.sublinear_tf = sublinear_tf
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.norm_power = norm_power
        self.tol = tol

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags

    def _check_settings(self) -> None:
        """Refuse settings the hand-written scorer (`LinearTermScorer`) would not reproduce."""
        if not isinstance(self.sublinear_tf, (bool, np.bool_)):
            raise ValueError(f"sublinear_tf must be True or False, not {self.sublinear_tf!r}")

    def fit(self, X, y):
        self._check_settings()
        X = term_lists(X)
        check_consistent_length(X, y)
        vectorizer = TfidfVectorizer(analyzer=_identity, min_df=self.min_df, sublinear_tf=self.sublinear_tf,
                                     lowercase=False, norm=None, use_idf=True, smooth_idf=True)
        self.vectorizer_ = vectorizer.fit(X)
        self.linear_ = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=self.max_iter,
                                          tol=self.tol)
        self.linear_.fit(self.tfidf(X), y)
        self.classes_ = self.linear_.classes_
        coef, intercept = self.linear_.coef_.astype(float), self.linear_.intercept_.astype(float)
        if len(self.classes_) == 2:  # scikit-learn keeps one row for two classes: split it symmetrically
            coef, intercept = np.vstack([-coef / 2, coef / 2]), np.concatenate([-intercept / 2, intercept / 2])
        self.scorer_ = LinearTermScorer.from_vocabulary(
            classes=[str(c) for c in self.classes_],
            vocabulary={str(t): int(i) for t, i in vectorizer.vocabulary_.items()},
            idf=vectorizer.idf_.astype(float),
            coef=coef,
            intercept=intercept,
            sublinear_tf=self.sublinear_tf,
            norm_power=float(self.norm_power),
        )
        return self

    def tfidf(self, X):
        """The rows the linear model reads: TF-IDF, each row divided by its L2 norm to `norm_power`."""
        check_is_fitted(self, "vectorizer_")
        matrix = self.vectorizer_.transform(term_lists(X))
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        return diags(1.0 / np.where(norms > 0, norms, 1.0) ** self.norm_power) @ matrix

    def decision_function(self, X) -> np.ndarray:
        check_is_fitted(self, "scorer_")
        return np.vstack([self.scorer_.decision(terms) for terms in term_lists(X)])

    def predict_proba(self, X) -> np.ndarray:
        return softmax(self.decision_function(X))

    def predict(self, X) -> np.ndarray:
        scores = self.decision_function(X)  # first: unfitted, it raises NotFittedError
        return self.classes_[scores.argmax(axis=1)]
