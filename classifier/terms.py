"""The model's terms: match keys of the content words, and pairs of neighbouring content words."""
from __future__ import annotations

from spacy.tokens import Doc

from .nlp import content_keys


def terms_of(*docs: Doc) -> list[str]:
    """Unigrams and bigrams ("user stor") of the content keys of each doc (title, then body)."""
    terms: list[str] = []
    for doc in docs:
        keys = content_keys(doc)
        terms.extend(keys)
        terms.extend(f"{a} {b}" for a, b in zip(keys, keys[1:]))
    return terms
