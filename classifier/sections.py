"""Sections: tell a posting's own parts (header, missions, profile) from the boilerplate around them.

Real inputs are whole pages: navigation, a cookie banner, a company blurb, benefits, legal text and
lists of other offers, around a posting that is often a third of the page. The cues are data
(`rules/sections.toml`); each line of the text gets a section kind, and a span of the text the
kind of the line it starts in. The header is the first line that is neither empty nor boilerplate,
when it is short enough to be a job title: pages and many postings repeat the title there.
"""
from __future__ import annotations

import bisect
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from .errors import RulesError
from .keys import fold

SECTIONS_FILE = "sections.toml"
POSTING, HEADER = "posting", "header"
ROLE_MASK = "■"  # what masking puts in place of a job title (evaluation "masked")
HEADING_WORDS = 8  # a heading is short
CUE_REACH = 60  # characters before a role name read for the cues that stand right before it
HEADER_WORDS = 14  # and so is a job title at the top of a text
TOP_LINES = 12  # lines read under the header line: the top of a saved page
NO_LIMIT = 10**9
HEAD_CHARS = 100  # a longer line is no heading, menu item or title: only its start is read
_TOP_HEADING = re.compile(r"[ \t]*#{1,3} +\S")  # a Markdown heading of level one to three
# A longer line is read sentence by sentence (a text whose line breaks were lost, a long paragraph):
# a legal phrase in it makes its sentence legal, not the whole posting, and "Profil : …" in its
# middle opens the posting's section (a boilerplate heading there would run to the end of the text).
LONG_LINE = 1000
_SENTENCE_BREAK = re.compile(r"(?<=[.!?;])\s+(?=\S)|\s+(?=[*•▪–-]\s)")
# what is stripped from a folded line's ends: markup, and "?", which every character beyond Latin-1
# folds to (bullets, dashes, arrows, emoji: "• Avantages", "— Offres similaires —", "💰 Benefits")
_MARKUP = " \t#*_·->|:=[](){}\"'«»?"
_SPACES = re.compile(r"\s+")
_BULLET = re.compile(r"[ \t]*(?:[-*•▪◦–·]|\d{1,2}[.)])[ \t]")  # a list item's start
ITEM_WORDS = 4  # a list item of duties says something; other offers' titles ("Product Owner H/F") are shorter
_FIELD = re.compile(r"[^:]{1,40}:\s*\S")  # a heading with its value on its line ("salaire : 45 k€")
_WORD_END = re.compile(r"[^\w']")
_MENU_MARKS = "[|·•/>»]"  # what separates the items of a menu line: "Accueil | Offres d'emploi | Mon compte"
# ("›" is folded into BREADCRUMB, which `str.split` reads as a space: such lines are the `lines` cue's)
_MENU_SEPARATOR = re.compile(rf"\s*{_MENU_MARKS}\s*")
_MENU_MARK = re.compile(_MENU_MARKS).search


@dataclass(frozen=True)
class SectionCues:
    kind: str
    boilerplate: bool
    headings: tuple[str, ...] = ()
    lines: tuple[str, ...] = ()
    short_lines: frozenset[str] = frozenset()
    line_words: int | None = None  # `lines` count only in lines of at most this many words
    words_before_colon: int = 0  # words that may stand between a heading and its colon ("Similar jobs on Hatchboard:")
    ends_at_bare_heading: bool = False  # a short line of words with no cue, a list after it, ends the section


def _latin1_folds() -> bytes:
    """A bytes.translate table taking each Latin-1 letter to its base letter, lower case."""
    table = bytearray(range(256))
    for code in range(256):
        base = "".join(c for c in unicodedata.normalize("NFKD", chr(code).lower()) if not unicodedata.combining(c))
        if len(base) == 1 and ord(base) < 256:
            table[code] = ord(base)
    return bytes(table)


_FOLDS = _latin1_folds()
BREADCRUMB = "\x1f"  # "›", folded


def fold_in_place(text: str) -> str:
    """The text lower-cased and without accents, character for character (same length, same
    offsets): Latin-1 letters lose their accents, the typographic apostrophe reads "'", the
    breadcrumb arrow "›" a control character of its own, and other characters beyond Latin-1 "?"
    (which no cue holds)."""
    text = text.replace("’", "'").replace("›", BREADCRUMB)
    return text.encode("latin-1", "replace").translate(_FOLDS).decode("latin-1")


def _folded(line: str) -> str:
    """A cue or a line as cues are compared: folded, spaces collapsed, markup stripped from its ends."""
    return _SPACES.sub(" ", fold_in_place(line)).strip(_MARKUP)


