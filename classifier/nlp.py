"""French (and English) analysis with spaCy: tokens, lookup lemmas and match keys.

The tokenizer is spaCy's French tokenizer (prefix, suffix and infix rules, elisions, special
cases) without its list of hyphenated compounds, whose 1.4 MB regular expression costs two seconds
to compile at every start, with two more suffix rules (a full stop after Markdown emphasis and the
English possessive "'s") and one more infix (the "](" between a Markdown link's text and its
address). Lemmas come from spaCy's lookup tables (`spacy-lookups-data`), French first, then English.
Both are stored in each model directory, built once by `Analyzer.build()`, so a start costs
milliseconds and nothing is downloaded. Each token's match key (see `keys`) is
computed once per word, and each text carries its keys as numbers into a table of keys, which
the rule matcher and the model's terms map with NumPy arrays (`KeyCodes`) instead of looking
each token up in a dictionary.
"""
from __future__ import annotations

import gzip
import json
import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from spacy.attrs import IDX, LENGTH, SPACY
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.vocab import Vocab

from .keys import carries_meaning, key_of, visible

TOKENIZER_FILE = "tokenizer.bin"
LEMMAS_FILE = "lemmas.tsv.gz"  # "form<TAB>lemma" lines: loads twice as fast as JSON
LINE_BREAK = "\n"  # the key of spaces holding a blank line: phrases do not run across paragraphs
# spaCy's tokenizer takes time quadratic in the length of a run without spaces made of its
# prefixes and suffixes (16,000 "?" take 17 s): such runs are tokenized in bounded pieces
LONGEST_RUN = 100
RUN_PIECE = 64
_LONG_RUN = re.compile(r"\S{%d,}" % LONGEST_RUN)
_WORD_CHARACTER = re.compile(r"\w")
# the typographic apostrophes of word processors and web pages ("l’équipe", "d’acceptation") as
# the lemma table writes them: "l’" is then "le", a function word, not a content word of its own
_APOSTROPHES = str.maketrans("’", "'")
# The text is read with a few characters read as others, one for one, so that offsets index it:
# - the Unicode hyphen and the non-breaking hyphen of word processors ("Product‑Owner", "e‑commerce")
#   as "-": the tokenizer splits words at it, and it is a joiner, as in "Product-Owner";
# - full-width Latin letters and digits ("ＰＯ") as the Latin ones, as Unicode's NFKC reads them;
# - Cyrillic and Greek letters drawn like Latin ones, in a word that also holds a Latin letter
#   ("Product Оwner" with a Cyrillic О, pasted from a page that had one or typed to slip past a
#   filter), as the Latin letter; a word all in Cyrillic or Greek ("Москва") stays as written.
_HYPHENS_AND_FULL_WIDTH = str.maketrans({"\u2010": "-", "\u2011": "-", **{
    code: code - 0xFEE0 for code in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))}})
_LOOK_ALIKE_LETTERS = "АВЕКМНОРСТХЅІЈаеорсхуѕіјԁһԛԝΑΒΕΖΗΙΚΜΝΟΡΤΥΧοιν"
_LOOK_ALIKES = str.maketrans(_LOOK_ALIKE_LETTERS, "ABEKMHOPCTXSIJaeopcxysijdhqwABEZHIKMNOPTYXoiv")
_READ_AS_OTHERS = re.compile(f"[\u2010\u2011\uff10-\uff19\uff21-\uff3a\uff41-\uff5a{_LOOK_ALIKE_LETTERS}]")
# from a word's start only (\b): tried from inside a long word, the pattern would read the rest of
# it again at each letter, in time quadratic in its length
_WORD_WITH_LOOK_ALIKES = re.compile(f"\\b[^\\W_]*[{_LOOK_ALIKE_LETTERS}][^\\W_]*")
_LATIN_LETTER = re.compile("[A-Za-z\u00c0-\u024f]")
# an inclusive ending after a hyphen, which the tokenizer makes a word of its own ("chef-fe",
# "directeur-trice"): it gets the key of spaces, so that "chef-fe de produit" meets "chef de produit"
_HYPHENATED_ENDING = re.compile(r"(?<=[^\W\d_])-(?:fe|trice|rice|euse|se|e|es|ne|ère|ere|le|lle)(?![\w-])", re.IGNORECASE)
# a web address, bare or a Markdown link's ("[Voir l'offre](/emploi/product-owner-h-f)"): its tokens
# get the key of spaces, so that no phrase meets the words of an address (and `analysis` reads a
# declared rank title without it: "The [Login.gov](https://login.gov/) Deputy Director")
# (an address holds no bracket: a run of "](" is scanned once, not to its end from each "](")
WEB_ADDRESS = re.compile(r"\]\([^()\[\]\s]*\)|\bhttps?://[^\s)\]>\"']+", re.IGNORECASE)


