"""Match rules: keyword rules kept as data (`rules/*.toml`), matched on the postings' match keys.

A rule is an id, a label, a kind (`role_name` for job titles, `activity` for what the job does),
a weight, its source (the article's paragraph number, or another named source) and its phrases.
Phrases meet inflected, accent-less and capitalised forms, since they are matched on match keys
(see `keys`), and function words may stand between their words ("cahier des charges" meets
"cahiers de charges"). Rules with `case_sensitive = true` match their phrases' exact
spelling instead, for acronyms such as "PO".
"""
from __future__ import annotations

import bisect
import hashlib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from spacy.matcher import PhraseMatcher

from .errors import RulesError
from .keys import STOP_KEYS
from .nlp import Tokens

CLASSES = ("CPO", "PO", "PM", "OTHER")
KINDS = ("role_name", "activity")
ARTICLE_PARAGRAPHS = range(1, 11)
_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_JOINERS = frozenset({"-", "'", "’", "/", "&"})
_FUNCTION_WORD = "∅"
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")


@dataclass(frozen=True)
class Rule:
    id: str
    label: str
    kind: str
    weight: float
    source: int | str
    phrases: tuple[str, ...]
    case_sensitive: bool = False
    file: str = ""


@dataclass(frozen=True)
class RuleHit:
    """One place where a rule's phrase meets the text; `text[start:end] == matched`."""

    rule_id: str
    label: str
    kind: str
    weight: float
    matched: str
    start: int
    end: int
    sentence: str
    field: str = "text"


def _check(rule: dict, where: str) -> Rule:
    def fail(message: str) -> RulesError:
        return RulesError(f"{where}: {message}")

    unknown = set(rule) - {"id", "label", "kind", "weight", "source", "phrases", "case_sensitive"}
    if unknown:
        raise fail(f"unknown key(s) {', '.join(sorted(unknown))}")
    if not isinstance(rule.get("id"), str) or not _ID.match(rule["id"]):
        raise fail("'id' must be a lower-case identifier such as 'po.user_stories'")
    if rule.get("label") not in CLASSES:
        raise fail(f"'label' must be one of {', '.join(CLASSES)}, not {rule.get('label')!r}")
    if rule.get("kind") not in KINDS:
        raise fail(f"'kind' must be one of {', '.join(KINDS)}, not {rule.get('kind')!r}")
    weight = rule.get("weight")
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 < weight <= 10:
        raise fail("'weight' must be a number above 0 and at most 10")
    source = rule.get("source")
    if isinstance(source, bool) or not (
        (isinstance(source, int) and source in ARTICLE_PARAGRAPHS) or (isinstance(source, str) and source.strip())
    ):
        raise fail("'source' must be the article's paragraph number (1 to 10) or the name of another source")
    phrases = rule.get("phrases")
    if not isinstance(phrases, list) or not phrases or not all(isinstance(p, str) and p.strip() for p in phrases):
        raise fail("'phrases' must be a non-empty list of non-empty strings")
    case_sensitive = rule.get("case_sensitive", False)
    if not isinstance(case_sensitive, bool):
        raise fail("'case_sensitive' must be true or false")
    return Rule(rule["id"], rule["label"], rule["kind"], float(weight), source, tuple(phrases), case_sensitive)


