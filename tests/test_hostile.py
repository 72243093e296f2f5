"""Hostile text: HTML conversion, time linear in the length of a posting, text hygiene."""
from __future__ import annotations

import random
import string
import time

import pytest

from classifier.errors import InputError
from classifier.normalise import MAX_POSTING_CHARACTERS, looks_like_html, normalise
from test_classify import corpus


def test_html_conversion_reads_what_regular_expressions_got_wrong():
    assert normalise("Caf&#xE9; &amp; th&#233;") == "Café & thé"
    assert normalise('<p>Product <a title="a > b">Owner</a></p>') == "Product Owner"
    assert normalise("<section>Product Owner</section><section>backlog</section>") == "Product Owner\n\nbacklog"
    assert normalise("<ul><li>un</li><li>deux</li></ul><script>x<y</script><style>p{}</style>") == "• un\n• deux"


@pytest.mark.parametrize("text", ["R&D; produit & innovation", "Q&A; P&L", "salaire < 60 k€ > 40 k€"])
def test_plain_text_with_ampersands_stays_plain_text(text):
    assert not looks_like_html(text)
    assert normalise(text) == text


def test_constructs_left_open_run_to_the_end_and_show_nothing():
    assert normalise("<p>Product Owner</p><script>var a = 1") == "Product Owner"
    assert normalise("<p>Product Owner</p><!-- <p>caché</p>") == "Product Owner"
    assert normalise('<p>Product Owner</p><a href="x') == "Product Owner"


def _seconds(work, text: str) -> float:
    """The best of three runs: the machine may be busy."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        work(text)
        best = min(best, time.perf_counter() - start)
    return best


def _normal_posting(size: int) -> str:
    text = ""
    for row in corpus("train"):
        text += row["text"] + "\n\n"
        if len(text) >= size:
            return text[:size]
    return text


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
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_postings_cost_no_more_than_normal_ones(classifier, name):
    """Before: 16,000 "?" took 17 s in spaCy's tokenizer, 60,000 unclosed tags hours in a parser."""
    size = 100_000
    normal = _seconds(classifier.classify, _normal_posting(size))
    hostile = HOSTILE[name](size)
    assert _seconds(classifier.classify, hostile) <= 3 * normal + 0.05, name


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


@pytest.mark.parametrize("text", ["123 456 789", "... !!! ???", "🚀🚀 🎉 2025", "<ul><li></li><li> </li></ul>", "- \n- \n",
                                  "<p>&nbsp;</p>", "• \n• "])
def test_a_posting_without_words_is_an_empty_posting(classifier, text):
    with pytest.raises(InputError, match="empty posting: no text to classify"):
        classifier.classify(text)


def test_a_posting_over_the_limit_is_refused_before_any_work(classifier):
    too_long = "Product Owner backlog. " * (MAX_POSTING_CHARACTERS // 23 + 1)
    start = time.perf_counter()
    with pytest.raises(InputError, match="posting too long"):
        classifier.classify(too_long)
    assert time.perf_counter() - start < 0.5
    assert isinstance(classifier.classify_rows([(too_long, None)])[0], InputError)


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
