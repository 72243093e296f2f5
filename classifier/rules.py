"""Match rules: keyword rules kept as data (`rules/*.toml`), matched on the postings' match keys.

A rule is an id, a label, a kind (`role_name` for job titles, `activity` for what the job does),
a weight, its source (the article's paragraph number, or another named source) and its phrases.
Phrases meet inflected, accent-less and capitalised forms, since they are matched on match keys
(see `keys`), and function words may stand between their words ("cahier des charges" meets
"cahiers de charges"). Rules with `case_sensitive = true` match their phrases' exact
spelling instead, for acronyms such as "PO".
"""
from __future__ import annotations

import dataclasses
import hashlib
import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path

import numpy as np
from spacy.matcher import PhraseMatcher

from .errors import RulesError
from .keys import STOP_KEYS
from .nlp import Tokens

CLASSES = ("CPO", "PO", "PM", "OTHER")
KINDS = ("role_name", "activity")
ARTICLE_PARAGRAPHS = range(1, 11)
_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_JOINERS = frozenset({"-", "'", "’", "/", "&"})
# Key codes in a matched sequence: a key of no phrase, a joiner or space, a function word; the
# phrases' own keys are coded from 3 up.
_OTHER, _SKIP, _FUNCTION, _FIRST_PHRASE_CODE = 0, 1, 2, 3
_SENTENCE_MARKS = ".!?;"
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n")


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


@dataclass(slots=True)
class RuleHit:
    """One place where a rule's phrase meets a text (the title or the body): `text[start:end] == matched`."""

    rule_id: str
    label: str
    kind: str
    weight: float
    matched: str
    start: int
    end: int
    field: str = "text"
    text: str = dataclasses.field(default="", repr=False, compare=False)

    @property
    def sentence(self) -> str:
        """The sentence (or line) holding the hit, found when asked: most hits are never shown."""
        return sentence_at(self.text, self.start)


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


def sentence_at(text: str, start: int) -> str:
    """The sentence (or line) of `text` holding the word at offset `start`: from the last line
    break or sentence end (".", "!", "?" or ";" then a space) before it to the next one."""
    left, before = text.rfind("\n", 0, start) + 1, start
    while (mark := max(text.rfind(m, left, before) for m in _SENTENCE_MARKS)) >= 0:
        if text[mark + 1:mark + 2].isspace():
            left = mark + 1
            break
        before = mark
    found = _SENTENCE_END.search(text, start)
    return text[left:found.end() if found else len(text)].strip()