def read_cues_file(path: Path) -> dict:
    """A `sections.toml` file, read and parsed once for the loaders below; RulesError naming the file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise RulesError(f"{path}: cannot read section cues ({error})") from None
    refuse_unknown_keys(data, {"section", "mentions", "header", "unnamed"}, str(path))
    return data


def _phrases(value) -> bool:
    """Whether a value read from a cues file is a list of phrases (strings that are not blank)."""
    return isinstance(value, list) and all(isinstance(s, str) and s.strip() for s in value)


def refuse_unknown_keys(entry: dict, known: set[str], where: str) -> None:
    """A key the loader does not read (a misspelt list of cues) is an error, not a list dropped without a word."""
    unknown = sorted(set(entry) - known)
    if unknown:
        raise RulesError(f"{where} has unknown key(s) {', '.join(map(repr, unknown))}")


def load_section_cues(data: dict, path: Path) -> list[SectionCues]:
    """The section cues of a parsed `sections.toml` (`path` names it in errors)."""
    cues = []
    for number, entry in enumerate(data.get("section", []), 1):
        kind = entry.get("kind")
        if not isinstance(kind, str) or not kind or not isinstance(entry.get("boilerplate"), bool):
            raise RulesError(f"{path}: section #{number}: needs a 'kind' and 'boilerplate = true|false'")
        refuse_unknown_keys(entry, {"kind", "boilerplate", "source", "headings", "lines", "short_lines", "line_words",
                                     "words_before_colon", "ends_at_bare_heading"}, f"{path}: section {kind}")
        lists = {name: entry.get(name, []) for name in ("headings", "lines", "short_lines")}
        if not all(map(_phrases, lists.values())):
            raise RulesError(f"{path}: section {kind}: headings, lines and short_lines are lists of phrases")
        line_words, before_colon = entry.get("line_words"), entry.get("words_before_colon", 0)
        if line_words is not None and (isinstance(line_words, bool) or not isinstance(line_words, int) or line_words < 1):
            raise RulesError(f"{path}: section {kind}: 'line_words' must be a positive whole number")
        if isinstance(before_colon, bool) or not isinstance(before_colon, int) or not 0 <= before_colon <= 5:
            raise RulesError(f"{path}: section {kind}: 'words_before_colon' must be a whole number from 0 to 5")
        bare_heading_ends = entry.get("ends_at_bare_heading", False)
        if not isinstance(bare_heading_ends, bool):
            raise RulesError(f"{path}: section {kind}: 'ends_at_bare_heading' must be true or false")
        cues.append(SectionCues(kind, entry["boilerplate"], tuple(_folded(s) for s in lists["headings"]),
                                tuple(fold_in_place(s) for s in lists["lines"]),
                                frozenset(_folded(s) for s in lists["short_lines"]), line_words, before_colon,
                                bare_heading_ends))
    if not cues:
        raise RulesError(f"{path}: no [[section]] entries")
    return cues


# a list's items up to a role name: at least one short item and a comma, then the role name right
# after the comma ("designers, developers, and product managers"; one qualifying word may stand
# between them, see _QUALIFIER) or after one more item and "and"
# ("designers, developers and the product owner", "avec des développeurs, des designers et des chefs
# de produit"); or an acronym paired with it ("PC et PM"). The first item starts a line or follows
# a comma, a bracket or a colon, unless the list ends with "and" and a second item.
_DETERMINER = r"(?:(?:the|a|an|our|their|les|des|nos|leurs|un|une|le|la|l'|d')\s*)?"
_ITEM = r"[^,;:.!?()\n]{1,40}"  # possessive below (no comma inside an item: backtracking never helps)
# one lower-case word that qualifies a listed role name ("content strategists, agile project
# managers"), but no determiner, pronoun or preposition: "Nous recherchons, pour notre équipe, un
# Product Owner" names the job; or a count, as a team's members are listed ("4 développeurs, 1 PO")
_QUALIFIER = (r"(?:\d{1,3}\s+|(?!(?:the|a|an|our|their|your|my|its|les|des|nos|leurs|vos|notre|votre|un|une|le|la|du|de|en"
              r"|au|aux|pour|for|as|comme|we|you|vous|nous|on|il|elle|to|with|avec|is|are|est|sont|que|who|qui)\b)"
              r"(?-i:[a-zà-öø-ÿ][\w-]{1,20})\s+)?")
# items before a comma, the first starting a line or following a comma, a bracket or a colon
_ITEMS_THEN_COMMA = r"(?:(?<![^\n])|[,;(:])" + _ITEM + r"+[,;]\s*"
_LIST_BEFORE = re.compile(r"(?:" + _ITEMS_THEN_COMMA + r"(?:(?:and|et|or|ou|&)\s+" + _DETERMINER + r")?"
                          r"[*_\"“«]*" + _QUALIFIER + r"|(?<!\S)" + _ITEM + r"+[,;]\s*" + _ITEM + r"?\s(?:and|et|or|ou|&)\s+" + _DETERMINER
                          + r"[*_\"“«]*|(?-i:\b[A-Z]{2,5})\s*(?:and|et|&|/))\s*$", re.I)
_PAIRED_ACRONYM = re.compile(r"(?-i:\b[A-Z]{2,5})\s*(?:and|et|&|/)\s*$", re.I)  # _LIST_BEFORE's last way
# the items after a role name that starts a list: a comma (after a bold or italic mark, if any),
# then one item of three words at most and a comma or "and" ("product management, design and
# engineering", "**Product Management**; **Strategy**;"), not a clause ("Product Owner, you own…",
# "The Product Manager, who owns…")
_LIST_AFTER = re.compile(r"[*_]*[ \t]*[,;](?![ \t]*(?:you|vous|tu|we|nous|they|il|elle|ils|elles|on|your|votre|ton|who|qui"
                         r"|which|that|together|ensemble)\b)[ \t]*(?:[^\s,;:.!?()]+[ \t]+){0,2}[^\s,;:.!?()]+"
                         r"(?:[,;]|[ \t]+(?:and|et|or|ou|&)[ \t])", re.I)
# a role name between two items a team's members are listed by, each after an indefinite article
# ("four engineers, a product manager and a designer", "des développeurs, une PO, un designer"), the
# role qualified by two words at most ("un Product Owner côté client et un architecte"): an item and
# a comma before it, "and" or a comma and the next item after it, or the reader as the last item
# ("five developers, a designer, a product owner and you")
_INDEFINITE = r"(?:an?|une?|d['’]une?)\s+"
_MIDDLE_BEFORE = re.compile(_ITEMS_THEN_COMMA + _INDEFINITE + r"[*_\"“«]*$", re.I)
_MIDDLE_AFTER = re.compile(r"[*_\"”»]*(?:[ \t]+[^\s,;:.!?()*_\"”»]+){0,2}?[ \t]*"
                           r"(?:[,;][ \t]*(?:(?:and|et|&)[ \t]+)?|[ \t]+(?:and|et|&)[ \t]+)"
                           r"(?:(?:" + _INDEFINITE + r"|des\s+|\d{1,3}\s+)\w|(?:you|vous|toi)\b)", re.I)
# what may stand between two role names that are only listed: "designers, developers and the product owner"
# (not a full stop: it ends a sentence, "… et un Product Owner. Le PO construit…", not an item)
_ENUMERATION = re.compile(r"\s*(?:,|;|&|\band\b|\bet\b|\bor\b|\bou\b)[\s,]*"
                          r"(?:(?:and|et|or|ou|the|a|an|les|des|de|du|la|le|un|une)\s+)*$", re.I)


# where a cue may start: a word's start, or right after an elided article or pronoun ("l'interlocuteur·rice
# des…", "afin d'accompagner les…", "qu'avec")
_CUE_START = r"(?:(?<![\w'])|(?<=(?<![\w'])[cdjlmnst]')|(?<=(?<![\w'])qu'))"


def _right_before(cues: tuple[str, ...], gap: str) -> re.Pattern | None:
    """One of the cues (whole words) ending right before a role name, `gap` between them; None without cues."""
    return re.compile(rf"(?<![\w'])(?:{_alternatives(cues)}){gap}$") if cues else None


def _starts_after(pattern: re.Pattern | None, text: str, end: int, reach: int) -> bool:
    """Whether `pattern` matches the folded text that starts at `end` (its `reach` characters), right
    after a role name; False without a pattern (no cues)."""
    return pattern is not None and pattern.match(fold_in_place(text[end:end + reach])) is not None


def _elided(cues: tuple[str, ...]) -> tuple[str, ...]:
    """The cues and, for those ending in "que" or "de", their elided forms before a vowel ("en tant
    qu'", "poste d'"), which end at the apostrophe."""
    return cues + tuple(re.sub(r"\b(qu|d)e$", r"\1'", cue) for cue in cues if re.search(r"\b(?:qu|d)e$", cue))


def _alternatives(cues: tuple[str, ...]) -> str:
    """Folded cue words as alternatives of a regular expression, any run of spaces between their
    words; an expression that meets nothing when there are none."""
    return "|".join(re.escape(c).replace(r"\ ", r"\s+") for c in cues) or "(?!)"


@dataclass(frozen=True)
class MentionCues:
    """Words that, just before a role name, say it is the job's own role (`declared`) or a
    colleague's (`before`); possessives (`possessive`: "nos Product Owners") say it is a colleague's
    unless they follow a declared cue ("nous recherchons notre futur Product Owner"); words that,
    right after one, make it the name of a group (`after`: "the Product Owner team")."""

    declared: tuple[str, ...]
    before: tuple[str, ...]
    window: int
    after: tuple[str, ...] = ()
    possessive: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()  # first words that make a role name's match a department ("Direction Produit")
    disciplines: tuple[str, ...] = ()  # last words that make a role name's match a discipline ("Product Management")
    addressing: tuple[str, ...] = ()  # object pronouns that, right after one, make it a colleague acting on the reader
    other_party: tuple[str, ...] = ()  # words that, right before one, make it another party: "au PO", "fixées par le PO"
    peers: tuple[str, ...] = ()  # words that, right before one, make it the job's own role: "coach other PMs"
    genitive: tuple[str, ...] = ()  # endings of a noun that owns it, right before one: "the client's PO"
    relative: tuple[str, ...] = ()  # relative pronouns that, after one and a comma, describe a third person
    opening: tuple[str, ...] = ()  # words that, opening a sentence right before one, declare it: "As PO, you…"
    with_reader: tuple[str, ...] = ()  # after one and a verb or two, a colleague working "with you", "avec nous"
    determiners: tuple[str, ...] = ()  # words between a declared cue and the job's name: "a", "notre", "un·e"
    name_ends: tuple[str, ...] = ()  # words that end the job's name after a declared cue: "to", "pour", "qui"
    subject: tuple[str, ...] = ()  # articles that, opening a line or a sentence, introduce the job's name as a subject
    subject_verbs: tuple[str, ...] = ()  # verbs that, right after that name, describe the job: "is", "will", "est"

    @cached_property
    def _pattern(self) -> re.Pattern:
        """The cues as one expression, a cue matching whole words only, starting after an elided
        article or pronoun too ("l'interlocuteur") and ending at an elided "qu'" or "d'": group
        `declared`, `possessive` or `mention` (declared cues first, so that "we are hiring" is one,
        not the mention cue "hiring")."""
        return re.compile(rf"{_CUE_START}(?:(?P<declared>{_alternatives(_elided(self.declared))})|(?P<possessive>"
                          rf"{_alternatives(self.possessive)})|(?P<mention>{_alternatives(_elided(self.before))}))(?:(?<=')|(?![\w']))")

    @cached_property
    def _declared_name(self) -> re.Pattern:
        """A declared cue, a determiner or two, then the job's name: the words up to one of
        `name_ends` or a punctuation mark, in the same line and at most 60 characters."""
        determiners = _alternatives(self.determiners + self.possessive)
        return re.compile(rf"{_CUE_START}(?:{_alternatives(_elided(self.declared))})(?:(?<=')|[ \t]+)"
                          rf"(?:(?:{determiners})(?:(?<=')|[ \t]+)){{0,2}}(?P<name>\w[^\n.,;:()!?]{{0,59}}?)"
                          rf"(?=[ \t]+(?:{_alternatives(self.name_ends)})(?![\w'])|[ \t]*(?:[\n.,;:()!?]|$))")

    @cached_property
    def _subject_name(self) -> re.Pattern | None:
        """One of `subject` opening a line or a sentence, then the job's name (a Markdown link's text
        and target among its words: "The [Login.gov](https://login.gov/) Deputy Director"), then one
        of `subject_verbs`: the posting describing its job in the third person."""
        if not self.subject or not self.subject_verbs:
            return None
        link = r"\[[^\]\n]{1,40}\]\([^)\s]{1,100}\)"
        word = rf"(?:{link}|[^\n.,;:()!?\[\]]|\.(?=\w))"
        subject = _alternatives(tuple(sorted(self.subject, key=len, reverse=True)))  # "le ou la" before "le"
        return re.compile(rf"(?:(?<![^\n])|(?<=[.!?][ \t]))[ \t#*>•-]*(?:{subject})[ \t]+"
                          rf"(?P<name>(?:{link}|\w){word}{{0,80}}?)"
                          rf"[ \t]+(?:{_alternatives(self.subject_verbs)})(?![\w'])")

    def declared_names(self, text: str, holding: re.Pattern) -> list[tuple[int, int]]:
        """Spans of the names a text gives its job, right after a declared cue ("we are looking for a
        Director of Platform to…", "nous recrutons notre directeur·rice de plateforme pour…") or as the
        subject a line or a sentence opens with ("The Deputy Director is…"), that hold a match of
        `holding`. Only the text around `holding`'s matches is searched."""
        folded, spans = fold_in_place(text), []
        for word in holding.finditer(folded):
            start, end = max(0, word.start() - _NAME_REACH), min(len(folded), word.end() + _NAME_REACH)
            found_here = list(self._declared_name.finditer(folded, start, end))
            if self._subject_name is not None:
                found_here += self._subject_name.finditer(folded, start, end)
            for found in found_here:
                span = found.span("name")
                # a name the window cuts is no name; each name once, whichever of its words found it
                if span[0] <= word.start() < span[1] and (span[1] < end or end == len(folded)) and span not in spans:
                    spans.append(span)
        return spans

    def closest_cue(self, text: str, start: int) -> str | None:
        """"declared" or "mention": the kind of the cue that ends nearest before a role name, in its
        line and within `window` characters ("vous serez le bras droit du PO": a mention); None.
        A possessive is a mention, or declared right after a declared cue ("devenez notre PO"); one
        more than a word before the role name is another noun's ("pour notre équipe, un PO"): no cue.
        Another party's cue right before the name is the nearest of all and outranks a declared cue
        further back ("you'll be supported by a Product Owner": a mention); so does a peer's ("share
        insights with other product managers": no cue, the name is the job's role), and a noun's
        genitive ("the team's Product Owner": a mention; "as the squad's PM": declared)."""
        # folded once: folding keeps offsets, so every cue below reads a tail of it
        before = fold_in_place(text[max(0, start - max(CUE_REACH, self.window)):start])
        if self.names_a_peer(before):
            return None
        if self.names_another_party(before):
            return "mention"
        owner = self.owned_by(before)
        if owner is not None:
            return owner
        line_start = text.rfind("\n", 0, start) + 1
        folded = before[len(before) - (start - max(line_start, start - self.window)):]
        if self._opening is not None and self._opening.search(folded):
            return "declared"
        previous = last = None
        for found in self._pattern.finditer(folded):
            if found.lastgroup == "possessive" and len(folded[found.end():].split()) > 1:
                continue
            previous, last = last, found
        if last is None:
            return None
        if last.lastgroup == "possessive":
            declared = previous is not None and previous.lastgroup == "declared" \
                and self._paired_possessive.fullmatch(folded[previous.end():last.start()]) is not None
            return "declared" if declared else "mention"
        return last.lastgroup

    @cached_property
    def _paired_possessive(self) -> re.Pattern:
        """What may stand between a declared cue and the possessive right before a role name: nothing,
        or the possessive's other gender in inclusive writing ("recrute son ou sa Directeur·rice",
        "son/sa", "his or her")."""
        return re.compile(rf"\s*(?:(?:{_alternatives(self.possessive)})\s*(?:ou|or|/)\s*)?")

    @cached_property
    def _group(self) -> re.Pattern | None:
        """A word of `after` right after the role name, but not "team lead" (one who leads the team)."""
        if not self.after:
            return None
        return re.compile(rf"(?:'s)?\s+(?:{_alternatives(self.after)})(?![\w'])(?!\s+lead)")

    def names_a_group(self, text: str, start: int, end: int) -> bool:
        """True when the role name at text[start:end] names a group: "member of the Product Owner
        team", or a department ("la Direction Produit", which the stem of "directeur" meets)."""
        if _first_word(fold_in_place(text[start:end])) in self.departments:
            return True
        return _starts_after(self._group, text, end, 40)

    @cached_property
    def _addressing(self) -> re.Pattern | None:
        return re.compile(rf"[ \t]+(?:{_alternatives(self.addressing)})(?![\w'])") if self.addressing else None

    @cached_property
    def _with_reader(self) -> re.Pattern | None:
        return re.compile(rf"(?:[ \t]+\w+){{1,2}}[ \t]+(?:{_alternatives(self.with_reader)})(?![\w'])") \
            if self.with_reader else None

    def addresses_the_reader(self, text: str, end: int) -> bool:
        """True when the role name ending at `end` is the subject of a clause about the reader ("la
        cheffe de produit vous aidera à choisir", "two product managers work with you", "a product
        manager works with us"): a colleague, since the job's own role is "vous"."""
        return _starts_after(self._addressing, text, end, 12) or _starts_after(self._with_reader, text, end, 40)

    @cached_property
    def _opening(self) -> re.Pattern | None:
        """One of `opening` at the start of a line or a sentence (after markup or a bullet, folded to
        "?"), right before the role name."""
        if not self.opening:
            return None
        return re.compile(rf"(?:^|[.!?:;][ \t]+)[ \t*_#>?-]*(?:{_alternatives(self.opening)})[ \t]+[*_]*$")

    @cached_property
    def _relative(self) -> re.Pattern | None:
        """A comma and a relative pronoun, after the name's closing emphasis or quote (folded: "”" is "?")."""
        if not self.relative:
            return None
        return re.compile(rf"[*_\"?»]*[ \t]*,[ \t]*(?:{_alternatives(self.relative)})(?![\w'])")

    def opens_a_relative_clause(self, text: str, end: int) -> bool:
        """True when the role name ending at `end` is followed by a comma and a relative pronoun ("the
        Product Owner, who decides what is built", "la Product Owner, qui organise le travail"): a third
        person the clause describes, a colleague."""
        return _starts_after(self._relative, text, end, 16)

    @cached_property
    def _other_party(self) -> re.Pattern | None:
        return _right_before(self.other_party, r"[ \t]*(?:<[^<>\n]{1,40}>[ \t]*)?")  # "au <strong>PO"

    def names_another_party(self, before: str) -> bool:
        """True when the role name after `before` (the folded text that ends at it) is what something
        goes to or who does something to the job ("les transmettre au Product Owner", "les priorités
        données par le Product Owner", "set by the Product Manager"): a colleague."""
        return self._other_party is not None and self._other_party.search(before) is not None

    @cached_property
    def _peers(self) -> re.Pattern | None:
        return _right_before(self.peers, r"[ \t]+")

    def names_a_peer(self, before: str) -> bool:
        """True when the role name after `before` (the folded text that ends at it) names the job's
        peers ("coaching other product managers", "avec les autres PO"): the job is one of them."""
        return self._peers is not None and self._peers.search(before) is not None

    @cached_property
    def _genitive(self) -> re.Pattern | None:
        """A noun with a genitive ending, one lower-case word at most after it but no article ("the
        client's own product owner"; "it's a Product Owner role" is no genitive), and a declared cue
        right before its noun phrase, if any ("as the squad's PM")."""
        if not self.genitive:
            return None
        return re.compile(rf"(?:(?<![\w'])(?P<declared>{_alternatives(self.declared)})\s+(?:[\w-]+\s+){{0,2}})?"
                          rf"[\w-]*\w(?:{_alternatives(self.genitive)})[ \t]+"
                          rf"(?:(?!(?:a|an|the|one|our|your|their)[ \t])[a-z]+[ \t]+)?$")

    def owned_by(self, before: str) -> str | None:
        """"mention" when the role name after `before` (the folded text that ends at it) follows a
        noun's genitive ("the team's Product Owner", "the client's own product managers": someone
        else's), "declared" when a declared cue stands before that noun ("as the squad's PM"); None
        without a genitive."""
        if self._genitive is None:
            return None
        found = self._genitive.search(before) if any(ending in before for ending in self.genitive) else None
        if found is None:
            return None
        return "declared" if found.group("declared") else "mention"

    def names_a_discipline(self, text: str, start: int, end: int) -> bool:
        """True when the role name at text[start:end] is spelled as its field ("a studio for product
        management and engineering", "experience in product management"): no job's name, unless a
        capitalised word goes on with the title ("Product Management Supervisor")."""
        words = fold_in_place(text[start:end]).split()
        if not words or words[-1] not in self.disciplines:
            return False
        following = _NEXT_WORD.match(text, end)
        return following is None or not following.group(1)[0].isupper()

    @staticmethod
    def in_list(text: str, start: int, end: int) -> bool:
        """True when the role name is an item of a list of other words after a comma ("researchers,
        designers, developers and product managers"), between two items each after "a" or "une"
        ("four engineers, a product manager and a designer"), or paired with an acronym ("PC et PM"):
        the roles of a team, not the job's."""
        line_start = text.rfind("\n", 0, start) + 1
        since = max(line_start, start - 80)
        if text.find(",", since, start) < 0 and text.find(";", since, start) < 0:
            # the lists of items take a comma or a semicolon before the role name: only a pairing is left
            return _PAIRED_ACRONYM.search(text, since, start) is not None
        return _LIST_BEFORE.search(text, since, start) is not None or (
            _MIDDLE_BEFORE.search(text, since, start) is not None and _MIDDLE_AFTER.match(text, end) is not None)

    @staticmethod
    def heads_a_list(text: str, end: int) -> bool:
        """True when the role name ending at `end` is the first item of a list ("a studio for product
        management, design and software engineering")."""
        return _LIST_AFTER.match(text, end) is not None

    @staticmethod
    def listed_together(text: str, end: int, start: int) -> bool:
        """True when the text between two role names only lists them ("designers, developers and")."""
        return 0 <= start - end <= 12 and _ENUMERATION.fullmatch(text[end:start]) is not None


@dataclass(frozen=True)
class UnnamedRule:
    """The rule that fires on a title or header line naming no product role."""

    id: str
    label: str
    weight: float
    masks: tuple[str, ...] = ()  # marks that stand for a hidden job title ("[MASK]"): such a line names one
    mask_pattern: re.Pattern | None = None  # placeholders of any wording ("[poste]", "{{title}}")
    seniority: frozenset[str] = frozenset()  # words that qualify a job title ("senior", "lead")
    marks: frozenset[str] = frozenset()  # words that go with any title ("H/F", "CDI")
    rank: RankTitles | None = None  # titles that name a leader's rank and no job: a hit of their own, weighing less

    def rank_only(self, line: str) -> bool:
        """Whether the line names a leader's rank and no job ("Director of Platform", "Deputy
        Director", "Directeur·rice de plateforme"); see `RankTitles`."""
        return self.rank is not None and self.rank.holds(line, self.seniority | self.marks)

    def is_masked(self, line: str) -> bool:
        """Whether the line holds a masked job title: our own mark (ROLE_MASK), one of `masks`, a
        placeholder that `mask_pattern` meets, or what deleting a job title leaves (`is_remnant`)."""
        folded = line.casefold()
        return (self._holds_mark(folded)
                or (self.mask_pattern is not None and self.mask_pattern.search(folded) is not None)
                or self.is_remnant(line))

    def is_masked_below(self, line: str) -> bool:
        """Whether a line under a page's header is a masked job title: it holds our mark or one of
        `masks`, or starts with a placeholder followed by more of the title ("[poste] – Paiements").
        Buttons are no placeholders ("Accueil › Offres [Se connecter]", "[ Postuler ]  [ Sauvegarder ]"),
        and wrapped text ends with commas as remnants do."""
        folded = line.casefold()
        if self._holds_mark(folded):
            return True
        folded = folded.lstrip(" \t#>•·")
        return (self.mask_pattern is not None and self.mask_pattern.match(folded) is not None
                and _TITLE_WORD.search(_BRACKETED.sub("", folded)) is not None)

    def _holds_mark(self, folded: str) -> bool:
        """Whether a casefolded line holds our mark (ROLE_MASK) or one of `masks`."""
        return ROLE_MASK in folded or any(mask in folded for mask in self.masks)

    def is_remnant(self, line: str) -> bool:
        """Whether the line is what is left of a title whose job title was deleted: it starts or
        ends with a separator ("HUD Innovation Fellow - ", " – Partenariats"), holds only seniority
        words and marks ("Lead ", " (f/m/x)"), or its first part is only seniority words
        ("Senior  - Partnerships"). No title of the corpus or of the real postings, as written, is one."""
        line = line.strip()
        if not line:
            return False
        if line[0] in _TITLE_SEPARATORS or (line[-1] in _TITLE_SEPARATORS + "(" and not _ACRONYM_END.search(line)):
            return True
        if all(w in self.seniority or w in self.marks for w in _TITLE_WORD.findall(fold_in_place(line))):
            return True
        first = _TITLE_PART.split(line, 1)
        head = _TITLE_WORD.findall(fold_in_place(first[0]))
        return len(first) > 1 and bool(head) and all(w in self.seniority for w in head)


@dataclass(frozen=True)
class RankTitles:
    """Titles that name a leader's rank and no job: "Director of Platform", "Deputy Director GS15",
    "Head of Payments", "Directeur·rice de plateforme", and a rank over digital or online services
    ("Director, Digital Public Services", "Chef·fe du bureau des services en ligne"). They say how
    senior the job is, not what it does; the rule "no product role named" fires on them under an id
    and a weight of their own."""

    id: str
    weight: float
    ranks: tuple[tuple[str, ...], ...]  # a leader's rank, as words ("director", "head of", "vice president")
    trades: frozenset[str]  # words that name a department's trade ("engineering", "finance"): such a title names a job
    filler: frozenset[str]  # words that join the others ("of", "de", "du")
    domain_words: int  # the most words beside those: the domain led ("platform", "payments")
    services: frozenset[str] = frozenset()  # words of the services led ("digital", "online", "services"): no domain word
    service_ranks: tuple[tuple[str, ...], ...] = ()  # ranks that name no job only over services ("chef du bureau")

    @cached_property
    def first_words(self) -> re.Pattern:
        """The first word of a rank or a service rank, in folded text: where a rank title may start."""
        words = sorted({rank[0] for rank in self.ranks + self.service_ranks if rank}, key=len, reverse=True)
        return re.compile(rf"(?<![\w'])(?:{'|'.join(map(re.escape, words))})(?![\w'])")

    def holds(self, line: str, ignored: frozenset[str]) -> bool:
        """Whether the line (a title, or its part after an organisation's name and a colon) holds a
        rank (or a service rank and, beside it, a word of `services`), none of `trades`, and at most
        `domain_words` other words beside `ignored` (seniority, marks), `filler`, `services`,
        organisations' acronyms ("TTS", "SNC") and grades ("GS15", "CS-05")."""
        line = line.rsplit(":", 1)[-1]
        acronyms = {w.casefold() for w in _ACRONYM.findall(line)}
        words = []  # folded as match keys are, inclusive endings dropped ("directeur·rice", "président(e)")
        for word in _TITLE_WORD.findall(" ".join(map(fold, line.split()))):
            words += [word] if word in ignored else [w for w in word.split("/") if w]
        if any(w in self.trades for w in words):
            return False
        # service ranks first: they hold a rank's words ("sous-directeur", "head of service"), which
        # over anything but services name a job ("Sous-directeur·rice des applications")
        over_services = _take(words, self.service_ranks) and any(w in self.services for w in words)
        found = _take(words, self.ranks)  # phrases: "head of" is a rank where "Head Nurse" names a job
        if not (found or over_services):
            return False
        domain = [w for w in words if w and w not in self.filler and w not in self.services and w not in ignored
                  and w not in acronyms and not _GRADE.fullmatch(w)]
        return len(domain) <= self.domain_words


def _take(words: list[str], phrases: tuple[tuple[str, ...], ...]) -> bool:
    """Blank every occurrence of the phrases in `words` (in place); whether any was there."""
    found = False
    for phrase in phrases:
        size = len(phrase)
        for at in range(len(words) - size + 1):
            if tuple(words[at:at + size]) == phrase:
                words[at:at + size] = [""] * size
                found = True
    return found


_NAME_REACH = 120  # characters searched on each side of a rank's word for the name a declared cue gives
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,4}\b")  # an organisation's acronym: "TTS", "SNC", "CDS"
_GRADE = re.compile(r"[a-z]{1,3}-?\d{1,2}")  # a civil-service grade: "GS15", "CS-05"
_NEXT_WORD = re.compile(r"[ \t]+(\w+)")  # the word right after, on the same line
_PLURAL = re.compile(r"[sx](?!\w)")  # the plural ending of a heading's last word: "your tasks", "tes responsabilites"
_TITLE_SEPARATORS = "-–—/:|,&+"
_TITLE_PART = re.compile(r"\s+[-–—|]\s+|\s*:\s+")  # between the parts of a title ("Senior - Partnerships")
_TITLE_WORD = re.compile(r"\w[\w/]*")
_BRACKETED = re.compile(r"\[[^\]\n]*\]")
_ACRONYM_END = re.compile(r"-\s*[\w.]+\s*-$")  # ROME's way of ending a title with its acronym: "… -PGC-"


