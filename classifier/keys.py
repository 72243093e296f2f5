"""Match keys: the form under which a word meets a rule phrase or a model term.

key = light stem of the accent-folded, lower-cased lemma. "Priorisez", "priorisation" and
"prioriser" share the key "prioris"; "Stratégie", "strategie" and "strategy" share "strateg".
The same function serves rule phrases and posting text, so both always agree.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

_SUFFIXES = sorted(
    """issements issement eriales eriale eriaux erial ements ement ations ation ments ment ateurs ateur
    atrices atrice euses euse eurs eur rices rice ives ive ifs ables able ibles ible istes iste ismes
    isme ites ite iques ique ions ion ings ing ies ie ees ee es ez er ers ent ant ons ed ic ial ales
    ale aux al y e s""".split(),
    key=len,
    reverse=True,
)
_MIN_STEM = 4
_INCLUSIVE_MARKS = "·•‧⋅.("  # "développeur·se", "chef.fe", "principal(e", "directeur·trice"
_INCLUSIVE_TAIL = 5  # the longest ending dropped after such a mark ("trice")
# soft hyphen, zero-width space, non-joiner and joiner, word joiner, byte order mark: invisible
# inside a word, where they would keep it from meeting its phrases
_INVISIBLE = str.maketrans(dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff")))

STOP_KEYS = frozenset(
    """le la les l un une des de du d au aux a à en et ou the an of and or to for in on at by with
    as is are be our your nos vos notre votre son sa ses leur leurs ce cet cette ces qui que qu dont
    il elle ils elles nous vous on se s y ne pas plus i we you it this that from will have be i' we' you' etc avec pour par sur dans chez""".split()
)


def visible(word: str) -> str:
    """The word without the invisible characters that may sit inside it ("back\u200blog" -> "backlog")."""
    return word.translate(_INVISIBLE)


def fold(word: str) -> str:
    """Lower case, no accents, inclusive endings dropped ("Développeur·se" -> "developpeur")."""
    word = word.lower()
    for mark in _INCLUSIVE_MARKS:
        head, sep, tail = word.partition(mark)
        if sep and head and tail and len(tail) <= _INCLUSIVE_TAIL:
            word = head
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("œ", "oe").replace("’", "'")


def stem(word: str) -> str:
    """Strip one derivational or inflectional ending, keeping at least four letters."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=200_000)
def key_of(lemma: str) -> str:
    """The match key of a lemma (or of a word, when no lemma is known); never holds whitespace,
    so that a model term of two keys reads "key key"."""
    folded = fold(lemma)
    if any(c.isspace() for c in folded):  # "10\u00a0000" folds to "10 000"
        folded = "".join(folded.split())
    if folded in STOP_KEYS:
        return folded
    return stem(folded)


@lru_cache(maxsize=200_000)
def carries_meaning(key: str) -> bool:
    """Whether a word of this key is a content word: at least two characters, a letter among
    them (not a number, a punctuation mark or a space) and not a function word."""
    return len(key) > 1 and key not in STOP_KEYS and any(c.isalpha() for c in key)
