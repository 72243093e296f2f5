"""Combine: rule evidence and the model's scores in one score per class, then probabilities.

score[c] = model * model_logit[c] + offset[c]
           + sum over rules r of class c fired in field f: factor(r, f) * weight[r]
where factor is `title` for hits in the title, `role_name` or `activity` for hits in the body. Each
rule counts once per field however often it fires. The offsets balance the classes' rule counts
(PO has more rules than OTHER). Factors and offsets are fitted on out-of-fold predictions of the
training split (see `training`).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cached_property

import numpy as np

from .rules import RuleHit


@dataclass(frozen=True)
class Mixing:
    model: float = 1.0
    title: float = 1.0
    role_name: float = 1.0
    activity: float = 1.0
    offsets: tuple[float, ...] = ()  # one per class, in the model's order of classes; () = none

    def factor(self, hit: RuleHit) -> float:
        if hit.field == "title":
            return self.title
        return self.role_name if hit.kind == "role_name" else self.activity

    def as_array(self) -> np.ndarray:
        return np.array([self.model, self.title, self.role_name, self.activity, *self.offsets])

    @cached_property
    def _factors(self) -> tuple[float, np.ndarray, np.ndarray | float]:
        """The model's factor, the rule families' factors and the offsets, as `combined_scores` uses them."""
        return self.model, np.array([self.title, self.role_name, self.activity]), np.array(self.offsets or 0.0)

    @classmethod
    def from_array(cls, values) -> "Mixing":
        values = [float(v) for v in values]
        return cls(*values[:4], offsets=tuple(values[4:]))

    def offset(self, index: int) -> float:
        return self.offsets[index] if self.offsets else 0.0

    def to_dict(self) -> dict:
        return asdict(self)


FIELDS = ("title", "role_name", "activity")


def distinct_rules(hits: list[RuleHit]) -> dict[tuple[str, str], list[RuleHit]]:
    """Hits grouped by (rule id, field), in order of first appearance."""
    groups: dict[tuple[str, str], list[RuleHit]] = {}
    for hit in hits:
        groups.setdefault((hit.rule_id, hit.field), []).append(hit)
    return groups


def rule_features(hits: list[RuleHit], classes: list[str]) -> np.ndarray:
    """Weights of the distinct rules fired, per field family and class: shape (3, n_classes)."""
    features = np.zeros((len(FIELDS), len(classes)))
    column = {c: i for i, c in enumerate(classes)}
    for (_, field), group in distinct_rules(hits).items():
        hit = group[0]
        if hit.label not in column:
            continue
        row = 0 if field == "title" else (1 if hit.kind == "role_name" else 2)
        features[row, column[hit.label]] += hit.weight
    return features


def combined_scores(logits: np.ndarray, features: np.ndarray, mixing: Mixing) -> np.ndarray:
    """Scores for one posting (logits (k,), features (3, k)) or many ((n, k), (n, 3, k))."""
    model, rules, offsets = mixing._factors
    return model * logits + rules @ features + offsets