class RuleMatcher:
    """All rules compiled for matching: key phrases in a hash index, acronyms in a spaCy PhraseMatcher.

    Phrases are matched on the posting's match keys, without spaces and joiners (hyphens,
    apostrophes, slashes) and with each run of function words reduced to one placeholder (see
    `sequence`): "cahier des charges" meets "Cahiers de charges", "user stories" meets
    "user-stories", while punctuation and line breaks still separate phrases. Keys are coded as
    integers (every key of no phrase shares one code), so that the sequence is built with NumPy
    and only the places holding a phrase's anchor (its first content key) are compared in Python.
    Case-sensitive rules match token texts exactly, with spaCy's PhraseMatcher on the posting's Doc.
    """

    def __init__(self, rules: list[Rule], analyzer):
        self.rules = {rule.id: rule for rule in rules}
        self.analyzer = analyzer
        self._compile()

    def _compile(self) -> None:
        self.vocab = self.analyzer.vocab
        self.codes = dict.fromkeys(_JOINERS | {""}, _SKIP) | dict.fromkeys(STOP_KEYS, _FUNCTION)
        next_code = _FIRST_PHRASE_CODE
        variants: list[tuple[list[int], str]] = []
        self.by_text = PhraseMatcher(self.vocab, attr="ORTH")
        for rule in self.rules.values():
            patterns = []
            for phrase in rule.phrases:
                tokens = self.analyzer(phrase)
                if rule.case_sensitive:
                    patterns.append(tokens.doc)
                    continue
                for key in tokens.keys:
                    if key not in self.codes:
                        self.codes[key], next_code = next_code, next_code + 1
                found = phrase_variants(self.sequence(tokens)[0].tolist())
                if not found:
                    raise RulesError(f"{rule.file}: rule {rule.id}: phrase {phrase!r} has no word to match")
                variants += [(codes, rule.id) for codes in found]
            if patterns:
                self.by_text.add(rule.id, patterns)
        # Each pattern is looked for where its anchor stands: its key that the fewest patterns share
        # ("owner" in "product owner"), which is also rarer in postings than "product".
        shared = Counter(code for codes, _ in variants for code in set(codes))
        patterns_by_anchor: dict[int, dict[tuple[int, int], dict[tuple[int, ...], list[str]]]] = {}
        for codes, rule_id in variants:
            anchor = min((i for i, code in enumerate(codes) if code != _FUNCTION), key=lambda i: shared[codes[i]])
            shapes = patterns_by_anchor.setdefault(codes[anchor], {})
            rule_ids = shapes.setdefault((anchor, len(codes)), {}).setdefault(tuple(codes), [])
            if rule_id not in rule_ids:
                rule_ids.append(rule_id)
        # anchor code -> [(anchor's place in the pattern, pattern length, {pattern: rule ids})]
        self.by_anchor = {code: [(*shape, patterns) for shape, patterns in shapes.items()]
                          for code, shapes in patterns_by_anchor.items()}
        self.is_anchor = np.zeros(next_code, dtype=bool)
        self.is_anchor[list(self.by_anchor)] = True

    def renew_vocab(self) -> None:
        """Follow the analyzer onto a fresh vocabulary (long batch runs)."""
        self.analyzer.renew_vocab()
        self._compile()

    def sequence(self, tokens: Tokens) -> tuple[np.ndarray, np.ndarray]:
        """The key codes phrases are matched on, and the index of the token each comes from:
        spaces and joiners dropped, each run of function words reduced to its first, coded as
        the placeholder, so "cahiers de charges" and "cahier des charges" read alike."""
        codes = np.fromiter(map(self.codes.get, tokens.keys, repeat(_OTHER)), dtype=np.int64, count=len(tokens.keys))
        at = np.flatnonzero(codes != _SKIP)
        codes = codes[at]
        function = codes == _FUNCTION
        first_of_run = np.ones(len(codes), dtype=bool)
        first_of_run[1:] = ~(function[1:] & function[:-1])
        return codes[first_of_run], at[first_of_run]

    def _key_matches(self, tokens: Tokens) -> list[tuple[str, int, int]]:
        """(rule id, start, end) of every phrase found in the text's key sequence."""
        codes, at = self.sequence(tokens)
        anchors = np.flatnonzero(self.is_anchor[codes]).tolist()
        if not anchors:
            return []
        codes, at = codes.tolist(), at.tolist()
        starts, ends = tokens.starts, tokens.ends
        found = []
        for i in anchors:
            for anchor, n, patterns in self.by_anchor[codes[i]]:
                first = i - anchor
                if first >= 0:
                    for rule_id in patterns.get(tuple(codes[first:first + n]), ()):
                        found.append((rule_id, starts[at[first]], ends[at[first + n - 1]]))
        return found

    def hits(self, tokens: Tokens, field: str = "text") -> list[RuleHit]:
        text = tokens.text
        spans = self._key_matches(tokens)
        if self.by_text:
            strings = self.vocab.strings
            spans += [(strings[i], tokens.starts[start], tokens.ends[end - 1])
                      for i, start, end in self.by_text(tokens.doc)]
        found = []
        for rule_id, start, end in spans:
            rule = self.rules[rule_id]
            found.append(RuleHit(rule.id, rule.label, rule.kind, rule.weight, text[start:end], start, end, field, text))
        return _without_overlaps(found)


def phrase_variants(codes: list[int]) -> list[list[int]]:
    """The key sequences a phrase matches: without function words at its ends, and also without
    those inside ("encadrer l'équipe" meets "encadrer une équipe" and "encadrer équipe"). A phrase
    with a single content word keeps its function words ("hands on" does not become "hands")."""
    content = [c for c in codes if c != _FUNCTION]
    if not content:
        return []
    if len(content) == 1:
        return [codes]
    while codes[0] == _FUNCTION:
        codes = codes[1:]
    while codes[-1] == _FUNCTION:
        codes = codes[:-1]
    return [codes] if codes == content else [codes, content]


def _without_overlaps(hits: list[RuleHit]) -> list[RuleHit]:
    """Keep the longest hit where hits overlap ("Scrum Master" over "Scrum"), then the heavier, then the first."""
    kept: list[RuleHit] = []
    taken: set[int] = set()
    for hit in sorted(hits, key=lambda h: (h.start - h.end, h.kind != "role_name", -h.weight, h.rule_id, h.start)):
        span = range(hit.start, hit.end)
        if not taken.intersection(span):
            kept.append(hit)
            taken.update(span)
    return sorted(kept, key=lambda h: h.start)
