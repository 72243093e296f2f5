"""The Python API: results, exact explanations, offsets, titles, masking, streaming, threads."""
from __future__ import annotations

import json
import math
import threading
from pathlib import Path

import pytest

from classifier.errors import InputError
from classifier.explain import Result
from classifier.rules import rules_digest
from classifier.resources import default_model_dir, rules_dir

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def corpus(split: str = "test", limit: int | None = None) -> list[dict]:
    rows = [json.loads(line) for line in (ROOT / "corpus" / "postings.jsonl").read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if r["split"] == split]
    return rows[:limit] if limit else rows


def test_shipped_model_was_trained_with_the_shipped_rules():
    manifest = json.loads((default_model_dir() / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["rules"]["sha256"] == rules_digest(rules_dir()), "retrain the model: the rules changed"


def test_contributions_add_up_and_offsets_point_at_the_quoted_words(classifier):
    postings = corpus(limit=150)
    checked_hits = 0
    for posting in postings:
        result = classifier.classify(posting["text"], posting["title"])
        total = sum(math.exp(s) for s in result.scores.values())
        for label, part in result.explanation.items():
            assert part.score == pytest.approx(result.scores[label], abs=1e-12)
            assert part.total() == pytest.approx(part.score, abs=1e-9)
            assert part.probability == pytest.approx(math.exp(part.score) / total, rel=1e-9)
            for rule in part.rules:
                source = result.title.title if rule.field == "title" else result.text
                for hit in rule.hits:
                    assert source[hit.start:hit.end] == hit.matched
                    assert hit.matched in hit.sentence
                    checked_hits += 1
        assert result.label == max(result.probabilities, key=result.probabilities.get)
        assert result.confidence == result.probabilities[result.label]
    assert checked_hits > 500


def test_offsets_index_the_input_for_plain_text(classifier):
    text = (EXAMPLES / "product-owner.txt").read_text(encoding="utf-8")
    result = classifier.classify(text)
    assert result.text == text
    hits = [h for part in result.explanation.values() for r in part.rules for h in r.hits]
    assert hits and all(text[h.start:h.end] == h.matched for h in hits)


def test_html_is_converted_and_offsets_index_the_converted_text(classifier):
    result = classifier.classify((EXAMPLES / "head-of-product.html").read_text(encoding="utf-8"))
    assert "<p>" not in result.text and "&eacute;" not in result.text and "stratégie produit" in result.text
    assert result.label == "CPO"
    for part in result.explanation.values():
        for rule in part.rules:
            for hit in rule.hits:
                assert result.text[hit.start:hit.end] == hit.matched


def test_result_is_json_serialisable(classifier):
    result = classifier.classify((EXAMPLES / "product-owner.txt").read_text(encoding="utf-8"), title="Product Owner")
    payload = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert {"label", "confidence", "probabilities", "scores", "explanation", "title", "text"} <= set(payload)
    assert payload["label"] == "PO"
    assert isinstance(result, Result)


@pytest.mark.parametrize("name, label", [("product-owner.txt", "PO"), ("head-of-product.html", "CPO")])
def test_answer_comes_from_what_the_job_does_when_role_names_are_masked(classifier, name, label):
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    masked = classifier.mask(text)
    assert "Product Owner" not in masked and "Head of Product" not in masked
    result = classifier.classify(masked)
    assert result.label == label
    activity = [r for r in result.explanation[label].rules if r.kind == "activity" and r.contribution > 0]
    assert len(activity) >= 2


def test_title_is_its_own_evidence_and_a_conflict_is_flagged(classifier):
    text = (EXAMPLES / "product-owner.txt").read_text(encoding="utf-8")
    agreeing = classifier.classify(text, title="Product Owner (H/F)")
    assert agreeing.title.title_label == "PO" and not agreeing.title.conflict
    assert any(r.field == "title" for r in agreeing.explanation["PO"].rules)
    conflicting = classifier.classify(text, title="Chef de produit (H/F)")
    assert conflicting.title.title_label == "PM"
    assert conflicting.title.description_label == "PO"
    assert conflicting.title.conflict
    assert conflicting.title.hits[0].matched == "Chef de produit"


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_posting_is_an_input_error(classifier, text):
    with pytest.raises(InputError):
        classifier.classify(text)


@pytest.mark.parametrize("text, title", [("\ud800", None), ("Product Owner \ud83d : backlog et user stories", None),
                                         ("Vous priorisez le backlog.", "Product Owner \udcff")])
def test_a_lone_surrogate_is_an_input_error(classifier, text, title):
    """Half of a character is not text: an InputError, never a UnicodeEncodeError."""
    with pytest.raises(InputError, match="lone surrogate"):
        classifier.classify(text, title)
    good, bad = classifier.classify_rows([("Vous priorisez le backlog.", None), (text, title)])
    assert good.label == "PO" and isinstance(bad, InputError)


def test_classify_many_streams_in_batches(classifier):
    texts = [p["text"] for p in corpus(limit=40)]
    consumed = []

    def source():
        for text in texts:
            consumed.append(text)
            yield text

    stream = classifier.classify_many(source(), batch_size=8)
    first = next(stream)
    assert len(consumed) == 8, "the first result comes after one batch, not after the whole input"
    rest = list(stream)
    assert [first.label] + [r.label for r in rest] == [classifier.classify(t).label for t in texts]


def test_classify_many_takes_pairs_and_mappings(classifier):
    text = (EXAMPLES / "product-owner.txt").read_text(encoding="utf-8")
    results = list(classifier.classify_many([text, (text, "Chef de produit"), {"text": text, "title": "PO"}]))
    assert [r.title is None for r in results] == [True, False, False]
    assert results[1].title.conflict


def test_safe_to_call_from_several_threads(classifier):
    texts = [p["text"] for p in corpus(limit=60)]
    expected = [classifier.classify(t).scores for t in texts]
    found: dict[int, dict] = {}

    def work(offset: int):
        for i in range(offset, len(texts), 4):
            found[i] = classifier.classify(texts[i]).scores

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [found[i] for i in range(len(texts))] == expected


def test_renewing_spacys_vocabulary_changes_no_result(classifier):
    """Long runs renew spaCy's vocabulary (memory stays flat); results must not change."""
    import classifier.analysis as analysis

    texts = [p["text"] for p in corpus(limit=5)]
    before = [classifier.classify(t).scores for t in texts]
    vocab = classifier.analyzer.analyzer.vocab
    classifier.analyzer._analysed = analysis.RENEW_VOCAB_EVERY - 1
    after = [classifier.classify(t).scores for t in texts]
    assert classifier.analyzer.analyzer.vocab is not vocab
    assert after == before


def test_classify_many_refuses_what_is_not_a_posting(classifier):
    with pytest.raises(InputError, match="not int"):
        list(classifier.classify_many([42]))


def test_a_table_row_shows_what_the_full_result_says(classifier):
    """`classify_row` (what batch runs write) skips what a row does not show, and nothing else."""
    rows = corpus(limit=40)
    for r in rows:
        full = classifier.classify(r["text"], r["title"])
        row = classifier.classify_row(r["text"], r["title"])
        assert (row.label, row.confidence, row.probabilities) == (full.label, full.confidence, full.probabilities)
        assert row.evidence == full.summary()
    assert sum(bool(classifier.classify_row(r["text"], r["title"]).evidence) for r in rows) == len(rows)


def test_rows_classified_together_match_one_by_one_and_keep_their_errors(classifier):
    rows = [(r["text"], r["title"]) for r in corpus(limit=12)]
    rows[3] = ("   ", "Product Owner")
    rows[7] = (rows[7][0], None)
    together = classifier.classify_rows(rows)
    assert len(together) == len(rows) and isinstance(together[3], InputError)
    for i, (text, title) in enumerate(rows):
        if i != 3:
            alone = classifier.classify_row(text, title)
            assert together[i].label == alone.label and together[i].evidence == alone.evidence
            assert together[i].probabilities == pytest.approx(alone.probabilities, abs=1e-12)


def test_many_rows_are_classified_slice_by_slice_with_the_same_results(classifier, monkeypatch):
    """Big inputs (a Dask partition) go through in slices, the vocabulary renewed between them."""
    import classifier.analysis as analysis
    import classifier.pipeline as pipeline

    rows = [(r["text"], r["title"]) for r in corpus(limit=30)]
    whole = classifier.classify_rows(rows)
    monkeypatch.setattr(pipeline, "ROWS_AT_ONCE", 7)
    monkeypatch.setattr(analysis, "TEXTS_AT_ONCE", 5)
    monkeypatch.setattr(analysis, "RENEW_VOCAB_EVERY", 9)
    vocab = classifier.analyzer.analyzer.vocab
    sliced = classifier.classify_rows(rows)
    assert classifier.analyzer.analyzer.vocab is not vocab
    assert [(r.label, r.evidence) for r in sliced] == [(r.label, r.evidence) for r in whole]
    assert all(a.probabilities == pytest.approx(b.probabilities, abs=1e-12) for a, b in zip(sliced, whole))
