"""The model's terms: match keys of the content words, and pairs of neighbouring content words."""
from __future__ import annotations

from .nlp import Tokens


def terms_of(*texts: Tokens) -> list[str]:
    """Unigrams and bigrams ("user stor") of the content keys of each text (title, then body)."""
    terms: list[str] = []
    for tokens in texts:
        keys = [k for k, c in zip(tokens.keys, tokens.content) if c]
        terms.extend(keys)
        terms.extend(f"{a} {b}" for a, b in zip(keys, keys[1:]))
    return terms


def surface_forms(wanted: set[str], *texts: Tokens) -> dict[str, str]:
    """For the wanted terms, the words that first showed them ("user stor" -> "user stories")."""
    forms: dict[str, str] = {}
    for tokens in texts:
        spans = tokens.content_spans()
        for key, start, end in spans:
            if key in wanted and key not in forms:
                forms[key] = tokens.text[start:end]
        for (a, start, _), (b, _, end) in zip(spans, spans[1:]):
            pair = f"{a} {b}"
            if pair in wanted and pair not in forms:
                forms[pair] = tokens.text[start:end]
    return forms
