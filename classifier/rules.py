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
import dataclasses
import hashlib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from spacy.matcher import PhraseMatcher

from .errors import RulesError
from .keys import STOP_KEYS
from .nlp import CodeOf, KeyCodes, Tokens
from .sections import SECTIONS_FILE, compile_expressions, refuse_unknown_keys

CLASSES = ("CPO", "PO", "PM", "OTHER")
KINDS = ("role_name", "activity")
ARTICLE_PARAGRAPHS = range(1, 11)
_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_JOINERS = frozenset({"-", "'", "’", "/", ")"})  # ")" closes an inclusive ending: "chef(fe) de produit"
# "&" is no joiner: "Product & Design" is two things, not "product designer"
# Key codes in a matched sequence: a key of no phrase, a joiner or space, a function word; the
# phrases' own keys are coded from 3 up.
_OTHER, _SKIP, _FUNCTION, _FIRST_PHRASE_CODE = 0, 1, 2, 3
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")
# An acronym in brackets defines it by what stands before: "Project Manager (PM)", "bons de commande (PO)"
_BRACKET_BEFORE = re.compile(r"\s*\(\s*$")
_BRACKET_AFTER = re.compile(r"\s*\)")
_TIME_BEFORE = re.compile(r"\d[\s\u202f]?$")  # "5 PM", "5PM"
_EXCLUDE_REACH = 40  # characters around a hit searched for a rule's `exclude` expressions
_INITIALS = re.compile(r"\b[^\W\d_]{3,}")  # the words whose initials spell an acronym ("Project Manager": PM)


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
    # False for a cue of rank rather than of role ("lead multiple teams"): it counts, but does not by
    # itself let the model's terms in for its class (see `combine.model_gates`)
    opens_gate: bool = True
    # True for a word of rank any department head's page holds ("comité exécutif", "leadership"): it
    # weighs nothing when the job's own title names another job (see `combine.distinct_rules`)
    of_rank: bool = False
    # True for a role's name that the job's own title uses but the posting's body uses for colleagues
    # too ("Intrapreneur·e"): its hits count in the title, on the text's header line and where the text
    # declares the job's role ("nous recrutons un·e intrapreneur·e"), and are dropped elsewhere (see `analysis`)
    title_only: bool = False
    # True for a head of product's own cue (the product strategy, portfolio or team the job holds):
    # under a title that names only a rank ("Deputy Director"), the page then names a head of
    # product (see `combine.heads_product_by_rank`)
    heads_product: bool = False
    # where a phrase's words mean something else ("haut de gamme" is no product range): regular
    # expressions, any case; a hit inside one of their matches is dropped
    exclude: re.Pattern | None = dataclasses.field(default=None, compare=False)

    def excludes(self, text: str, start: int, end: int) -> bool:
        """Whether the hit text[start:end] sits inside a match of `exclude`."""
        if self.exclude is None:
            return False
        return any(m.start() <= start and m.end() >= end
                   for m in self.exclude.finditer(text, max(0, start - _EXCLUDE_REACH), end + _EXCLUDE_REACH))


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
    section: str = "posting"  # the part of the text it sits in (see `sections`); "title" for the title
    boilerplate: bool = False  # in a section around the posting (navigation, legal, other offers…): weighs nothing
    mention: bool = False  # a role name after "avec", "work with"… or in a list: a colleague's role, not the job's
    declared: bool = False  # a role name after "en tant que", "we're hiring a"…: the job's own role
    opens_gate: bool = True  # its rule's `opens_gate`
    of_rank: bool = False  # its rule's `of_rank`
    title_only: bool = False  # its rule's `title_only`
    heads_product: bool = False  # its rule's `heads_product`
    headline: bool = False  # on one of the page's title lines: "# Head of Data", or a short line at its top
    unnamed: bool = False  # a hit of the rule "no product role named": a title or header line that names no job
    rank_only: bool = False  # an `unnamed` hit of a title, header line or declared name that names a rank and no job
    sentences: Sentences | None = dataclasses.field(default=None, repr=False, compare=False)

    @property
    def sentence(self) -> str:
        """The sentence (or line) holding the hit, found when asked: most hits are never shown."""
        return self.sentences.at(self.start) if self.sentences else ""