def compile_expressions(value, where: str, name: str, flags: int = 0) -> re.Pattern | None:
    """A list of regular expressions from a rule file (`name` at `where`) as one alternation, None
    when empty; RulesError when it is not a list of expressions or one does not compile."""
    if not isinstance(value, list) or not all(isinstance(p, str) and p for p in value):
        raise RulesError(f"{where}: '{name}' must be a list of regular expressions")
    try:
        return re.compile("|".join(f"(?:{p})" for p in value), flags) if value else None
    except re.error as error:
        raise RulesError(f"{where}: '{name}': {error}") from None


def load_unnamed_rule(data: dict, path: Path) -> UnnamedRule:
    entry = data.get("unnamed", {})
    refuse_unknown_keys(entry, {"id", "label", "weight", "source", "masks", "mask_patterns", "seniority", "marks", "rank"},
                         f"{path}: [unnamed]")
    weight = entry.get("weight")
    if not isinstance(entry.get("id"), str) or not isinstance(entry.get("label"), str) or \
            isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 < weight <= 10:
        raise RulesError(f"{path}: [unnamed] needs an 'id', a 'label' and a 'weight' above 0 and at most 10")
    masks = entry.get("masks", [])
    if not _phrases(masks):
        raise RulesError(f"{path}: [unnamed] 'masks' must be a list of non-empty strings")
    pattern = compile_expressions(entry.get("mask_patterns", []), f"{path}: [unnamed]", "mask_patterns")
    words = [entry.get(name, []) for name in ("seniority", "marks")]
    if not all(map(_phrases, words)):
        raise RulesError(f"{path}: [unnamed] 'seniority' and 'marks' must be lists of words")
    seniority, marks = (frozenset(fold_in_place(x).strip() for x in w) for w in words)
    return UnnamedRule(entry["id"], entry["label"], float(weight), tuple(m.casefold() for m in masks), pattern,
                       seniority, marks, load_rank_titles(entry.get("rank"), path))


