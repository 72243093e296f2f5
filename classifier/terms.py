"""The model's terms: match keys of the content words, and pairs of neighbouring content words."""
from __future__ import annotations

import numpy as np

from .nlp import Tokens


def terms_of(*texts: Tokens) -> list[str]:
    """Unigrams and bigrams ("user stor") of the content keys of each text (title, then body)."""
    terms: list[str] = []
    for tokens in texts:
        keys = tokens.content_keys()
        terms.extend(keys)
        terms.extend(f"{a} {b}" for a, b in zip(keys, keys[1:]))
    return terms


def surface_forms(wanted: set[str], *texts: Tokens) -> dict[str, str]:
    """For the wanted terms, the words that first showed them ("user stor" -> "user stories"), the
    spaces between the words of a pair shown as one (a pair may run across a line break)."""
    forms: dict[str, str] = {}
    content = [(tokens, np.flatnonzero(tokens.content).tolist(), tokens.numbers[tokens.content].tolist())
               for tokens in texts] if wanted else []
    for term in wanted:
        first, _, second = term.partition(" ")
        for tokens, at, keyed in content:
            found = _first_occurrence(tokens, at, keyed, first, second)
            if found:
                forms[term] = found
                break
    return forms


def _first_occurrence(tokens: Tokens, at: list[int], keyed: list[int], first: str, second: str) -> str | None:
    """The text of the first content token keyed `first` (followed by the next content token keyed
    `second`, for a pair); `at` are the content tokens' indices, `keyed` their key numbers."""
    numbers = tokens.table.numbers
    a, b = numbers.get(first), numbers.get(second) if second else None
    if a is None or (second and b is None):
        return None
    i = -1
    while True:
        try:
            i = keyed.index(a, i + 1)
        except ValueError:
            return None
        if not second:
            return tokens.text[tokens.starts[at[i]]:tokens.ends[at[i]]]
        if i + 1 < len(keyed) and keyed[i + 1] == b:  # on one line, as a report shows it
            return " ".join(tokens.text[tokens.starts[at[i]]:tokens.ends[at[i + 1]]].split())
