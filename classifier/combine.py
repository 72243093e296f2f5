"""Combine: rule evidence and the model's scores in one score per class, then probabilities.

score[c] = model * gate * sum of the model's term contributions to c
           + sum over the families f: factor[f] * weights of the distinct rules of c fired in f
           + prior[c]

The families are `title` (hits in the title), `declared` (role names on the text's header line,
where pages repeat the title, or right after "en tant que", "we're hiring a"…), `role_name` and
`activity` (hits in the posting's own sections), and `mention` (role names after "avec", "work
with"… or listed with others: a colleague's role, not the job's). Hits in boilerplate (navigation,
company blurb, benefits, legal text, lists of other offers) weigh nothing. Each rule counts once per
family, but role names in the posting's sections count sublinearly with their hits (weight *
(1 + ln n)): a posting repeats its own role, a passing mention of a colleague's does not. When the
job's own title names another job and no product role ("# Chief Customer Officer"), the head of
product's activities that are words of rank (`of_rank` rules: executive committee, strategic
choices, leading teams) are that job's: they are grouped as `outranked` and weigh nothing, as the
model's head-of-product terms then do; "stratégie produit" still counts.

OTHER is what is left when no product role is supported. The gate lets the model's terms count only
for OTHER and the product roles some rule supports (one of their role names or activities fires in
the title or the posting's own sections; a rule with `opens_gate = false`, a cue of rank such as
"lead multiple teams", does not count for this): the model weighs the roles the evidence puts forward, and
with no such evidence the prior and the rules decide, whatever words the model would lean on. The
head of product's terms do not count either when the job's own title names another job and no
product role ("Chief Customer Officer": the executive committee and strategy are any head's). The
prior, where OTHER's head start lives, holds only while no product role is named there:
prior[c] = offset[c], then 0, and the evidence alone decides (the model's intercepts are part of the
offsets, not of the scores). Factors and offsets are fitted on out-of-fold predictions of the
training split (see `training`).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from functools import cached_property

import numpy as np

from .rules import RuleHit
from .sections import HEADER

FAMILIES = ("title", "declared", "role_name", "mention", "activity")
NO_ROLE = "OTHER"  # the class that is not a product role
HEAD_OF_PRODUCT = "CPO"


def family(hit: RuleHit) -> str | None:
    """The family whose factor a hit's weight is counted with; None for boilerplate."""
    if hit.field == "title":
        return "title"
    if hit.boilerplate:
        return None
    if hit.kind == "role_name":
        if hit.section == HEADER or hit.declared:
            return "declared"
        return "mention" if hit.mention else "role_name"
    return "activity"


@dataclass(frozen=True)
class Mixing:
    model: float = 1.0
    title: float = 1.0
    declared: float = 1.0
    role_name: float = 1.0
    mention: float = 1.0
    activity: float = 1.0
    offsets: tuple[float, ...] = ()  # one per class, in the model's order of classes; () = none

    def factor(self, found: str) -> float:
        """The factor of a family (as `distinct_rules` groups hits); 0 for boilerplate and outranked hits."""
        return getattr(self, found) if found in FAMILIES else 0.0

    def as_array(self) -> np.ndarray:
        return np.array([self.model, *(getattr(self, f) for f in FAMILIES), *self.offsets])

    @cached_property
    def _factors(self) -> tuple[float, np.ndarray, np.ndarray | float]:
        """The model's factor, the rule families' factors and the offsets, as `combined_scores` uses them."""
        return self.model, np.array([getattr(self, f) for f in FAMILIES]), np.array(self.offsets or 0.0)

    @classmethod
    def from_array(cls, values) -> "Mixing":
        values = [float(v) for v in values]
        n = 1 + len(FAMILIES)
        return cls(*values[:n], offsets=tuple(values[n:]))

    def prior(self, index: int, named: bool) -> float:
        """Class `index`'s prior: its offset while no product role is named, 0 once one is."""
        return self.offsets[index] if self.offsets and not named else 0.0

    def to_dict(self) -> dict:
        return asdict(self)


def distinct_rules(hits: list[RuleHit], outranked: bool | None = None) -> dict[tuple[str, str], list[RuleHit]]:
    """Hits grouped by (rule id, family), in order of first appearance; boilerplate hits by
    (rule id, "boilerplate"), and the head of product's words of rank (`of_rank` activities) by (rule
    id, "outranked") when `head_of_product_outranked` (computed unless given)."""
    if outranked is None:
        outranked = head_of_product_outranked(hits)
    groups: dict[tuple[str, str], list[RuleHit]] = {}
    for hit in hits:
        found = family(hit) or "boilerplate"
        if outranked and hit.of_rank and found != "boilerplate" and hit.label == HEAD_OF_PRODUCT:
            found = "outranked"
        groups.setdefault((hit.rule_id, found), []).append(hit)
    return groups