def load_rank_titles(entry: dict | None, path: Path) -> RankTitles | None:
    """The `[unnamed.rank]` table of a `sections.toml`, None when it has none."""
    if entry is None:
        return None
    where = f"{path}: [unnamed.rank]"
    refuse_unknown_keys(entry, {"id", "weight", "source", "domain_words", "ranks", "trades", "filler", "services",
                                "service_ranks"}, where)
    weight, most = entry.get("weight"), entry.get("domain_words")
    if not isinstance(entry.get("id"), str) or isinstance(weight, bool) or not isinstance(weight, (int, float)) \
            or not 0 <= weight <= 10 or isinstance(most, bool) or not isinstance(most, int) or most < 0:
        raise RulesError(f"{where} needs an 'id', a 'weight' from 0 to 10, and 'domain_words' (0 or more)")
    lists = [entry.get(name, []) for name in ("ranks", "service_ranks", "trades", "filler", "services")]
    if not all(map(_phrases, lists)) or not lists[0]:
        raise RulesError(f"{where}: 'ranks' (not empty), 'service_ranks', 'trades', 'filler' and 'services' must be "
                         "lists of words")
    ranks, service_ranks = (tuple(tuple(_TITLE_WORD.findall(fold_in_place(x))) for x in w) for w in lists[:2])
    trades, filler, services = (frozenset(fold_in_place(x).strip() for x in w) for w in lists[2:])
    return RankTitles(entry["id"], float(weight), ranks, trades, filler, most, services, service_ranks)


