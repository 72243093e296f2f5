"""Analyse a posting: normalise it, run spaCy, match the rules, list the model's terms."""
from __future__ import annotations

import gc
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .combine import NO_ROLE
from .errors import InputError
from .nlp import WEB_ADDRESS, Analyzer, Tokens
from .normalise import MAX_POSTING_CHARACTERS, has_words, normalise
from .resources import rules_dir
from .rules import Rule, RuleHit, RuleMatcher, Sentences, load_rules
from .sections import HEADER, ROLE_MASK, Sectioner, Sections
from .terms import surface_forms, terms_of

RENEW_VOCAB_EVERY = 20_000
RENEW_VOCAB_AT_STRINGS = 100_000  # and when spaCy's vocabulary holds this many strings (texts of new words)
TEXTS_AT_ONCE = 512  # texts analysed under one hold of the lock (the vocabulary is renewed between)


@dataclass
class Analysis:
    """A posting analysed: its normalised text and title, its sections, rule hits and model terms
    (the body's tokens in boilerplate sections are no content words: the model does not read them)."""

    text: str
    title: str | None
    hits: list[RuleHit]
    body_hits: list[RuleHit]
    tokens: tuple[Tokens, ...]  # title (when given), then body
    sections: Sections

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

    def __init__(self, analyzer: Analyzer, rules: list[Rule], sectioner: Sectioner):
        self.analyzer = analyzer
        self.matcher = RuleMatcher(rules, analyzer)
        self.sectioner = sectioner
        self._lock = threading.Lock()
        self._analysed = 0

    @classmethod
    def from_directory(cls, analyzer: Analyzer, rules_directory: Path) -> "PostingAnalyzer":
        """With the rules and section cues of a rules directory (the shipped cues when it has none)."""
        return cls(analyzer, load_rules(rules_directory), Sectioner.load(rules_directory, rules_dir()))

    def __reduce__(self):
        """Pickled as its analyzer, rules and section cues (a lock does not pickle); the rules are compiled again."""
        return type(self), (self.analyzer, list(self.matcher.rules.values()), self.sectioner)

    def _docs(self, texts: list[str]) -> list[Tokens]:
        """spaCy's analysis of texts, on one vocabulary (renewed before, when it has grown enough)."""
        if self._analysed >= RENEW_VOCAB_EVERY or len(self.analyzer.vocab.strings) >= RENEW_VOCAB_AT_STRINGS:
            self._analysed = 0
            self.matcher.renew_vocab()
            gc.collect()  # the old vocabulary and its strings are garbage in cycles: free them now
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
            parts = 1 if title is None else 2  # the body's tokens and hits, then the title's
            hits[at:at + parts] = self._acronyms_as_meant(list(zip(tokens[at:at + parts], hits[at:at + parts])))
            body, body_hits = tokens[at], hits[at]
            sections = self._place(body, body_hits)
            if title is None:
                found.append(Analysis(text, None, body_hits, body_hits, (body,), sections))
                at += 1
            else:
                for hit in hits[at + 1]:
                    hit.section = "title"
                hits[at + 1] = _product_role_over_other_jobs(hits[at + 1], "title")
                _leave_role_names_to_the_rules(tokens[at + 1], hits[at + 1])
                hits[at + 1] += self._unnamed(title, hits[at + 1], (0, len(title)), "title", "title")
                found.append(Analysis(text, title, hits[at + 1] + body_hits, body_hits, (tokens[at + 1], body), sections))
                at += 2
        return found

    def _acronyms_as_meant(self, parts: list[tuple[Tokens, list[RuleHit]]]) -> list[list[RuleHit]]:
        """The hits of each text of a posting (body, title), with its acronyms read as the title or
        the body make them mean (see `RuleMatcher.acronyms_as_meant`)."""
        meanings: dict[str, set[str | None]] = {}
        for tokens, hits in parts:
            for acronym, meant in self.matcher.acronym_meanings(hits, tokens.text).items():
                meanings.setdefault(acronym, set()).update(meant)
        return [self.matcher.acronyms_as_meant(hits, tokens.text, meanings) for tokens, hits in parts]

    def _place(self, body: Tokens, hits: list[RuleHit]) -> Sections:
        """The body's sections: each hit told its own, boilerplate tokens made no content words."""
        sections = self.sectioner.sections(body.text)
        mentions, text = self.sectioner.mentions, body.text
        for hit in hits:
            hit.section = sections.at(hit.start)
            hit.boilerplate = hit.section in sections.boilerplate
        # role names in boilerplate weigh nothing, whatever their context: only the posting's are read
        roles = [hit for hit in hits if hit.kind == "role_name" and not hit.boilerplate]
        top = sections.top(text)  # the header line and the short lines under it
        titles = sections.top_headings + tuple(top)  # the page's title lines
        for hit in roles:
            # roles listed on a title line ("# CTO / CPO") are the job's double title, not a team's
            listed = not _within(hit.start, titles) and mentions.in_list(text, hit.start, hit.end)
            cue = mentions.closest_cue(text, hit.start)
            discipline = cue != "declared" and mentions.names_a_discipline(text, hit.start, hit.end)
            hit.declared = not listed and cue == "declared"
            hit.mention = listed or discipline or cue == "mention" or (cue is None and (
                mentions.names_a_group(text, hit.start, hit.end) or mentions.heads_a_list(text, hit.end)
                or mentions.addresses_the_reader(text, hit.end) or mentions.opens_a_relative_clause(text, hit.end)))
        for first, second in zip(roles, roles[1:]):
            if mentions.listed_together(text, first.end, second.start) and not _within(first.start, titles):
                first.mention = second.mention = True
                first.declared = second.declared = False
        for hit in roles:
            hit.headline = not hit.mention and _within(hit.start, titles)
        # a name the body uses for colleagues too counts only as the job's own title
        hits[:] = [h for h in hits if not h.title_only or h.section == HEADER or h.declared or h.headline]
        body.content = body.content & ~sections.boilerplate_mask(body.starts)
        hits[:] = _product_role_over_other_jobs(hits, HEADER)
        for line in titles:
            hits[:] = _product_role_over_other_jobs(hits, line)
        _leave_role_names_to_the_rules(body, hits)
        header = sections.header(text)
        if header:
            unnamed = self._unnamed(text, [h for h in hits if h.section == HEADER], header, "text", HEADER)
            if unnamed and not self._title_under_header(text, hits, top):
                hits += unnamed
        hits += self._declared_ranks(text, hits, sections)
        return sections

    def _declared_ranks(self, text: str, hits: list[RuleHit], sections: Sections) -> list[RuleHit]:
        """Hits of the rule for titles naming a rank and no job where the posting's own sections
        declare the job by such a title ("we are looking for a Director of Platform to…"): the
        job's title for a text read without one (see `combine.heads_product_by_rank`)."""
        rule = self.sectioner.unnamed
        if rule.rank is None:
            return []
        found = []
        for start, end in self.sectioner.mentions.declared_names(text, rule.rank.first_words):
            section = sections.at(start)
            if section in sections.boilerplate or any(
                    h.kind == "role_name" and h.start < end and start < h.end for h in hits):
                continue
            if rule.rank_only(WEB_ADDRESS.sub("]", text[start:end])):
                found.append(RuleHit(rule.rank.id, rule.label, "role_name", rule.rank.weight, text[start:end], start,
                                     end, "text", section, declared=True, unnamed=True, rank_only=True,
                                     sentences=Sentences(text)))
        return found

    def _title_under_header(self, text: str, hits: list[RuleHit], top: list[tuple[int, int]]) -> bool:
        """Whether a line under the header, at the top of the page, names a product role or is a
        masked title: the header was the site's name or menu ("EmploiCentral.fr", "Accueil · Offres"),
        and the job's title comes after it."""
        under = top[1:]
        return any(h.kind == "role_name" and h.label != NO_ROLE and not h.mention and _within(h.start, under)
                   for h in hits) \
            or any(self.sectioner.unnamed.is_masked_below(text[start:end]) for start, end in under)

    def _unnamed(self, text: str, hits: list[RuleHit], span: tuple[int, int], field: str, section: str) -> list[RuleHit]:
        """A hit of the "no product role named" rule on a title or header line whose hits name none
        (none when the line is masked)."""
        rule = self.sectioner.unnamed
        start, end = span
        names_one = any(h.kind == "role_name" and h.label != NO_ROLE for h in hits)
        if names_one or rule.is_masked(text[start:end]) or start == end:
            return []
        rank_only = not any(h.kind == "role_name" for h in hits) and rule.rank_only(text[start:end])
        rule_id, weight = (rule.rank.id, rule.rank.weight) if rank_only else (rule.id, rule.weight)
        return [RuleHit(rule_id, rule.label, "role_name", weight, text[start:end], start, end, field, section,
                        unnamed=True, rank_only=rank_only, sentences=Sentences(text))]

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


