"""Analyse a posting: normalise it, run spaCy, match the rules, list the model's terms."""
from __future__ import annotations

import threading
from dataclasses import dataclass

from .errors import InputError
from .nlp import Analyzer, Tokens
from .normalise import MAX_POSTING_CHARACTERS, has_words, normalise
from .rules import Rule, RuleHit, RuleMatcher
from .terms import surface_forms, terms_of

ROLE_MASK = "—"
RENEW_VOCAB_EVERY = 20_000
RENEW_VOCAB_AT_STRINGS = 100_000  # and when spaCy's vocabulary holds this many strings (texts of new words)
TEXTS_AT_ONCE = 512  # texts analysed under one hold of the lock (the vocabulary is renewed between)


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


def _prepared(text, title) -> tuple[str, str | None] | InputError:
    """A posting's normalised text and title, or the error that keeps it from being analysed: not
    text, longer than MAX_POSTING_CHARACTERS, or without a word (numbers, emoji, empty list items)."""
    if not isinstance(text, str):
        return InputError(f"a posting must be text, not {type(text).__name__}")
    longest = max(len(text), len(title) if isinstance(title, str) else 0)
    if longest > MAX_POSTING_CHARACTERS:
        return InputError(f"posting too long: {longest:,} characters, the limit is {MAX_POSTING_CHARACTERS:,}")
    text = normalise(text)
    title = normalise(title).strip() if isinstance(title, str) and title.strip() else None
    return (text, title) if has_words(text) else InputError("empty posting: no text to classify")


class PostingAnalyzer:
    """Thread-safe analysis shared by classification, training and evaluation."""

    def __init__(self, analyzer: Analyzer, rules: list[Rule]):
        self.analyzer = analyzer
        self.matcher = RuleMatcher(rules, analyzer)
        self._lock = threading.Lock()
        self._analysed = 0

    def __reduce__(self):
        """Pickled as its analyzer and rules (a lock does not pickle); the rules are compiled again."""
        return type(self), (self.analyzer, list(self.matcher.rules.values()))

    def _docs(self, texts: list[str]) -> list[Tokens]:
        """spaCy's analysis of texts, on one vocabulary (renewed before, when it has grown enough)."""
        if self._analysed >= RENEW_VOCAB_EVERY or len(self.analyzer.vocab.strings) >= RENEW_VOCAB_AT_STRINGS:
            self._analysed = 0
            self.matcher.renew_vocab()
        self._analysed += len(texts)
        return [self.analyzer(text) for text in texts]

    def __call__(self, text: str, title: str | None = None) -> Analysis:
        found = self.analyse_many([(text, title)])[0]
        if isinstance(found, InputError):
            raise found
        return found

    def analyse_many(self, postings: list[tuple[str, str | None]]) -> list[Analysis | InputError]:
        """Analyse (text, title) pairs together; a posting that cannot be analysed gets its error."""
        prepared = [_prepared(text, title) for text, title in postings]
        texts = [part for p in prepared if not isinstance(p, InputError) for part in (p[0], p[1]) if part is not None]
        fields = [field for p in prepared if not isinstance(p, InputError)
                  for field in ("text", "title") if p[field == "title"] is not None]
        tokens: list[Tokens] = []
        hits: list[list[RuleHit]] = []
        for start in range(0, len(texts), TEXTS_AT_ONCE):
            with self._lock:
                part = self._docs(texts[start:start + TEXTS_AT_ONCE])
                hits += self.matcher.hits_many(part, fields[start:start + TEXTS_AT_ONCE])
            tokens += part
        found: list[Analysis | InputError] = []
        at = 0
        for p in prepared:
            if isinstance(p, InputError):
                found.append(p)
                continue
            text, title = p
            body, body_hits = tokens[at], hits[at]
            if title is None:
                found.append(Analysis(text, None, body_hits, body_hits, (body,)))
                at += 1
            else:
                found.append(Analysis(text, title, hits[at + 1] + body_hits, body_hits, (tokens[at + 1], body)))
                at += 2
        return found

    def masked(self, text: str, title: str | None = None) -> Analysis:
        """The analysis of the posting with its job titles masked, in title and text."""
        return self(self.mask(text), self.mask(title) if title else None)

    def mask(self, text: str) -> str:
        """The normalised text with every job title replaced by a dash: what the job does, not its name."""
        text = normalise(text)
        with self._lock:
            hits = [h for h in self.matcher.hits(self._docs([text])[0]) if h.kind == "role_name"]
        for hit in sorted(hits, key=lambda h: -h.start):
            text = text[: hit.start] + ROLE_MASK + text[hit.end:]
        return text