def strength(found: str, group: list[RuleHit]) -> float:
    """What a rule's hits of one family add up to, before the family's factor."""
    weight = group[0].weight
    return weight * (1.0 + math.log(len(group))) if found == "role_name" else weight


def names_product_role(hits: list[RuleHit]) -> bool:
    """True when the title or the posting's own sections name a product role, or a title that names
    only a rank heads the product (`heads_product_by_rank`)."""
    return any(h.kind == "role_name" and h.label != NO_ROLE and family(h) in ("title", "declared", "role_name")
               for h in hits) or heads_product_by_rank(hits)


def heads_product_by_rank(hits: list[RuleHit]) -> bool:
    """True when the job's title names a rank and no job ("Deputy Director", "Director of Platform")
    and the posting's own sections say the job holds the product strategy, portfolio or team (a
    `heads_product` rule): the rank is then a head of product's, unless the job's own title names
    another job (`names_another_job`)."""
    return any(h.rank_only for h in hits) and any(
        h.heads_product and h.label == HEAD_OF_PRODUCT and family(h) == "activity" for h in hits) \
        and not names_another_job(hits)


def supported_roles(hits: list[RuleHit]) -> set[str]:
    """The product roles some rule supports in the title or the posting's own sections (a mention
    of a colleague's role does not count, nor a cue of rank whose rule does not open the gate)."""
    return {h.label for h in hits if h.label != NO_ROLE and h.opens_gate
            and family(h) in ("title", "declared", "role_name", "activity")}


def names_another_job(hits: list[RuleHit]) -> bool:
    """True when the job's own title (the title, a role name the text declares as the job's, or one on
    the page's title lines: its title headings and the short lines at its top) names a job that is
    not a product role ("Chief Customer Officer", "# Head of Data"); the rule "no product role
    named" names none."""
    return any(h.kind == "role_name" and h.label == NO_ROLE and not h.unnamed
               and (family(h) in ("title", "declared") or h.headline) for h in hits)


def head_of_product_outranked(hits: list[RuleHit], named: bool | None = None) -> bool:
    """True when the job's own title names another job and no product role is named (`named`:
    `names_product_role`, computed unless given): the words of rank every head's page holds
    (executive committee, strategic choices, leadership), which the head of product's terms and
    `of_rank` rules read, are then that job's."""
    return not (names_product_role(hits) if named is None else named) and names_another_job(hits)


def model_gates(hits: list[RuleHit], classes: list[str], outranked: bool | None = None) -> np.ndarray:
    """Per class, 1 where the model's terms count and 0 where they do not: OTHER's and those of the
    product roles the rules support, once they support one; none before (the prior and the rules
    then decide). The head of product's terms do not count when it is outranked
    (`head_of_product_outranked`, computed unless given)."""
    supported = supported_roles(hits)
    if not supported:
        return np.zeros(len(classes))
    if head_of_product_outranked(hits) if outranked is None else outranked:
        supported.discard(HEAD_OF_PRODUCT)
    return np.array([1.0 if c in supported or c == NO_ROLE else 0.0 for c in classes])


NAMED, GATE = len(FAMILIES), len(FAMILIES) + 1  # rows of `rule_features` after the families'


def rule_features(hits: list[RuleHit], classes: list[str]) -> np.ndarray:
    """Weights of the distinct rules fired, per family and class; then a row of ones when a product
    role is named (`names_product_role`) and a row of the model's gates (`model_gates`): shape
    (len(FAMILIES) + 2, n_classes)."""
    features = np.zeros((len(FAMILIES) + 2, len(classes)))
    named = names_product_role(hits)
    outranked = head_of_product_outranked(hits, named)
    features[NAMED] = named
    features[GATE] = model_gates(hits, classes, outranked)
    column = {c: i for i, c in enumerate(classes)}
    row = {f: i for i, f in enumerate(FAMILIES)}
    for (_, found), group in distinct_rules(hits, outranked).items():
        hit = group[0]
        if hit.label in column and found in row:
            features[row[found], column[hit.label]] += strength(found, group)
    return features


def combined_scores(term_logits: np.ndarray, features: np.ndarray, mixing: Mixing) -> np.ndarray:
    """Scores for one posting (the model's logits without its intercepts (k,), features (F + 2, k))
    or many ((n, k), (n, F + 2, k))."""
    model, rules, offsets = mixing._factors
    named, gates = features[..., NAMED, :], features[..., GATE, :]
    return model * gates * term_logits + rules @ features[..., :NAMED, :] + (1.0 - named) * offsets
