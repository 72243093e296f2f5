"""Analyse a posting: normalise it, run spaCy, match the rules, list the model's terms."""
from __future__ import annotations

import threading
from dataclasses import dataclass

from .errors import InputError
from .nlp import Analyzer, Tokens
from .normalise import normalise
from .rules import Rule, RuleHit, RuleMatcher
from .terms import surface_forms, terms_of

ROLE_MASK = "—"
RENEW_VOCAB_EVERY = 20_000


@dataclass
class Analysis:
    """A posting analysed: its normalised text and title, rule hits and model terms."""

    text: str
    title: str | None
    hits: list[RuleHit]
    body_hits: list[RuleHit]
    tokens: tuple[Tokens, ...]  # title (when given), then body

    @property
    def terms(self) -> list[str]:
        """The model's terms of title and body, as training reads them."""
        return terms_of(*self.tokens)

    def forms(self, wanted: set[str]) -> dict[str, str]:
        """Term -> the words that showed it ("user stor" -> "user stories"), for the wanted terms."""
        return surface_forms(wanted, *self.tokens)


class PostingAnalyzer:
    """Thread-safe analysis shared by classification, training and evaluation."""

    def __init__(self, analyzer: Analyzer, rules: list[Rule]):
        self.analyzer = analyzer
        self.matcher = RuleMatcher(rules, analyzer)
        self._lock = threading.Lock()
        self._analysed = 0

    def _doc(self, text: str) -> Tokens:
        self._analysed += 1
        if self._analysed >= RENEW_VOCAB_EVERY:  # spaCy's vocabulary grows with every new word
            self._analysed = 0
            self.matcher.renew_vocab()
        return self.analyzer(text)

    def __call__(self, text: str, title: str | None = None) -> Analysis:
        if not isinstance(text, str):
            raise InputError(f"a posting must be text, not {type(text).__name__}")
        text = normalise(text)
        title = normalise(title).strip() if isinstance(title, str) and title.strip() else None
        if not text.strip():
            raise InputError("empty posting: no text to classify")
        with self._lock:
            body = self._doc(text)
            body_hits = self.matcher.hits(body)
            if title is None:
                return Analysis(text, None, body_hits, body_hits, (body,))
            head = self._doc(title)
            title_hits = self.matcher.hits(head, field="title")
            return Analysis(text, title, title_hits + body_hits, body_hits, (head, body))

    def masked(self, text: str, title: str | None = None) -> Analysis:
        """The analysis of the posting with its job titles masked, in title and text."""
        return self(self.mask(text), self.mask(title) if title else None)

    def mask(self, text: str) -> str:
        """The normalised text with every job title replaced by a dash: what the job does, not its name."""
        text = normalise(text)
        with self._lock:
            hits = [h for h in self.matcher.hits(self._doc(text)) if h.kind == "role_name"]
        for hit in sorted(hits, key=lambda h: -h.start):
            text = text[: hit.start] + ROLE_MASK + text[hit.end:]
        return text