def load_mention_cues(data: dict, path: Path) -> MentionCues:
    entry = data.get("mentions", {})
    names = ("declared", "before", "after", "possessive", "departments", "disciplines", "addressing", "other_party",
             "peers", "genitive", "relative", "opening", "with_reader", "determiners", "name_ends", "subject",
             "subject_verbs")
    refuse_unknown_keys(entry, {*names, "window", "source"}, f"{path}: [mentions]")
    lists = [entry.get(name, []) for name in names]
    window = entry.get("window", 40)
    if not all(map(_phrases, lists)) or \
            isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise RulesError(f"{path}: [mentions] needs 'declared' and 'before' (lists of words), 'window' "
                         f"(a positive number) and may have {', '.join(map(repr, names[2:]))} (lists of words)")
    (declared, before, after, possessive, departments, disciplines, addressing, other_party, peers, genitive, relative,
     opening, with_reader, determiners, name_ends, subject, subject_verbs) = (
        tuple(_SPACES.sub(" ", fold_in_place(s)).strip() for s in v) for v in lists)
    return MentionCues(declared, before, window, after, possessive, departments, disciplines, addressing,
                       other_party, peers, genitive, relative, opening, with_reader, determiners, name_ends,
                       subject, subject_verbs)


def load_title_fields(data: dict, path: Path) -> tuple[str, ...]:
    """The `[header]` fields of a parsed `sections.toml`, folded: names of a field that holds the job title."""
    entry = data.get("header", {})
    refuse_unknown_keys(entry, {"fields", "source"}, f"{path}: [header]")
    fields = entry.get("fields", [])
    if not _phrases(fields):
        raise RulesError(f"{path}: [header] 'fields' must be a list of words")
    return tuple(sorted({_folded(f) for f in fields}, key=len, reverse=True))