# A hit's fields that are its rule's (hit field: rule attribute), set together wherever a hit is
# made or read as another rule's
_FROM_RULE = {"rule_id": "id", "label": "label", "kind": "kind", "weight": "weight",
              "opens_gate": "opens_gate", "of_rank": "of_rank", "title_only": "title_only",
              "heads_product": "heads_product"}


def _rule_fields(rule: Rule) -> dict:
    return {field: getattr(rule, attribute) for field, attribute in _FROM_RULE.items()}


def _check(rule: dict, where: str) -> Rule:
    def fail(message: str) -> RulesError:
        return RulesError(f"{where}: {message}")

    refuse_unknown_keys(rule, {"id", "label", "kind", "weight", "source", "phrases", "case_sensitive", "exclude",
                               "opens_gate", "of_rank", "title_only", "heads_product"}, where)
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
    opens_gate, of_rank = rule.get("opens_gate", True), rule.get("of_rank", False)
    if not isinstance(opens_gate, bool):
        raise fail("'opens_gate' must be true or false")
    if not isinstance(of_rank, bool):
        raise fail("'of_rank' must be true or false")
    title_only = rule.get("title_only", False)
    if not isinstance(title_only, bool):
        raise fail("'title_only' must be true or false")
    if title_only and rule["kind"] != "role_name":
        raise fail("'title_only' is for role names: a title holds the job's name, not its activities")
    heads_product = rule.get("heads_product", False)
    if not isinstance(heads_product, bool):
        raise fail("'heads_product' must be true or false")
    if heads_product and (rule["label"] != "CPO" or rule["kind"] != "activity" or of_rank):
        raise fail("'heads_product' is for the head of product's own activities (label CPO, kind activity, "
                   "not of rank)")
    exclude = compile_expressions(rule.get("exclude", []), where, "exclude", re.IGNORECASE)
    return Rule(rule["id"], rule["label"], rule["kind"], float(weight), source, tuple(phrases), case_sensitive,
                opens_gate=opens_gate, of_rank=of_rank, title_only=title_only, heads_product=heads_product,
                exclude=exclude)


