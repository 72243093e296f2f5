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
    for term in wanted:
        first, _, second = term.partition(" ")
        for tokens in texts:
            found = _first_occurrence(tokens, first, second)
            if found:
                forms[term] = found
                break
    return forms


def _first_occurrence(tokens: Tokens, first: str, second: str) -> str | None:
    """The text of the first content token keyed `first` (followed by the next content token keyed
    `second`, for a pair)."""
    keys, content, i = tokens.keys, tokens.content, -1
    while True:
        try:
            i = keys.index(first, i + 1)
        except ValueError:
            return None
        if not content[i]:
            continue
        if not second:
            return tokens.text[tokens.starts[i]:tokens.ends[i]]
        j = next((j for j in range(i + 1, len(keys)) if content[j]), None)
        if j is not None and keys[j] == second:
            return tokens.text[tokens.starts[i]:tokens.ends[j]]
