"""Explain: the typed, JSON-serialisable result of a classification and its evidence.

For every class, the explanation's parts add up exactly to the class score:
`score == prior + sum(rule.contribution) + sum(term.contribution) + other_terms`.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass

import numpy as np

from .combine import Mixing, distinct_rules, strength
from .rules import RuleHit
from .scorer import LinearTermScorer

TOP_TERMS = 8


def plain(value):
    """Dataclasses as dicts, lists and dicts walked, as `dataclasses.asdict` gives them, without its
    deep copy of every value (which cost the service a tenth of a classification)."""
    if is_dataclass(value):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


@dataclass
class Hit:
    """Where a rule met the text: `text[start:end] == matched` (title offsets index the title)."""

    matched: str
    start: int
    end: int
    sentence: str
    section: str  # the part of the text it sits in: "title", "header", "posting", or boilerplate ("company", "other_offers"…)


@dataclass
class RuleEvidence:
    rule_id: str
    kind: str
    field: str
    family: str  # whose factor counts it: title, declared, role_name, mention, activity; "boilerplate" and
    # "outranked" (the head of product's words of rank when the job's own title names another job and no
    # product role is named) count for nothing
    weight: float
    contribution: float
    hits: list[Hit]


@dataclass
class TermContribution:
    term: str  # the model's term: match keys, as in "user stor"
    text: str  # the words of the posting that showed it, as in "user stories"
    contribution: float


@dataclass
class ClassExplanation:
    score: float
    probability: float
    prior: float  # the class's fitted offset while no product role is named, 0 once one is
    rules: list[RuleEvidence]
    terms: list[TermContribution]
    other_terms: float  # the contributions of the terms not listed, added up

    def total(self) -> float:
        """The sum of the parts, equal to `score`."""
        return (self.prior + sum(r.contribution for r in self.rules)
                + sum(t.contribution for t in self.terms) + self.other_terms)

    def strongest_rules(self, limit: int = 3) -> list[RuleEvidence]:
        """The rules that pushed this class most."""
        return sorted((r for r in self.rules if r.contribution > 0), key=lambda r: -r.contribution)[:limit]

    def strongest_terms(self, limit: int = 3) -> list[TermContribution]:
        """The listed terms that pushed this class, strongest first."""
        return [t for t in self.terms if t.contribution > 0][:limit]

    def summary(self) -> str:
        """One line for tables: the strongest rules (with the words they met) and model terms."""
        rules = [f"{r.rule_id}: «{r.hits[0].matched}»" for r in self.strongest_rules()]
        terms = [t.text for t in self.strongest_terms()]
        return "; ".join(rules + ([f"model terms: {', '.join(terms)}"] if terms else []))


@dataclass
class TitleCheck:
    """What the title names, and whether the description says otherwise."""

    title: str
    title_label: str | None
    description_label: str
    conflict: bool
    hits: list[Hit] = field(default_factory=list)


@dataclass
class Result:
    label: str
    confidence: float
    probabilities: dict[str, float]
    scores: dict[str, float]
    explanation: dict[str, ClassExplanation]
    text: str
    title: TitleCheck | None = None

    def to_dict(self) -> dict:
        return plain(self)

    def strongest_evidence(self, limit: int = 3) -> list[RuleEvidence]:
        """The label's rules that pushed it most."""
        return self.explanation[self.label].strongest_rules(limit)

    def summary(self) -> str:
        """A one-line evidence summary for tables: the strongest rules and model terms of the label."""
        return self.explanation[self.label].summary()


@dataclass
class RowResult:
    """What a table row shows of a classification (see `Classifier.classify_rows`)."""

    label: str
    confidence: float
    probabilities: dict[str, float]
    evidence: str  # `Result.summary()`


def explain_class(index: int, scorer: LinearTermScorer, term_index: np.ndarray, term_contributions: np.ndarray,
                  hits: list[RuleHit], mixing: Mixing, score: float, probability: float, gate: float, named: bool,
                  quote: bool = True) -> ClassExplanation:
    """The explanation of class `index` whose combined score is `score`, given the class's model gate
    and whether a product role is named (`combine.model_gates`, `combine.names_product_role`); its
    terms' `text` is the term itself until the caller puts the posting's words there. With
    `quote=False` the hits' sentences are left empty (for table rows, which do not show them)."""
    label = scorer.classes[index]
    contributions = mixing.model * gate * term_contributions[index]
    magnitude = np.abs(contributions)
    top = np.argpartition(-magnitude, TOP_TERMS)[:TOP_TERMS] if len(magnitude) > TOP_TERMS else np.arange(len(magnitude))
    top = top[np.argsort(-magnitude[top], kind="stable")]
    rest_mask = np.ones(len(magnitude), dtype=bool)
    rest_mask[top] = False
    names = [scorer.name(term_index[j]) for j in top]
    terms = [TermContribution(name, name, float(contributions[j])) for name, j in zip(names, top)]
    rest = float(contributions[rest_mask].sum())
    rules = []
    for (rule_id, found), group in distinct_rules(hits).items():
        first = group[0]
        if first.label != label:
            continue
        rules.append(RuleEvidence(rule_id, first.kind, first.field, found, first.weight,
                                  mixing.factor(found) * strength(found, group),
                                  [Hit(h.matched, h.start, h.end, h.sentence if quote else "", h.section) for h in group]))
    return ClassExplanation(score, probability, mixing.prior(index, named), rules, terms, rest)
