"""French (and English) analysis with spaCy: tokens, lookup lemmas and match keys.

The tokenizer is spaCy's French tokenizer (prefix, suffix and infix rules, elisions, special
cases) without its list of hyphenated compounds, whose 1.4 MB regular expression costs two seconds
to compile at every start. Lemmas come from spaCy's lookup tables (`spacy-lookups-data`), French
first, then English. Both are stored in each model directory, built once by `Analyzer.build()`,
so a start costs milliseconds and nothing is downloaded. Each token's match key (see `keys`) is
computed once, in one pass over the Doc's offsets, for the rule matcher and the model's terms.
"""
from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path

from spacy.attrs import IDX, LENGTH
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.vocab import Vocab

from .keys import carries_meaning, key_of

TOKENIZER_FILE = "tokenizer.bin"
LEMMAS_FILE = "lemmas.tsv.gz"  # "form<TAB>lemma" lines: loads twice as fast as JSON
LINE_BREAK = "\n"  # the key of spaces holding a line break: phrases do not run across lines


@dataclass
class Tokens:
    """A text's tokens as the product uses them: the spaCy Doc, and per token its match key,
    character offsets and whether it carries meaning (see `keys.carries_meaning`)."""

    text: str
    doc: Doc
    keys: list[str]
    starts: list[int]
    ends: list[int]
    content: list[bool]


class Analyzer:
    """Text -> Tokens: spaCy's tokenizer, then one pass giving each token its match key."""

    def __init__(self, tokenizer_bytes: bytes, lemmas: dict[str, str]):
        self.tokenizer_bytes = tokenizer_bytes
        self.lemmas = lemmas
        self._keys: dict[str, str] = {}
        self.vocab, self.tokenizer = self._new_tokenizer()

    def _new_tokenizer(self) -> tuple[Vocab, Tokenizer]:
        vocab = Vocab()
        return vocab, Tokenizer(vocab).from_bytes(self.tokenizer_bytes)

    def renew_vocab(self) -> Vocab:
        """Start a fresh vocabulary, so that long runs do not grow memory with every new word."""
        self.vocab, self.tokenizer = self._new_tokenizer()
        self._keys.clear()
        return self.vocab

    def key(self, word: str) -> str:
        """The match key of a word: its lemma (lookup table), folded and stemmed; for spaces, a
        line break or nothing."""
        found = self._keys.get(word)
        if found is None:
            if word.isspace():
                found = LINE_BREAK if "\n" in word else ""
            else:
                lower = word.lower()
                found = key_of(self.lemmas.get(lower, lower))
            if len(self._keys) > 300_000:
                self._keys.clear()
            self._keys[word] = found
        return found

    def __call__(self, text: str) -> Tokens:
        doc = self.tokenizer(text)
        if not len(doc):
            return Tokens(text, doc, [], [], [], [])
        starts, lengths = doc.to_array([IDX, LENGTH]).T.tolist()
        ends = [s + n for s, n in zip(starts, lengths)]
        known, key = self._keys.get, self.key
        keys = [known(w) or key(w) for w in map(text.__getitem__, map(slice, starts, ends))]
        return Tokens(text, doc, keys, starts, ends, list(map(carries_meaning, keys)))

    # -- building and storing ------------------------------------------------------------
    @classmethod
    def build(cls) -> "Analyzer":
        """From spaCy's French language data and spacy-lookups-data (slow: about 4 s)."""
        import spacy
        import spacy_lookups_data

        tokenizer_bytes = spacy.blank("fr").tokenizer.to_bytes(exclude=["token_match"])
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
