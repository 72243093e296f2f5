"""The classifier: text in, normalise, match rules, score model, combine, explain."""
from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from .analysis import Analysis, PostingAnalyzer
from .errors import InputError
from .combine import combined_scores, rule_features
from .explain import Hit, Result, RowResult, TitleCheck, explain_class
from .modelstore import StoredModel, load_model
from .resources import default_model_dir, rules_dir
from .rules import RuleHit, load_rules, rules_digest
from .scorer import softmax


class RulesChangedWarning(UserWarning):
    """The rules differ from those the model's mixing factors were fitted with."""


class Classifier:
    """Classify job postings as CPO, PO, PM or OTHER, with evidence. Safe to share between threads."""

    def __init__(self, model: StoredModel, rules_directory: Path):
        self.model = model
        self.analyzer = PostingAnalyzer(model.analyzer, load_rules(rules_directory))
        trained_rules = model.manifest.get("rules", {}).get("sha256")
        if trained_rules and trained_rules != rules_digest(rules_directory):
            warnings.warn(f"rules in {rules_directory} differ from those the model was trained with",
                          RulesChangedWarning, stacklevel=3)

    @classmethod
    def load(cls, model: str | Path | None = None, rules: str | Path | None = None) -> "Classifier":
        """The shipped model and rules by default, or a model directory and a rules directory."""
        return cls(load_model(Path(model) if model else default_model_dir()), Path(rules) if rules else rules_dir())

    @property
    def classes(self) -> list[str]:
        return self.model.scorer.classes

    def analyse(self, text: str, title: str | None = None) -> Analysis:
        return self.analyzer(text, title)

    def mask(self, text: str) -> str:
        """The text with every job title replaced by a dash (see `PostingAnalyzer.mask`)."""
        return self.analyzer.mask(text)

    # -- scoring -----------------------------------------------------------------------
    def _scores(self, term_columns: list[np.ndarray], hits: list[RuleHit]):
        """Combined scores, and the model's terms (columns) with their contributions."""
        scorer, mixing = self.model.scorer, self.model.mixing
        term_index, counts = scorer.count_columns(*term_columns)
        contributions = scorer.contributions(term_index, counts)
        logits = scorer.intercept + contributions.sum(axis=1)
        features = rule_features(hits, scorer.classes)
        return combined_scores(logits, features, mixing), term_index, contributions

    def _explained(self, analysis: Analysis, columns: list[np.ndarray], explain: str, quote: bool):
        """Scores, probabilities, the label's index and the explanations asked for ("all" classes or
        the "label"'s), their terms shown by the posting's own words; with `quote=False` (table
        rows), hits without their sentences, and only the terms the summary shows."""
        scores, term_index, contributions = self._scores(columns, analysis.hits)
        probabilities = softmax(scores)
        best = int(np.argmax(scores))
        explanation = {
            label: explain_class(i, self.model.scorer, term_index, contributions, analysis.hits, self.model.mixing,
                                 float(scores[i]), float(probabilities[i]), quote)
            for i, label in enumerate(self.classes) if explain == "all" or i == best
        }
        terms = [t for part in explanation.values() for t in (part.terms if quote else part.strongest_terms())]
        forms = analysis.forms({t.term for t in terms})
        for term in terms:
            term.text = forms.get(term.term, term.term)
        return scores, probabilities, best, explanation

    def from_analysis(self, analysis: Analysis, explain: str = "all") -> Result:
        """The result of an analysed posting; `explain="label"` explains the label's class only, "all"
        every class."""
        classes = self.classes
        columns = [self.model.scorer.term_columns(tokens) for tokens in analysis.tokens]
        scores, probabilities, best, explanation = self._explained(analysis, columns, explain, quote=True)
        return Result(
            label=classes[best],
            confidence=float(probabilities[best]),
            probabilities={c: float(p) for c, p in zip(classes, probabilities)},
            scores={c: float(s) for c, s in zip(classes, scores)},
            explanation=explanation,
            text=analysis.text,
            title=self._title_check(analysis, classes[best], columns[-1]) if analysis.title else None,
        )

    def classify_row(self, text: str, title: str | None = None) -> RowResult:
        """What a table row shows: label, probabilities and a one-line evidence summary, the same as
        `classify(...).summary()` gives, without what a row does not show (the sentences quoted,
        the other classes' explanations, the title check)."""
        analysis = self.analyse(text, title)
        columns = [self.model.scorer.term_columns(tokens) for tokens in analysis.tokens]
        _, probabilities, best, explanation = self._explained(analysis, columns, "label", quote=False)
        label = self.classes[best]
        return RowResult(label, float(probabilities[best]),
                         {c: float(p) for c, p in zip(self.classes, probabilities)}, explanation[label].summary())

    def _title_check(self, analysis: Analysis, label: str, body_columns: np.ndarray) -> TitleCheck:
        named: dict[str, float] = {}
        title_hits = [h for h in analysis.hits if h.field == "title" and h.kind == "role_name"]
        for hit in title_hits:
            named[hit.label] = named.get(hit.label, 0.0) + hit.weight
        title_label = max(named, key=named.get) if named else None
        if title_label is None:  # a title naming no role cannot contradict the description
            description_label = label
        else:
            description_scores, _, _ = self._scores([body_columns], analysis.body_hits)
            description_label = self.classes[int(np.argmax(description_scores))]
        return TitleCheck(
            title=analysis.title,
            title_label=title_label,
            description_label=description_label,
            conflict=title_label is not None and title_label != description_label,
            hits=[Hit(h.matched, h.start, h.end, h.sentence) for h in title_hits],
        )

    def classify(self, text: str, title: str | None = None, explain: str = "all") -> Result:
        """Classify one posting (plain text, Markdown or HTML), with an optional job title.
        `explain="label"` explains only the label's class."""
        return self.from_analysis(self.analyse(text, title), explain)

    def classify_many(self, postings: Iterable, batch_size: int = 256) -> Iterator[Result]:
        """Classify a stream of postings lazily, batch by batch; each item is a text, a (text, title)
        pair or a mapping with `text` and optional `title`."""
        batch: list = []
        for item in postings:
            batch.append(item)
            if len(batch) >= batch_size:
                yield from self._classify_batch(batch)
                batch = []
        yield from self._classify_batch(batch)

    def _classify_batch(self, batch: list) -> Iterator[Result]:
        for item in batch:
            if isinstance(item, str):
                yield self.classify(item)
            elif isinstance(item, dict):
                yield self.classify(item.get("text", ""), item.get("title"))
            elif isinstance(item, tuple) and len(item) == 2:
                yield self.classify(*item)
            else:
                raise InputError(f"a posting is a text, a (text, title) pair or a mapping, not {type(item).__name__}")