def _looks_like_heading(line: str, words: int) -> bool:
    """A heading whose words are no cue ("## About project?") ends the section before it."""
    stripped = line.strip()
    return (stripped.startswith("#") or (stripped.startswith("**") and stripped.endswith("**"))
            or (words <= HEADING_WORDS and stripped.endswith((":", "?"))))


def _first_word(folded: str) -> str:
    return _WORD_END.split(folded, 1)[0]


def _looks_like_title(line: str, words: int) -> bool:
    """A short line of words that is no sentence, no list item, no link, no markup (nor a template
    tag, "{% if … %}", as career sites' page sources hold): a job title at the top of a text."""
    stripped = line.strip()
    letters = sum(c.isalpha() for c in stripped)
    return (words <= HEADER_WORDS and letters >= len(stripped) / 2 and not stripped.endswith((":", ".", "!", "?"))
            and not stripped.startswith(("-", "•", "*", "[")) and "](" not in stripped
            and "{%" not in stripped and "{{" not in stripped)


class Sectioner:
    """Splits texts into sections with the cues of a `sections.toml`."""

    def __init__(self, cues: list[SectionCues], mentions: MentionCues, unnamed: UnnamedRule,
                 title_fields: tuple[str, ...] = ()):
        self.cues = cues
        self.mentions = mentions
        self.unnamed = unnamed
        # "Poste : Chef de secteur H/F" at the top of a text: a field that holds the job title
        self._title_field = re.compile(rf"[\W_]*(?:{_alternatives(title_fields)})\s*:\s*")
        self.boilerplate = frozenset(c.kind for c in cues if c.boilerplate)
        self._ended_by_bare_headings = frozenset(c.kind for c in cues if c.ends_at_bare_heading)
        # by first word, longest heading first, so that "profil recherche" wins over "profil"; with the
        # pattern of the words that may stand before its colon
        self._headings: dict[str, list[tuple[str, str, re.Pattern]]] = {}
        for heading, kind, before in sorted(((h, c.kind, c.words_before_colon) for c in cues for h in c.headings),
                                            key=lambda p: -len(p[0])):
            # the heading's closing bold or italic marks may stand before the words and the colon
            # ("**Ils recrutent aussi** : Product Manager · …")
            colon = re.compile(rf"[*_]*(?:[ \t]+[^\s:]+){{0,{before}}}[ \t?!*_]*:")
            self._headings.setdefault(_first_word(heading), []).append((heading, kind, colon))
        self._lines = {phrase: (c.kind, c.line_words or NO_LIMIT) for c in reversed(cues) for phrase in c.lines}
        self._short = {line: c.kind for c in cues for line in c.short_lines}

    @classmethod
    def load(cls, directory: Path, fallback: Path) -> "Sectioner":
        """The cues of a rules directory, or those of `fallback` (the shipped rules) when it has none."""
        path = directory / SECTIONS_FILE
        path = path if path.is_file() else fallback / SECTIONS_FILE
        data = read_cues_file(path)
        return cls(load_section_cues(data, path), load_mention_cues(data, path), load_unnamed_rule(data, path),
                   load_title_fields(data, path))

    def _heading(self, folded: str, words: int) -> str | None:
        for heading, kind, colon in self._headings.get(_first_word(folded), ()):
            if folded.startswith(heading):
                rest = folded[len(heading):]
                if rest[:1].isalnum() and not _PLURAL.match(rest):  # "missionnaire" is not "mission"; "missions" is
                    continue
                if words <= HEADING_WORDS or colon.match(rest):
                    return kind
        return None

    def _menu(self, folded: str) -> str | None:
        """The kind of a short line that is one of `short_lines` ("Postuler", "← Back to all jobs": the
        marks around it aside), or a menu of several separated by "|", "/", "»"… ("Home | Jobs |
        Contact"); None for any other line."""
        line = folded.strip(" .!?")
        if line in self._short:
            return self._short[line]
        if _MENU_MARK(line) is None:
            return None
        items = [item for item in _MENU_SEPARATOR.split(line) if item]
        if len(items) >= 2 and all(item in self._short for item in items):
            return self._short[items[0]]
        return None

    def _cued_lines(self, folded_text: str, starts: list[int]) -> dict[int, list[tuple[str, int]]]:
        """Per line start (of `starts`, in order), the (kind, most words) of the `lines` cues found in that line."""
        found: dict[int, list[tuple[str, int]]] = {}
        for cue, kind in self._lines.items():  # str.find per cue: faster than one regular expression of them all
            at = folded_text.find(cue)
            while at >= 0:
                index = bisect.bisect_right(starts, at) - 1
                found.setdefault(starts[index], []).append(kind)
                if index + 1 >= len(starts):
                    break
                at = folded_text.find(cue, starts[index + 1])
        return found

    @staticmethod
    def _lines_of(text: str) -> list[tuple[str, int, bool]]:
        """(line, start, whether it is a whole line) of each line, a line longer than LONG_LINE cut
        at its sentence ends and before its bullets."""
        lines: list[tuple[str, int, bool]] = []
        at = 0
        for line in text.split("\n"):
            if len(line) <= LONG_LINE:
                lines.append((line, at, True))
            else:
                cuts = [0] + [m.end() for m in _SENTENCE_BREAK.finditer(line)] + [len(line)]
                lines += [(line[a:b], at + a, False) for a, b in zip(cuts, cuts[1:]) if b > a]
            at += len(line) + 1
        return lines

    @staticmethod
    def _list_after(lines: list[tuple[str, int, bool]], number: int) -> bool:
        """Whether the first line after line `number` that is not blank is a list item of ITEM_WORDS
        words or more."""
        for following in range(number + 1, len(lines)):
            line = lines[following][0]
            if line.strip():
                item = _BULLET.match(line)
                return item is not None and len(line[item.end():].split()) >= ITEM_WORDS
        return False

    def sections(self, text: str) -> "Sections":
        """Each line's section kind, as a `Sections` that answers for any offset. A line is read whole
        only when it is short (a heading, a menu item, a title), else by its first HEAD_CHARS
        characters; a sentence of a long line opens a section of the posting only with a heading
        and a colon ("Profil : …"). The `lines` cues are found in the whole text, folded once."""
        folded_text = fold_in_place(text)
        lines = self._lines_of(text)
        cued = self._cued_lines(folded_text, [start for _, start, _ in lines])
        starts: list[int] = []
        kinds: list[str] = []
        current, header_seen, header_start = POSTING, False, None
        for number, (line, at, whole) in enumerate(lines):
            end = at + len(line)
            kind = current
            if line and not line.isspace():
                short = whole and len(line) <= HEAD_CHARS
                parts = folded_text[at:end if short else at + HEAD_CHARS].split()
                words = len(parts) if short else NO_LIMIT
                folded = " ".join(parts).strip(_MARKUP)
                heading = self._heading(folded, words) or (
                    POSTING if whole and (_looks_like_heading(line, words) or (
                        current in self._ended_by_bare_headings and words <= HEADING_WORDS
                        and _looks_like_title(line, words) and self._list_after(lines, number))) else None)
                cue = (self._menu(folded) if short else None) or (_line_cue(cued[at], line) if at in cued else None)
                if heading in self.boilerplate and not whole:  # no end in sight on a line without breaks
                    heading = None
                if cue and heading != cue:  # a breadcrumb ("Open positions › Direction › …") names the site's parts
                    heading = None
                if heading in self.boilerplate and _FIELD.match(folded):
                    kind = heading  # "Salary: $97,240 – $126,510": a field of the page's header, not a section
                elif heading:
                    current = kind = heading
                if cue:
                    kind = cue
                if not header_seen and (heading or kind not in self.boilerplate):
                    field = self._title_field.match(folded_text, at, end) if short else None
                    value = text[field.end():end].split() if field else []
                    header_seen = not field or bool(value)  # "Poste :" alone: the title is on the next line
                    if value and _looks_like_title(" ".join(value), len(value)):
                        current, kind, header_start = POSTING, HEADER, field.end()
                    elif not heading and short and _looks_like_title(line, words):
                        kind = HEADER
            if not kinds or kinds[-1] != kind:
                starts.append(at)
                kinds.append(kind)
        found = Sections(starts, kinds, self.boilerplate, header_start)
        found.top_headings = _top_headings(text, found)
        return found


