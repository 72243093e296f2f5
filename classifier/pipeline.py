"""The classifier: text in, normalise, match rules, score model, combine, explain."""
from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from .analysis import Analysis, PostingAnalyzer
from .errors import InputError
from .combine import GATE, NAMED, combined_scores, rule_features
from .explain import Hit, Result, RowResult, TitleCheck, explain_class
from .modelstore import StoredModel, load_model
from .resources import default_model_dir, rules_dir
from .rules import rules_digest
from .scorer import softmax
from .tables import TABLE_FORMATS, has_surrogate


ROWS_AT_ONCE = 256


class RulesChangedWarning(UserWarning):
    """The rules differ from those the model's mixing factors were fitted with."""


class Classifier:
    """Classify job postings as CPO, PO, PM or OTHER, with evidence. Safe to share between threads."""

    def __init__(self, model: StoredModel, rules_directory: Path):
        self.model = model
        self.analyzer = PostingAnalyzer.from_directory(model.analyzer, rules_directory)
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
    def _scored(self, analyses: list[Analysis], body_only: bool = False):
        """Combined scores of analysed postings, shape (n, n_classes), all in the same NumPy steps;
        per posting its terms (columns) with their contributions (n_classes, n_terms); and the rule
        features (see `combine.rule_features`). `body_only` scores the descriptions without their titles."""
        scorer = self.model.scorer
        posting, index, counts = scorer.term_counts([a.tokens[-1:] if body_only else a.tokens for a in analyses])
        contributions, logits = scorer.contributions(posting, index, counts, len(analyses))
        features = np.stack([rule_features(a.body_hits if body_only else a.hits, scorer.classes) for a in analyses])
        bounds = posting.searchsorted(np.arange(len(analyses) + 1)).tolist()
        terms = [(index[b:e], contributions[:, b:e]) for b, e in zip(bounds, bounds[1:])]
        return combined_scores(logits - scorer.intercept, features, self.model.mixing), terms, features

    def _explained(self, analysis: Analysis, scores: np.ndarray, probabilities: np.ndarray, terms,
                   features: np.ndarray, explain: str, quote: bool) -> tuple[int, dict]:
        """The label's index and the explanations asked for ("all" classes or the "label"'s), their
        terms shown by the posting's own words; with `quote=False` (table rows), hits without their
        sentences, and only the terms the summary shows. The model's gates and whether a product role
        is named are read from the posting's rule features, as the scores were."""
        best = int(scores.argmax())
        gates, named = features[GATE], bool(features[NAMED, 0])
        explanation = {
            label: explain_class(i, self.model.scorer, *terms, analysis.hits, self.model.mixing,
                                 float(scores[i]), float(probabilities[i]), float(gates[i]), named, quote)
            for i, label in enumerate(self.classes) if explain == "all" or i == best
        }
        shown = [t for part in explanation.values() for t in (part.terms if quote else part.strongest_terms())]
        forms = analysis.forms({t.term for t in shown})
        for term in shown:
            term.text = forms.get(term.term, term.term)
        return best, explanation

    def _each_explained(self, analyses: list[Analysis], explain: str, quote: bool) -> Iterator[tuple]:
        """Per analysed posting, scored together: (scores, probabilities, label index, explanations)."""
        if not analyses:
            return
        scores, terms, features = self._scored(analyses)
        for analysis, row, chances, found, evidence in zip(analyses, scores, softmax(scores), terms, features):
            yield (row, chances, *self._explained(analysis, row, chances, found, evidence, explain, quote))

    def from_analyses(self, analyses: list[Analysis], explain: str = "all") -> list[Result]:
        """The results of analysed postings; `explain="label"` explains the label's class only, "all"
        every class."""
        classes = self.classes
        return [
            Result(
                label=classes[best],
                confidence=float(chances[best]),
                probabilities=dict(zip(classes, chances.tolist())),
                scores=dict(zip(classes, row.tolist())),
                explanation=explanation,
                text=analysis.text,
                title=self._title_check(analysis, classes[best]) if analysis.title else None,
            )
            for analysis, (row, chances, best, explanation) in zip(analyses, self._each_explained(analyses, explain, True))
        ]

    def from_analysis(self, analysis: Analysis, explain: str = "all") -> Result:
        return self.from_analyses([analysis], explain)[0]

    def classify_rows(self, postings: list[tuple[str, str | None] | InputError]) -> list[RowResult | InputError]:
        """What table rows show of (text, title) pairs, classified together (ROWS_AT_ONCE at a time,
        so that memory stays flat however many are given): label, probabilities and a one-line
        evidence summary, the same as `classify(...).summary()` gives, without what a row does not
        show (the sentences quoted, the other classes' explanations, the title check). A posting that
        cannot be classified gets its error, and the others their results; an InputError given in
        place of a pair (a row the table reader refused) stays in its place."""
        results: list[RowResult | InputError] = []
        for start in range(0, len(postings), ROWS_AT_ONCE):
            results += _in_place(self._analyse_many(postings[start:start + ROWS_AT_ONCE]), self._rows)
        return results

    def _analyse_many(self, pairs: list) -> list[Analysis | InputError]:
        """The analyses of (text, title) pairs, an InputError in place of a pair that is one already
        or holds a lone surrogate."""
        return _in_place([item if isinstance(item, InputError) else _surrogate_error(*item) or item for item in pairs],
                         self.analyzer.analyse_many)

    def _rows(self, analyses: list[Analysis]) -> list[RowResult]:
        classes = self.classes
        return [RowResult(classes[best], float(chances[best]), dict(zip(classes, chances.tolist())),
                          explanation[classes[best]].summary())
                for _, chances, best, explanation in self._each_explained(analyses, "label", quote=False)]

    def classify_row(self, text: str, title: str | None = None) -> RowResult:
        """What a table row shows of one posting (see `classify_rows`)."""
        found = self.classify_rows([(text, title)])[0]
        if isinstance(found, InputError):
            raise found
        return found

    def _title_check(self, analysis: Analysis, label: str) -> TitleCheck:
        named: dict[str, float] = {}
        title_hits = [h for h in analysis.hits if h.field == "title" and h.kind == "role_name"]
        for hit in title_hits:
            named[hit.label] = named.get(hit.label, 0.0) + hit.weight
        title_label = max(named, key=named.get) if named else None
        if title_label is None:  # a title naming no role cannot contradict the description
            description_label = label
        else:
            description_scores = self._scored([analysis], body_only=True)[0]
            description_label = self.classes[int(description_scores[0].argmax())]
        return TitleCheck(
            title=analysis.title,
            title_label=title_label,
            description_label=description_label,
            conflict=title_label is not None and title_label != description_label,
            hits=[Hit(h.matched, h.start, h.end, h.sentence, h.section) for h in title_hits],
        )

    def classify(self, text: str, title: str | None = None, explain: str = "all") -> Result:
        """Classify one posting (plain text, Markdown or HTML), with an optional job title.
        `explain="label"` explains only the label's class."""
        error = _surrogate_error(text, title)
        if error:
            raise error
        return self.from_analysis(self.analyse(text, title), explain)

    def classify_file(self, path: str | Path, title: str | None = None, encoding: str | None = None,
                      explain: str = "all") -> Result:
        """Classify one posting file as `classify FILE` reads it (text, Markdown, HTML, Word,
        OpenDocument, PDF or a saved page: see `documents.read_posting`). A table of postings
        (.csv, .tsv, .jsonl, .xlsx…) is refused: its rows are postings, see `classify_rows`."""
        from .documents import read_posting

        if Path(path).suffix.lower() in TABLE_FORMATS:
            raise InputError(f"{path}: a table of postings, not a posting: classify its rows (classify_rows, "
                             "or the command `classify` on the file)")
        return self.classify(read_posting(path, encoding), title, explain)

    def classify_many(self, postings: Iterable, batch_size: int = 256) -> Iterator[Result]:
        """Classify a stream of postings lazily, batch by batch; each item is a text, a (text, title)
        pair or a mapping with `text` and optional `title`. A posting that cannot be classified
        stops the stream with its error, in order."""
        batch: list = []
        for item in postings:
            batch.append(item)
            if len(batch) >= batch_size:
                yield from self._classify_batch(batch)
                batch = []
        yield from self._classify_batch(batch)

    def _classify_batch(self, batch: list) -> Iterator[Result]:
        pairs = []
        for item in batch:
            if isinstance(item, str):
                pairs.append((item, None))
            elif isinstance(item, dict):
                pairs.append((item.get("text", ""), item.get("title")))
            elif isinstance(item, tuple) and len(item) == 2:
                pairs.append(item)
            else:
                pairs.append(InputError(f"a posting is a text, a (text, title) pair or a mapping, not {type(item).__name__}"))
        for outcome in _in_place(self._analyse_many(pairs), self.from_analyses):
            if isinstance(outcome, InputError):
                raise outcome
            yield outcome


def _surrogate_error(text, title=None) -> InputError | None:
    """The error of a posting holding a lone surrogate: half of a character, not Unicode text."""
    if any(isinstance(value, str) and has_surrogate(value) for value in (text, title)):
        return InputError("the posting holds a lone surrogate (half of a character): not valid Unicode text")
    return None


def _in_place(items: list, work) -> list:
    """`work` done on the items that are not errors, all together, its results in their places."""
    done = iter(work([item for item in items if not isinstance(item, InputError)]))
    return [item if isinstance(item, InputError) else next(done) for item in items]
