"""Hostile text: HTML conversion, time linear in the length of a posting, text hygiene."""
from __future__ import annotations

import random
import string

import pytest

from classifier.errors import InputError
from classifier.nlp import LONGEST_RUN
from classifier.normalise import MAX_POSTING_CHARACTERS, looks_like_html, normalise


def test_html_conversion_reads_what_regular_expressions_got_wrong():
    assert normalise("Caf&#xE9; &amp; th&#233;") == "Café & thé"
    assert normalise('<p>Product <a title="a > b">Owner</a></p>') == "Product Owner"
    assert normalise("<section>Product Owner</section><section>backlog</section>") == "Product Owner\n\nbacklog"
    assert normalise("<ul><li>un</li><li>deux</li></ul><script>x<y</script><style>p{}</style>") == "• un\n• deux"


def test_the_parts_of_a_saved_page_do_not_run_into_each_other():
    page = ('<html><head><title>Product Owner H/F - Acme</title></head><body><nav><a href="/">Accueil</a> | '
            '<a href="/offres">Offres</a></nav><main><table><tr><th>Salaire</th><td>45 k€</td></tr></table>'
            '<select><option>Paris</option><option>Lyon</option></select><button>Postuler</button></main></body></html>')
    lines = [line for line in normalise(page).split("\n") if line]
    assert lines == ["Product Owner H/F - Acme", "Accueil | Offres", "Salaire 45 k€", "Paris", "Lyon", "Postuler"]


@pytest.mark.parametrize("text", ["R&D; produit & innovation", "Q&A; P&L", "salaire < 60 k€ > 40 k€"])
def test_plain_text_with_ampersands_stays_plain_text(text):
    assert not looks_like_html(text)
    assert normalise(text) == text


def test_constructs_left_open_run_to_the_end_and_show_nothing():
    assert normalise("<p>Product Owner</p><script>var a = 1") == "Product Owner"
    assert normalise("<p>Product Owner</p><!-- <p>caché</p>") == "Product Owner"
    assert normalise('<p>Product Owner</p><a href="x') == "Product Owner"


def _random_run(characters: str, length: int) -> str:
    """A run without spaces that spaCy's tokenizer has never seen (its cache does not help)."""
    rng = random.Random(length)
    return "".join(rng.choice(characters) for _ in range(length))


HOSTILE = {
    "unclosed script": lambda n: "<p>Product Owner</p><script>" + "a = b < c;\n" * (n // 11),
    "unclosed comment": lambda n: "<p>Product Owner</p><!--" + "<p>x</p>" * (n // 8),
    "unclosed tags": lambda n: "<p>Product Owner</p>" + "<a " * (n // 3),
    "deep nesting": lambda n: "<p>Product Owner</p>" + "<div>" * (n // 5),
    "question marks": lambda n: "Product Owner " + "?" * n,
    "mixed punctuation": lambda n: "Product Owner " + "!?" * (n // 2),
    "one giant word": lambda n: "Product Owner " + "a" * n,
    "random punctuation": lambda n: "Product Owner " + _random_run("?!.;:,)(»«-…", n),
    "random URL-like run": lambda n: "Product Owner " + _random_run("abcdefgh/.-_=&?", n),
    "a look-alike letter, then a giant word": lambda n: "Product Оwner о " + "a" * n,
    "Latin and Cyrillic letters in turn": lambda n: "Product Owner " + "aо" * (n // 2),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_postings_reach_spacy_in_bounded_pieces(classifier, name, monkeypatch):
    """Before: 16,000 "?" took 17 s in spaCy's tokenizer, 60,000 unclosed tags hours in a parser.
    What keeps the time linear is checked here (the time itself is measured by benchmarks/hostile.py,
    not asserted in a test): the HTML reader leaves a bounded text, and spaCy's tokenizer never
    receives a run of more than LONGEST_RUN characters without a space."""
    analyzer = classifier.model.analyzer
    given: list[str] = []
    spacy_tokenizer = analyzer.tokenizer

    def recording(text):
        given.append(text)
        return spacy_tokenizer(text)

    monkeypatch.setattr(analyzer, "tokenizer", recording)
    hostile = HOSTILE[name](100_000)
    try:
        result = classifier.classify(hostile)
    except InputError:
        result = None
    longest_run = max((len(run) for text in given for run in text.split()), default=0)
    assert longest_run <= LONGEST_RUN, name
    if result is not None:
        assert result.label in ("CPO", "PO", "PM", "OTHER")
        assert len(result.text) <= len(hostile)


def test_long_runs_are_tokenized_in_pieces_with_offsets_into_the_text(classifier):
    analyzer = classifier.model.analyzer
    text = "Product Owner " + "?!" * 2000 + " backlog https://example.org/" + "x" * 300
    tokens = analyzer(text)
    assert tokens.doc.text == text
    assert all(text[s:e] == token.text for s, e, token in zip(tokens.starts, tokens.ends, tokens.doc))
    assert "backlog" in [token.text for token in tokens.doc]


@pytest.mark.parametrize("joiner", ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"])
def test_invisible_characters_inside_words_do_not_stop_rules(classifier, joiner):
    text = f"Vous allez prio{joiner}riser le back{joiner}log et rédiger les user{joiner} stories."
    result = classifier.classify(text)
    fired = {rule.rule_id: rule for rule in result.explanation["PO"].rules}
    assert {"po.backlog", "en.po.user_stories"} <= set(fired)
    for rule in fired.values():
        assert all(result.text[h.start:h.end] == h.matched for h in rule.hits)


@pytest.mark.parametrize("text", ["123 456 789", "... !!! ???", "🚀🚀 🎉 2025", "<ul><li></li><li> </li></ul>", "- \n- \n", "¼ Ⅻ ²",
                                  "<p>&nbsp;</p>", "• \n• "])
def test_a_posting_without_words_is_an_empty_posting(classifier, text):
    with pytest.raises(InputError, match="empty posting: no text to classify"):
        classifier.classify(text)


def test_a_posting_over_the_limit_is_refused_before_any_work(classifier, monkeypatch):
    too_long = "Product Owner backlog. " * (MAX_POSTING_CHARACTERS // 23 + 1)
    analyzer = classifier.model.analyzer
    tokenized: list[str] = []
    spacy_tokenizer = analyzer.tokenizer
    monkeypatch.setattr(analyzer, "tokenizer", lambda text: tokenized.append(text) or spacy_tokenizer(text))
    with pytest.raises(InputError, match="posting too long"):
        classifier.classify(too_long)
    assert isinstance(classifier.classify_rows([(too_long, None)])[0], InputError)
    assert tokenized == []  # refused before spaCy saw a word of it


def test_the_vocabulary_stays_bounded_on_texts_of_never_seen_words(classifier):
    """spaCy's vocabulary grows with each new word: renewed by size too, not only every 20,000 texts."""
    from classifier.analysis import RENEW_VOCAB_AT_STRINGS

    rng = random.Random(7)
    words = lambda n: " ".join("".join(rng.choice(string.ascii_lowercase) for _ in range(9)) for _ in range(n))
    largest = 0
    for _ in range(5):  # 384,000 new words
        classifier.classify_rows([(words(150), None) for _ in range(512)])
        largest = max(largest, len(classifier.analyzer.analyzer.vocab.strings))
    assert largest < RENEW_VOCAB_AT_STRINGS + 100_000  # one slice of texts past the bound at most