def _line_cue(cues: list[tuple[str, int]], line: str) -> str | None:
    """The kind of the first of a line's `lines` cues (kind, most words) whose bound the line keeps."""
    return next((kind for kind, most in cues if most == NO_LIMIT or len(line.split()) <= most), None)


def _top_headings(text: str, sections: "Sections") -> tuple[tuple[int, int], ...]:
    """Where the page's title headings stand: its first level-one Markdown heading ("# …"), and the
    headings of level one to three above its first sentence, among its first TOP_LINES lines (a
    saved page's site name, then the job's title). A sentence is a line of more than HEADER_WORDS
    words or one that ends like a sentence, out of boilerplate (a cookie banner above the title is
    none)."""
    if "#" not in text:
        return ()
    found: list[tuple[int, int]] = []
    at, read = 0, 0
    while at < len(text) and read < TOP_LINES:
        end = text.find("\n", at)
        end = len(text) if end < 0 else end
        line = text[at:end]
        read += not line.isspace() and line != ""
        if _TOP_HEADING.match(line):
            found.append((at, end))
        elif (len(line.split()) > HEADER_WORDS or line.rstrip().endswith((".", "!", "?"))) \
                and sections.at(at) not in sections.boilerplate:
            break
        at = end + 1
    first = _first_level_one_heading(text)
    if first and first not in found:
        found.append(first)
    return tuple(found)


