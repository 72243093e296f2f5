"""The model's terms: match keys of the content words, and pairs of neighbouring content words."""
from __future__ import annotations

from spacy.tokens import Doc

from .nlp import is_content


def terms_of(*docs: Doc) -> tuple[list[str], dict[str, str]]:
    """Unigrams and bigrams ("user stor") of the content keys of each doc (title, then body), and
    for each term the words that first showed it in the text ("user stories"), for explanations."""
    terms: list[str] = []
    forms: dict[str, str] = {}
    for doc in docs:
        tokens = [t for t in doc if is_content(t)]
        for token in tokens:
            terms.append(token.norm_)
            forms.setdefault(token.norm_, token.text)
        for a, b in zip(tokens, tokens[1:]):
            pair = f"{a.norm_} {b.norm_}"
            terms.append(pair)
            forms.setdefault(pair, doc.text[a.idx: b.idx + len(b)])
    return terms, forms