def load_rule_file(path: Path) -> list[Rule]:
    """Read and check one rule file; any problem raises RulesError naming the file and rule."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RulesError(f"{path}: rule file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise RulesError(f"{path}: not valid TOML: {error}") from None
    entries = data.get("rule")
    if not isinstance(entries, list) or not entries:
        raise RulesError(f"{path}: no [[rule]] entries")
    rules = []
    for number, entry in enumerate(entries, 1):
        name = entry.get("id") if isinstance(entry.get("id"), str) else f"#{number}"
        rule = _check(entry, f"{path}: rule {name}")
        rules.append(Rule(**{**rule.__dict__, "file": path.name}))
    return rules


def load_rules(directory: Path) -> list[Rule]:
    """Every `*.toml` rule file of a directory, ids unique across files."""
    paths = sorted(directory.glob("*.toml"))
    if not paths:
        raise RulesError(f"{directory}: no rule files (*.toml)")
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for path in paths:
        for rule in load_rule_file(path):
            if rule.id in seen:
                raise RulesError(f"{path}: rule {rule.id}: id already used in {seen[rule.id]}")
            seen[rule.id] = path.name
            rules.append(rule)
    return rules


def rules_digest(directory: Path) -> str:
    """SHA-256 over the rule files, to tell whether a model was fitted with these rules."""
    digest = hashlib.sha256()
    for path in sorted(directory.glob("*.toml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def sentence_bounds(text: str) -> list[int]:
    """Start offsets of the sentences (or lines) of a text."""
    return [0] + [m.end() for m in _SENTENCE_END.finditer(text)]


def sentence_at(text: str, bounds: list[int], start: int) -> str:
    """The sentence (or line) of `text` holding offset `start`, given the sentence bounds."""
    index = bisect.bisect_right(bounds, start) - 1
    return text[bounds[index]: bounds[index + 1] if index + 1 < len(bounds) else len(text)].strip()


class RuleMatcher:
    """All rules compiled for matching: key phrases in a hash index, acronyms in a spaCy PhraseMatcher.

    Phrases are matched on the posting's match keys, without spaces and joiners (hyphens,
    apostrophes, slashes) and with function words reduced to a placeholder (see `content_keys`):
    "cahier des charges" meets "Cahiers de charges", "user stories" meets "user-stories", while
    punctuation still separates phrases. That sequence is matched against an index of the phrases
    by their first key (a spaCy PhraseMatcher over it would need a second Doc per text, which cost
    more than the rest of the matching). Case-sensitive rules match token texts exactly, with
    spaCy's PhraseMatcher on the posting's Doc.
    """

    def __init__(self, rules: list[Rule], analyzer):
        self.rules = {rule.id: rule for rule in rules}
        self.analyzer = analyzer
        self._compile()

    def _compile(self) -> None:
        self.vocab = self.analyzer.vocab
        self.by_keys: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        self.by_text = PhraseMatcher(self.vocab, attr="ORTH")
        for rule in self.rules.values():
            patterns = []
            for phrase in rule.phrases:
                tokens = self.analyzer(phrase)
                if rule.case_sensitive:
                    patterns.append(tokens.doc)
                    continue
                variants = phrase_variants([key for key, _, _ in content_keys(tokens)])
                if not variants:
                    raise RulesError(f"{rule.file}: rule {rule.id}: phrase {phrase!r} has no word to match")
                for keys in variants:
                    self.by_keys.setdefault(keys[0], []).append((tuple(keys), rule.id))
            if patterns:
                self.by_text.add(rule.id, patterns)

    def renew_vocab(self) -> None:
        """Follow the analyzer onto a fresh vocabulary (long batch runs)."""
        self.analyzer.renew_vocab()
        self._compile()

    def _key_matches(self, keys: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
        """(rule id, start, end) of every phrase found in the key sequence."""
        sequence = [key for key, _, _ in keys]
        index = self.by_keys
        present = index.keys() & set(sequence)
        found = []
        for i, key in enumerate(sequence):
            if key not in present:
                continue
            for pattern, rule_id in index[key]:
                n = len(pattern)
                if n == 1 or tuple(sequence[i:i + n]) == pattern:
                    found.append((rule_id, keys[i][1], keys[i + n - 1][2]))
        return found

    def hits(self, tokens: Tokens, field: str = "text") -> list[RuleHit]:
        text = tokens.text
        spans = self._key_matches(content_keys(tokens))
        if self.by_text:
            strings = self.vocab.strings
            spans += [(strings[i], tokens.starts[start], tokens.ends[end - 1])
                      for i, start, end in self.by_text(tokens.doc)]
        bounds = sentence_bounds(text) if spans else []
        found = []
        for rule_id, start, end in spans:
            rule = self.rules[rule_id]
            found.append(RuleHit(rule.id, rule.label, rule.kind, rule.weight, text[start:end], start, end,
                                 sentence_at(text, bounds, start), field))
        return _without_overlaps(found)


def content_keys(tokens: Tokens) -> list[tuple[str, int, int]]:
    """(key, start, end) of the tokens phrases are matched on: spaces and joiners dropped, each run
    of function words reduced to one placeholder, so "cahiers de charges" and "cahier des charges"
    both read [cahi, ∅, charg]."""
    keys: list[tuple[str, int, int]] = []
    after_function_word = False
    skip, stop, placeholder = _JOINERS | {""}, STOP_KEYS, _FUNCTION_WORD
    for key, start, end in zip(tokens.keys, tokens.starts, tokens.ends):
        if key in skip:
            continue
        if key in stop:
            if after_function_word:
                continue
            after_function_word = True
            keys.append((placeholder, start, end))
        else:
            after_function_word = False
            keys.append((key, start, end))
    return keys


def phrase_variants(keys: list[str]) -> list[list[str]]:
    """The key sequences a phrase matches: without function words at its ends, and also without
    those inside ("encadrer l'équipe" meets "encadrer une équipe" and "encadrer équipe"). A phrase
    with a single content word keeps its function words ("hands on" does not become "hands")."""
    content = [k for k in keys if k != _FUNCTION_WORD]
    if not content:
        return []
    if len(content) == 1:
        return [keys]
    while keys[0] == _FUNCTION_WORD:
        keys = keys[1:]
    while keys[-1] == _FUNCTION_WORD:
        keys = keys[:-1]
    return [keys] if keys == content else [keys, content]


def _without_overlaps(hits: list[RuleHit]) -> list[RuleHit]:
    """Keep the longest hit where hits overlap ("Scrum Master" over "Scrum"), then the heavier."""
    kept: list[RuleHit] = []
    taken: set[int] = set()
    for hit in sorted(hits, key=lambda h: (h.start - h.end, h.kind != "role_name", -h.weight, h.rule_id)):
        span = range(hit.start, hit.end)
        if not taken.intersection(span):
            kept.append(hit)
            taken.update(span)
    return sorted(kept, key=lambda h: h.start)