def _first_level_one_heading(text: str) -> tuple[int, int] | None:
    """Where the text's first "# …" line stands (str.find: a multi-line regular expression is slower).
    Only the spaces before a "# " are read back, so that a line of many "# " stays linear."""
    at = text.find("# ")
    while at >= 0:
        start = at
        while start and text[start - 1] in " \t":
            start -= 1
        if not start or text[start - 1] == "\n":
            end = text.find("\n", at)
            end = len(text) if end < 0 else end
            if text[at + 2:end].strip():
                return start, end
        at = text.find("# ", at + 2)
    return None


def _line_span(text: str, start: int) -> tuple[int, int]:
    """Where the line that begins at `start` stands in `text`, without its spaces (an empty span for
    a blank line)."""
    end = text.find("\n", start)
    line = text[start:end if end >= 0 else len(text)]
    stripped = line.strip()
    begin = start + len(line) - len(line.lstrip()) if stripped else start
    return begin, begin + len(stripped)


@dataclass
class Sections:
    """The sections of one text: where each begins, its kind, and which kinds are boilerplate."""

    starts: list[int]
    kinds: list[str]
    boilerplate: frozenset[str]
    header_start: int | None = None  # where the title begins on a header line that names its field ("Poste : …")
    top_headings: tuple[tuple[int, int], ...] = ()  # the page's title headings (see `_top_headings`)

    def at(self, offset: int) -> str:
        return self.kinds[bisect.bisect_right(self.starts, offset) - 1] if self.kinds else POSTING

    def header(self, text: str) -> tuple[int, int] | None:
        """Where the header line stands in `text` (without its spaces), if the text has one."""
        if HEADER not in self.kinds:
            return None
        return _line_span(text, self.header_start if self.header_start is not None
                          else self.starts[self.kinds.index(HEADER)])

    def top(self, text: str) -> list[tuple[int, int]]:
        """The header line and the short lines right under it (of the TOP_LINES lines read, up to the
        first heading, list, sentence or line of wrapped text; cookie banners and menus are passed
        over): where a saved page shows the job's title after the site's name, its menus and breadcrumb."""
        header = self.header(text)
        if header is None:
            return []
        found = [header]
        at, read = text.find("\n", header[1]), 0
        while at >= 0 and read < TOP_LINES:
            begin, end = _line_span(text, at + 1)
            line = text[begin:end]
            words = len(line.split())
            read += words > 0
            if words and self.at(at + 1) in self.boilerplate:
                pass  # a cookie banner or a menu between the site's name and the title
            elif words and (words > HEADER_WORDS or _looks_like_heading(line, words) or line[0].islower()
                            or line.startswith(("-", "•", "*")) or line.endswith((".", "!", "?", ",", ";"))):
                break  # a heading, a list, a sentence or wrapped text: the posting has begun
            elif words:
                found.append((begin, end))
            at = text.find("\n", at + 1)
        return found

    def boilerplate_mask(self, starts: list[int]) -> np.ndarray:
        """Which of the tokens starting at `starts` sit in boilerplate."""
        flags = np.array([kind in self.boilerplate for kind in self.kinds] or [False])
        return flags[np.searchsorted(self.starts, starts, side="right") - 1] if self.kinds else np.zeros(len(starts), bool)
