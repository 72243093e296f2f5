"""The invariants every classification keeps, and generated postings to check them on (shared by
the property tests and `benchmarks/fuzz.py`)."""
from __future__ import annotations

import math
import random

from classifier.errors import InputError

CLASSES = ("CPO", "PO", "PM", "OTHER")
WORDS = """le la des une pour avec équipe produit développeur·se stratégie feuille de route backlog prioriser
rédiger spécifications clients utilisateurs budget direction marketing ventes agile scrum sprint livrer
valeur recrutons poste CDI Paris télétravail expérience ans profil vous nous serez rattaché·e""".split()
ROLES = ["Product Owner", "Product Manager", "Chef de produit", "CPO", "Chief Product Officer", "Head of Product",
         "Directeur produit", "Scrum Master", "Business Analyst", "PO", "PM", "VP Product", "user stories"]
MARKUP = ["<p>", "</p>", "<br>", "<br/>", "<ul>", "<li>", "</li>", "</ul>", "<div class=\"a > b\">", "</div>",
          "<strong>", "</strong>", "<script>", "</script>", "<!--", "-->", "<section>", "<a href='x'>", "<", ">"]
ENTITIES = ["&amp;", "&eacute;", "&#233;", "&#xE9;", "&nbsp;", "R&D;", "&", "&bogus;", "&#x110000;", "&#0;"]
PUNCTUATION = [".", ",", ";", "!", "?", "...", "—", "-", "•", "(", ")", "«", "»", "/", "’", "\n", "\n\n", "\t", "  "]
EMOJI = ["🚀", "👩‍💻", "🇫🇷", "✨", "©", "™"]
INVISIBLE = ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
POOLS = (WORDS, ROLES, MARKUP, ENTITIES, PUNCTUATION, EMOJI, INVISIBLE)


def random_unicode(rng: random.Random, length: int) -> str:
    """Any characters but surrogates."""
    chars = []
    while len(chars) < length:
        code = rng.choice((rng.randrange(32, 0x250), rng.randrange(0x250, 0x3000), rng.randrange(0x3000, 0x110000)))
        if not 0xD800 <= code <= 0xDFFF:
            chars.append(chr(code))
    return "".join(chars)


def random_posting(rng: random.Random, pieces: int = 60) -> str:
    """A random mix of French words, role names, HTML, entities, punctuation, emoji, invisible and
    any other characters."""
    parts = []
    for _ in range(rng.randrange(pieces)):
        roll = rng.random()
        if roll < 0.05:
            parts.append(random_unicode(rng, rng.randrange(1, 8)))
        elif roll < 0.1:  # a word with an invisible character inside
            word = rng.choice(WORDS + ROLES)
            at = rng.randrange(len(word) + 1)
            parts.append(word[:at] + rng.choice(INVISIBLE) + word[at:])
        else:
            parts.append(rng.choice(rng.choice(POOLS)))
        parts.append(rng.choice(("", " ", " ", " ", "\n")))
    return "".join(parts)


def broken_invariants(classifier, text, title=None) -> list[str]:
    """The invariants one classification breaks (none is the rule): a label among the four
    classes, probabilities adding up to 1, explanation parts adding up to each score, every hit
    quoting its text at its offsets, a text without words refused, no exception but InputError."""
    try:
        result = classifier.classify(text, title=title)
    except InputError:
        return []
    except Exception as error:  # noqa: BLE001 - what broke is what this reports
        return [f"exception {type(error).__name__}"]
    broken = []
    if not any(c.isalpha() for c in result.text):
        broken.append("classified without words")
    if result.label not in CLASSES:
        broken.append("label")
    if not math.isclose(sum(result.probabilities.values()), 1.0, abs_tol=1e-9):
        broken.append("probabilities sum")
    for part in result.explanation.values():
        if not math.isclose(part.total(), part.score, abs_tol=1e-9):
            broken.append("parts add up")
        for rule in part.rules:
            quoted = result.title.title if rule.field == "title" and result.title else result.text
            if any(quoted[h.start:h.end] != h.matched for h in rule.hits):
                broken.append("offsets")
    return sorted(set(broken))


def broken_row_invariants(row) -> list[str]:
    """The invariants a table row's result breaks: an InputError, or a label among the classes with
    probabilities adding up to 1."""
    if isinstance(row, InputError):
        return []
    if not hasattr(row, "probabilities"):
        return [f"row is {type(row).__name__}"]
    broken = [] if row.label in CLASSES else ["label"]
    if not math.isclose(sum(row.probabilities.values()), 1.0, abs_tol=1e-9):
        broken.append("probabilities sum")
    return broken