class KeyTable:
    """The match keys met since the vocabulary was last renewed, numbered in order of first sight
    (0 is the empty key of spaces): texts carry their keys as arrays of these numbers."""

    def __init__(self):
        self.keys: list[str] = [""]
        self.numbers: dict[str, int] = {"": 0}

    def number(self, key: str) -> int:
        found = self.numbers.get(key)
        if found is None:
            found = self.numbers[key] = len(self.keys)
            self.keys.append(key)
        return found


class CodeOf:
    """A key's code in a mapping, `default` for the keys it lacks: a `KeyCodes` function that
    pickles, as a lambda would not."""

    def __init__(self, codes: dict[str, int], default: int):
        self.codes = codes
        self.default = default

    def __call__(self, key: str) -> int:
        return self.codes.get(key, self.default)


class KeyCodes:
    """A function of keys (a rule's code, a model column, whether a key carries meaning) as an
    array indexed by key number, so that `codes.of(tokens.table)[tokens.numbers]` codes a whole text
    in one NumPy step. The array follows its table as it grows, computing only the new keys' codes;
    concurrent callers may both extend it, with the same values."""

    def __init__(self, code_of: Callable[[str], int], dtype=np.int64):
        self.code_of = code_of
        self.dtype = dtype
        self._state: tuple[KeyTable | None, np.ndarray, int] = (None, np.zeros(0, dtype), 0)

    def of(self, table: KeyTable) -> np.ndarray:
        known, array, filled = self._state
        if known is not table:
            array, filled = np.zeros(0, self.dtype), 0
        size = len(table.keys)
        if filled < size:
            if size > len(array):
                array = np.concatenate([array[:filled], np.zeros(2 * size - filled, self.dtype)])
            array[filled:size] = np.fromiter(map(self.code_of, table.keys[filled:size]), self.dtype, size - filled)
            self._state = (table, array, size)
        return array

    def of_texts(self, texts: list[Tokens], content: bool = False) -> tuple[np.ndarray, list[int]]:
        """The codes of several texts' tokens (only their content words with `content=True`) end to
        end, and how many each text has: one NumPy step for texts sharing a key table."""
        if not texts:
            return np.zeros(0, self.dtype), []
        numbers = [t.numbers[t.content] if content else t.numbers for t in texts]
        codes, start = [], 0
        for end in [i for i in range(1, len(texts)) if texts[i].table is not texts[i - 1].table] + [len(texts)]:
            codes.append(self.of(texts[start].table)[np.concatenate(numbers[start:end])])
            start = end
        return (np.concatenate(codes) if len(codes) > 1 else codes[0]), [len(n) for n in numbers]


@dataclass
class Tokens:
    """A text's tokens as the product uses them: the spaCy Doc, and per token its match key (as a
    number in `table`), character offsets and whether it carries meaning (`keys.carries_meaning`)."""

    text: str
    doc: Doc
    numbers: np.ndarray
    starts: list[int]
    ends: list[int]
    content: np.ndarray  # bool
    table: KeyTable

    @property
    def keys(self) -> list[str]:
        keys = self.table.keys
        return [keys[n] for n in self.numbers.tolist()]

    def content_keys(self) -> list[str]:
        """The keys of the content words, in order."""
        keys = self.table.keys
        return [keys[n] for n in self.numbers[self.content].tolist()]