def load_rule_file(path: Path) -> list[Rule]:
    """Read and check one rule file; any problem raises RulesError naming the file and rule."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RulesError(f"{path}: rule file not found") from None
    except OSError as error:  # unreadable: permissions, a directory, a symbolic link loop…
        raise RulesError(f"{path}: cannot read the rule file: {error.strerror or error}") from None
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
    """Every `*.toml` rule file of a directory (but the section cues), ids unique across files."""
    paths = sorted(p for p in directory.glob("*.toml") if p.name != SECTIONS_FILE)
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


class Sentences:
    """The sentences (or lines) of a text, split once, when a hit first asks for its own."""

    def __init__(self, text: str):
        self.text = text
        self._bounds: list[int] | None = None

    def at(self, start: int) -> str:
        """The sentence (or line) holding offset `start`."""
        if self._bounds is None:
            self._bounds = [0] + [m.end() for m in _SENTENCE_END.finditer(self.text)]
        index = bisect.bisect_right(self._bounds, start) - 1
        end = self._bounds[index + 1] if index + 1 < len(self._bounds) else len(self.text)
        return self.text[self._bounds[index]:end].strip()


class RuleMatcher:
    """All rules compiled for matching: key phrases indexed by code, acronyms in a spaCy PhraseMatcher.

    Phrases are matched on the posting's match keys, without spaces and joiners (hyphens,
    apostrophes, slashes) and with each run of function words reduced to one placeholder (see
    `_matched_sequence`): "cahier des charges" meets "Cahiers de charges", "user stories" meets
    "user-stories", and "user\nstories" where a text was wrapped, while punctuation and blank lines
    still separate phrases. Keys are coded as
    integers (every key of no phrase shares one code), so that the sequence is built with NumPy
    and only the places holding a phrase's first two keys are compared in Python.
    Case-sensitive rules match token texts exactly, with spaCy's PhraseMatcher on the posting's Doc.
    """

    def __init__(self, rules: list[Rule], analyzer):
        self.rules = {rule.id: rule for rule in rules}
        self.hit_fields = {rule.id: _rule_fields(rule) for rule in rules}  # built once: a text has many hits
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
                codes = np.array([self.codes.get(key, _OTHER) for key in tokens.keys])
                found = phrase_variants(_matched_sequence(codes)[0].tolist())
                if not found:
                    raise RulesError(f"{rule.file}: rule {rule.id}: phrase {phrase!r} has no word to match")
                variants += [(codes, rule.id) for codes in found]
            if patterns:
                self.by_text.add(rule.id, patterns)
        # one-key patterns by their code; longer ones by the code of their first two keys
        self.width = next_code
        self.by_code: dict[int, list[str]] = {}
        self.by_pair: dict[int, list[tuple[tuple[int, ...], str]]] = {}
        for codes, rule_id in variants:
            if len(codes) == 1:
                entries, entry = self.by_code.setdefault(codes[0], []), rule_id
            else:
                entries, entry = self.by_pair.setdefault(codes[0] * self.width + codes[1], []), (tuple(codes), rule_id)
            if entry not in entries:
                entries.append(entry)
        self.is_single = np.zeros(next_code, dtype=bool)
        self.is_single[list(self.by_code)] = True
        self.first_pairs = np.array(sorted(self.by_pair), dtype=np.int64)
        self.key_codes = KeyCodes(CodeOf(self.codes, _OTHER))

    def renew_vocab(self) -> None:
        """Follow the analyzer onto a fresh vocabulary (long batch runs)."""
        self.analyzer.renew_vocab()
        self._compile()

    def _key_matches(self, texts: list[Tokens]) -> list[list[tuple[str, int, int]]]:
        """(rule id, start, end) of every phrase found in each text's key sequence, all texts in
        one sequence (a code of no phrase between them): one-key phrases where their key stands,
        longer ones compared in Python only where their first two keys stand."""
        codes, lengths = self.key_codes.of_texts(texts)
        offsets = np.cumsum([0] + lengths[:-1])
        codes = np.insert(codes, offsets[1:], _OTHER)
        begins = offsets + np.arange(len(texts))  # where each text begins in the sequence
        codes, at = _matched_sequence(codes)
        owner = np.searchsorted(begins, at, side="right") - 1
        token = at - begins[owner]
        found: list[list[tuple[str, int, int]]] = [[] for _ in texts]
        singles = np.flatnonzero(self.is_single[codes])
        for code, text, word in zip(codes[singles].tolist(), owner[singles].tolist(), token[singles].tolist()):
            tokens = texts[text]
            found[text] += [(rule_id, tokens.starts[word], tokens.ends[word]) for rule_id in self.by_code[code]]
        if len(codes) < 2 or not len(self.first_pairs):
            return found
        pairs = codes[:-1] * self.width + codes[1:]
        place = np.minimum(self.first_pairs.searchsorted(pairs), len(self.first_pairs) - 1)
        candidates = np.flatnonzero(self.first_pairs[place] == pairs)
        if len(candidates):
            sequence, token = codes.tolist(), token.tolist()
            for i, pair, text in zip(candidates.tolist(), pairs[candidates].tolist(), owner[candidates].tolist()):
                tokens = texts[text]
                for pattern, rule_id in self.by_pair[pair]:
                    n = len(pattern)
                    if tuple(sequence[i:i + n]) == pattern:  # patterns hold no code of the gaps between texts
                        found[text].append((rule_id, tokens.starts[token[i]], tokens.ends[token[i + n - 1]]))
        return found

    def hits(self, tokens: Tokens, field: str = "text") -> list[RuleHit]:
        """The rule hits of a text, the longest kept where they overlap."""
        return self.hits_many([tokens], [field])[0]

    def acronym_meanings(self, hits: list[RuleHit], text: str) -> dict[str, set[str | None]]:
        """What a text makes its acronyms mean: the rule of the role named before one in brackets
        ("Project Manager (PM)": a project manager's), None when what stands there names no role
        ("bons de commande (PO)"), and the rule of a role whose initials spell it ("Chief People
        Officer": a head of another department's)."""
        meanings: dict[str, set[str | None]] = {}
        acronyms = {h.matched for h in hits if self.rules[h.rule_id].case_sensitive}
        if not acronyms:
            return meanings
        titles = [h for h in hits if h.kind == "role_name" and not self.rules[h.rule_id].case_sensitive]
        ending = {h.end: h.rule_id for h in titles}
        for hit in hits:
            if hit.matched in acronyms and self.rules[hit.rule_id].case_sensitive:
                before = _BRACKET_BEFORE.search(text, max(0, hit.start - 8), hit.start)
                if before and _BRACKET_AFTER.match(text, hit.end):
                    meanings.setdefault(hit.matched, set()).add(ending.get(before.start()))
        for title in titles:
            initials = "".join(word[0] for word in _INITIALS.findall(title.matched)).upper()
            if initials in acronyms:
                meanings.setdefault(initials, set()).add(title.rule_id)
        return meanings

    def acronyms_as_meant(self, hits: list[RuleHit], text: str, meanings: dict[str, set[str | None]]) -> list[RuleHit]:
        """The hits, an acronym that means another role here (`acronym_meanings`, of the title and the
        text) read as that role ("As CPO, you will…" after "Chief People Officer": a head of people,
        whose context then says whether it is the job's), one that means no role or several dropped,
        and a "PM" after a number dropped too: a time ("9 AM - 5 PM")."""
        found = []
        for hit in hits:
            rule = self.rules[hit.rule_id]
            meant = meanings.get(hit.matched) if rule.case_sensitive else None
            if meant is not None and hit.label not in {self.rules[m].label for m in meant if m}:
                if len(meant) == 1 and None not in meant:
                    other = self.rules[next(iter(meant))]
                    found.append(dataclasses.replace(hit, **self.hit_fields[other.id]))
                continue
            if rule.case_sensitive and hit.matched == "PM" and _TIME_BEFORE.search(text, max(0, hit.start - 3), hit.start):
                continue  # a time
            found.append(hit)
        return found

    def hits_many(self, texts: list[Tokens], fields: list[str]) -> list[list[RuleHit]]:
        """The rule hits of each of several texts (`fields` says which is a title), matched together."""
        spans = self._key_matches(texts)
        if self.by_text:
            strings = self.vocab.strings
            for found, tokens in zip(spans, texts):
                found += [(strings[i], tokens.starts[start], tokens.ends[end - 1])
                          for i, start, end in self.by_text(tokens.doc)]
        hits = []
        for found, tokens, field in zip(spans, texts, fields):
            text, sentences, kept = tokens.text, Sentences(tokens.text), []
            for rule_id, start, end in _without_overlaps(found, self.rules):
                rule = self.rules[rule_id]
                if _stemmer_collision(rule, text[start:end]) or rule.excludes(text, start, end):
                    continue
                kept.append(RuleHit(matched=text[start:end], start=start, end=end, field=field, sentences=sentences,
                                    **self.hit_fields[rule_id]))
            hits.append(kept)
        return hits


# The light stem meets "product" in "production", "productive", "producteur": a rule hit on such a
# word is the stemmer's, not the posting's ("Production Manager" is no Product Manager). It meets
# "manager" in "management" too: a discipline ("sound project management know-how") is no job
# title. The model's terms keep the shared key; only rule hits are dropped (for "management", those
# of job titles), unless a phrase of the rule holds such a word ("Product Management" is role.pm's).
# ("la Direction Produit", where the stem of "directeur" meets "direction", is a department: the
# section cues make it a mention, see `sections.MentionCues.departments`.)
_PRODUCTION = re.compile(r"\bproduc(?:tions?|tives?|teurs?|trices?)\b", re.IGNORECASE)
_MANAGEMENT = re.compile(r"\bmanagement\b", re.IGNORECASE)
_COLLIDING = re.compile(f"{_PRODUCTION.pattern}|{_MANAGEMENT.pattern}", re.IGNORECASE)  # one search for most hits


def _stemmer_collision(rule: Rule, matched: str) -> bool:
    if _COLLIDING.search(matched) is None:
        return False
    return any(word.search(matched) is not None and not any(word.search(p) for p in rule.phrases)
               for word in ((_PRODUCTION, _MANAGEMENT) if rule.kind == "role_name" else (_PRODUCTION,)))


def _matched_sequence(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The codes of a text's tokens as phrases are matched on them, and the index of the token
    each comes from: spaces and joiners dropped, each run of function words reduced to its first
    (coded as the placeholder), so "cahiers de charges" and "cahier des charges" read alike."""
    at = np.flatnonzero(codes != _SKIP)
    codes = codes[at]
    function = codes == _FUNCTION
    first_of_run = np.ones(len(codes), dtype=bool)
    first_of_run[1:] = ~(function[1:] & function[:-1])
    return codes[first_of_run], at[first_of_run]


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


def _without_overlaps(spans: list[tuple[str, int, int]], rules: dict[str, Rule]) -> list[tuple[str, int, int]]:
    """The (rule id, start, end) spans to keep, in text order: where spans overlap, the longest
    ("Scrum Master" over "Scrum"), then a role name, then the heavier rule, then the first; an
    activity that cuts a role name in two is dropped first."""
    def rank(span: tuple[str, int, int]):
        rule = rules[span[0]]
        return span[1] - span[2], rule.kind != "role_name", -rule.weight, span[0], span[1]

    def cuts_a_role_name(span: tuple[str, int, int], cluster: list[tuple[str, int, int]]) -> bool:
        """An activity that takes in part of a role name without the whole: "Manager/Product Owner"
        in "Product Manager/Product Owner" is no "manager les product owners"."""
        return rules[span[0]].kind != "role_name" and any(
            rules[other[0]].kind == "role_name" and other[1] < span[2] and span[1] < other[2]
            and not span[1] <= other[1] <= other[2] <= span[2] for other in cluster)

    kept: list[tuple[str, int, int]] = []
    cluster: list[tuple[str, int, int]] = []  # spans overlapping one another, directly or through others
    reach = 0
    for span in sorted(spans, key=lambda s: s[1]):
        if cluster and span[1] >= reach:
            kept += _choose(cluster, rank, cuts_a_role_name)
            cluster = []
        cluster.append(span)
        reach = max(reach, span[2]) if len(cluster) > 1 else span[2]
    return kept + _choose(cluster, rank, cuts_a_role_name)


def _choose(cluster: list[tuple[str, int, int]], rank, gives_way) -> list[tuple[str, int, int]]:
    """The spans kept of a cluster of overlapping spans, those that give way to another of the
    cluster left out, best rank first, then in text order."""
    if len(cluster) < 2:
        return cluster
    cluster = [span for span in cluster if not gives_way(span, cluster)]
    chosen: list[tuple[str, int, int]] = []
    for span in sorted(cluster, key=rank):
        if all(span[2] <= other[1] or other[2] <= span[1] for other in chosen):
            chosen.append(span)
    return sorted(chosen, key=lambda s: s[1])