def _within(offset: int, spans) -> bool:
    """Whether `offset` falls in one of the (start, end) spans."""
    return any(start <= offset < end for start, end in spans)


def _product_role_over_other_jobs(hits: list[RuleHit], line: str | tuple[int, int]) -> list[RuleHit]:
    """The hits, less the other jobs' names on a title or header line (`line`: the section "title" or
    "header", or a title line's span) that names a product role as the job's: "Product Owner / Chef de
    projet digital", "PO & Scrum Master", "# CTO / CPO" are the product role."""
    def on_line(hit: RuleHit) -> bool:
        if isinstance(line, str):
            return hit.section == line and hit.kind == "role_name"
        return hit.kind == "role_name" and not hit.mention and line[0] <= hit.start < line[1]

    named = [h for h in hits if on_line(h)]
    if not any(h.label != NO_ROLE for h in named):
        return hits
    return [h for h in hits if not (on_line(h) and h.label == NO_ROLE)]


def _leave_role_names_to_the_rules(tokens: Tokens, hits: list[RuleHit]) -> None:
    """Role names are no content words: the rules weigh them, with their context (a mention, a
    list of other offers), and the model reads what the job does."""
    spans = [(h.start, h.end) for h in hits if h.kind == "role_name"]
    if spans:
        starts = np.asarray(tokens.starts)
        inside = np.zeros(len(starts), dtype=bool)
        for start, end in spans:
            inside |= (starts >= start) & (starts < end)
        tokens.content = tokens.content & ~inside