class Analyzer:
    """Text -> Tokens: spaCy's tokenizer, then one pass giving each token its match key. Not
    thread-safe (`analysis.PostingAnalyzer` holds a lock around it)."""

    def __init__(self, tokenizer_bytes: bytes, lemmas: dict[str, str]):
        self.tokenizer_bytes = tokenizer_bytes
        self.lemmas = lemmas
        self._numbers: dict[str, int] = {}  # word -> its key's number
        self._meaning = KeyCodes(carries_meaning, bool)
        self.table = KeyTable()
        self.vocab, self.tokenizer = self._new_tokenizer()

    def __reduce__(self):
        """Pickled as what it is built from: the unpickled one starts on a fresh vocabulary."""
        return type(self), (self.tokenizer_bytes, self.lemmas)

    def _new_tokenizer(self) -> tuple[Vocab, Tokenizer]:
        vocab = Vocab()
        return vocab, Tokenizer(vocab).from_bytes(self.tokenizer_bytes)

    def renew_vocab(self) -> Vocab:
        """Start a fresh vocabulary and key table, so that long runs do not grow memory with every
        new word (texts analysed before keep theirs)."""
        self.vocab, self.tokenizer = self._new_tokenizer()
        self._numbers.clear()
        self.table = KeyTable()
        return self.vocab

    def key(self, word: str) -> str:
        """The match key of a word: its lemma (lookup table), folded and stemmed; for spaces, a
        line break when they hold a blank line, else nothing: a phrase runs on across the end of a
        line where a text was wrapped ("les récits\nutilisateurs")."""
        if word.isspace():
            return LINE_BREAK if word.count("\n") > 1 else ""
        lower = visible(word).lower().translate(_APOSTROPHES)
        return key_of(self.lemmas.get(lower, lower))

    def _number(self, word: str) -> int:
        found = self._numbers.get(word)
        if found is None:
            found = self.table.number(self.key(word))
            if len(self._numbers) > 300_000:
                self._numbers.clear()
            self._numbers[word] = found
        return found

    def tokenize(self, text: str) -> Doc:
        """spaCy's tokens of the text, in time linear in its length: a run of more than
        LONGEST_RUN characters without a space is cut into pieces of RUN_PIECE characters, each
        tokenized alone, or taken as one token when it is mostly punctuation or symbols (which
        spaCy would make one token per character); the Doc is the same text, so token offsets
        index it."""
        if _LONG_RUN.search(text) is None:
            return self.tokenizer(text)
        words: list[str] = []
        spaces: list[bool] = []
        for piece in _bounded_pieces(text):
            if len(piece) == RUN_PIECE and len(_WORD_CHARACTER.findall(piece)) * 2 < RUN_PIECE:
                words.append(piece)  # a piece of a run of mostly punctuation or symbols: one token
                spaces.append(False)
                continue
            # arrays, not Token objects: no work for the garbage collector
            starts, lengths, spaced = self.tokenizer(piece).to_array([IDX, LENGTH, SPACY]).T.tolist()
            words += [piece[start:start + length] for start, length in zip(starts, lengths)]
            spaces += map(bool, spaced)
        return Doc(self.vocab, words=words, spaces=spaces)

    def __call__(self, text: str) -> Tokens:
        read = as_read(text)  # the same length: offsets index `text`
        doc = self.tokenize(read)
        if not len(doc):
            return Tokens(text, doc, np.zeros(0, np.int64), [], [], np.zeros(0, bool), self.table)
        starts, lengths = doc.to_array([IDX, LENGTH]).T.tolist()
        ends = [s + n for s, n in zip(starts, lengths)]
        known, number = self._numbers.get, self._number
        numbers = np.array([known(w) or number(w) for w in map(read.__getitem__, map(slice, starts, ends))])
        if "-" in read:
            for ending in _HYPHENATED_ENDING.finditer(read):
                at = bisect_left(starts, ending.start() + 1)
                if at < len(starts) and starts[at] == ending.start() + 1:
                    numbers[at] = 0
        if "](" in text or "://" in text:
            for address in WEB_ADDRESS.finditer(text):
                numbers[bisect_left(starts, address.start()):bisect_left(starts, address.end())] = 0
        return Tokens(text, doc, numbers, starts, ends, self._meaning.of(self.table)[numbers], self.table)

    # -- building and storing ------------------------------------------------------------
    @classmethod
    def build(cls) -> "Analyzer":
        """From spaCy's French language data and spacy-lookups-data (slow: about 4 s)."""
        import spacy
        import spacy_lookups_data

        french = spacy.blank("fr")
        # a full stop after Markdown emphasis ("un **Product Owner**.") is a suffix of its own, as it
        # is after a letter, and so is the English possessive ("the Product Owner's backlog"): the
        # French rules leave "Owner**." and "Owner's" one token, which no phrase meets
        suffixes = [*french.Defaults.suffixes, r"(?<=[*_])\.", r"(?<=\w)['’][sS]"]
        french.tokenizer.suffix_search = spacy.util.compile_suffix_regex(suffixes).search
        # a Markdown link's "](" ends its text: "[Product Owner](https://…)" was "Owner](https://…"
        infixes = [*french.Defaults.infixes, r"(?<=\w)\]\((?=\S)"]
        french.tokenizer.infix_finditer = spacy.util.compile_infix_regex(infixes).finditer
        tokenizer_bytes = french.tokenizer.to_bytes(exclude=["token_match"])
        tables = Path(spacy_lookups_data.__file__).parent / "data"
        lemmas: dict[str, str] = {}
        for lang in ("en", "fr"):  # French last: it wins where both tables know a form
            table = json.loads(gzip.decompress((tables / f"{lang}_lemma_lookup.json.gz").read_bytes()))
            for form, lemma in table.items():
                if isinstance(lemma, list):
                    lemma = lemma[0]
                if form.islower() and not {"\t", "\n"} & set(form + lemma) and key_of(lemma.lower()) != key_of(form):
                    lemmas[form] = lemma.lower()
        return cls(tokenizer_bytes, lemmas)

    def save(self, directory: Path) -> None:
        (directory / TOKENIZER_FILE).write_bytes(self.tokenizer_bytes)
        payload = "\n".join(f"{form}\t{lemma}" for form, lemma in sorted(self.lemmas.items())).encode("utf-8")
        (directory / LEMMAS_FILE).write_bytes(gzip.compress(payload, mtime=0))

    @classmethod
    def load(cls, directory: Path) -> "Analyzer":
        tokenizer_bytes = (directory / TOKENIZER_FILE).read_bytes()
        parts = gzip.decompress((directory / LEMMAS_FILE).read_bytes()).decode("utf-8").replace("\t", "\n").split("\n")
        return cls(tokenizer_bytes, dict(zip(parts[::2], parts[1::2])))


def as_read(text: str) -> str:
    """The text with its hyphens, full-width letters and look-alike letters read as the tokenizer
    and the rules should see them, one character for one."""
    if _READ_AS_OTHERS.search(text) is None:
        return text
    text = text.translate(_HYPHENS_AND_FULL_WIDTH)
    return _WORD_WITH_LOOK_ALIKES.sub(
        lambda word: word[0].translate(_LOOK_ALIKES) if _LATIN_LETTER.search(word[0]) else word[0], text)


def _bounded_pieces(text: str):
    """The text cut in consecutive pieces: the stretches between long runs without spaces, and
    each long run in pieces of RUN_PIECE characters."""
    at = 0
    for run in _LONG_RUN.finditer(text):
        if run.start() > at:
            yield text[at:run.start()]
        yield from (text[i:min(i + RUN_PIECE, run.end())] for i in range(run.start(), run.end(), RUN_PIECE))
        at = run.end()
    if at < len(text):
        yield text[at:]
