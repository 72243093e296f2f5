"""French (and English) analysis with spaCy: tokens, lookup lemmas and match keys.

The tokenizer is spaCy's French tokenizer (prefix, suffix and infix rules, elisions, special
cases) without its list of hyphenated compounds, whose 1.4 MB regular expression costs two seconds
to compile at every start. Lemmas come from spaCy's lookup tables (`spacy-lookups-data`), French
first, then English. Both are stored in each model directory, built once by `Analyzer.build()`,
so a start costs milliseconds and nothing is downloaded. Each token's match key (see `keys`) is
stored in `token.norm_`, which the rule matcher and the model's terms read.
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path

from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.vocab import Vocab

from .keys import STOP_KEYS, key_of

TOKENIZER_FILE = "tokenizer.bin"
LEMMAS_FILE = "lemmas.json.gz"


class Analyzer:
    """Text -> spaCy Doc whose tokens carry their match key in `norm_`."""

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
        found = self._keys.get(word)
        if found is None:
            lower = word.lower()
            found = key_of(self.lemmas.get(lower, lower))
            if len(self._keys) > 300_000:
                self._keys.clear()
            self._keys[word] = found
        return found

    def __call__(self, text: str) -> Doc:
        doc = self.tokenizer(text)
        key = self.key
        for token in doc:
            if not token.is_space:
                token.norm_ = key(token.text)
        return doc

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
                if form.islower() and key_of(lemma.lower()) != key_of(form):
                    lemmas[form] = lemma.lower()
        return cls(tokenizer_bytes, lemmas)

    def save(self, directory: Path) -> None:
        (directory / TOKENIZER_FILE).write_bytes(self.tokenizer_bytes)
        payload = json.dumps(self.lemmas, ensure_ascii=False, sort_keys=True).encode("utf-8")
        (directory / LEMMAS_FILE).write_bytes(gzip.compress(payload, mtime=0))

    @classmethod
    def load(cls, directory: Path) -> "Analyzer":
        tokenizer_bytes = (directory / TOKENIZER_FILE).read_bytes()
        lemmas = json.loads(gzip.decompress((directory / LEMMAS_FILE).read_bytes()))
        return cls(tokenizer_bytes, lemmas)


def is_content(token) -> bool:
    """Tokens that carry meaning: not punctuation, space, number or function word."""
    return not (token.is_punct or token.is_space or token.like_num or token.norm_ in STOP_KEYS or len(token.norm_) < 2)
