"""The labelled corpus: size, mix, split, no duplicates, built from its drafts."""
from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter

from conftest import ROOT

CORPUS = ROOT / "corpus" / "postings.jsonl"
ROWS = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]


def test_counts_per_class_language_and_split():
    assert len(ROWS) >= 800
    labels = Counter(r["label"] for r in ROWS)
    assert set(labels) == {"CPO", "PO", "PM", "OTHER"} and min(labels.values()) >= 200
    assert Counter(r["lang"] for r in ROWS)["en"] >= 0.15 * len(ROWS)
    for label in labels:
        in_class = [r for r in ROWS if r["label"] == label]
        share = sum(r["split"] == "test" for r in in_class) / len(in_class)
        assert 0.2 <= share <= 0.25, (label, share)
    assert {r["split"] for r in ROWS} == {"train", "test"}
    assert sum(any(t.startswith("hard:") for t in r["tags"]) for r in ROWS) >= 100


def test_schema_and_no_text_twice():
    for r in ROWS:
        assert set(r) == {"id", "title", "text", "label", "lang", "split", "tags", "genre"}
    assert len({r["id"] for r in ROWS}) == len(ROWS)
    texts = Counter(" ".join(r["text"].split()).lower() for r in ROWS)
    assert max(texts.values()) == 1


def test_a_third_of_each_class_never_names_its_role_in_the_body(classifier):
    for label in ("CPO", "PO", "PM", "OTHER"):
        in_class = [r for r in ROWS if r["label"] == label]
        unnamed = 0
        for r in in_class:
            hits = classifier.analyse(r["text"]).hits
            if label == "OTHER":
                unnamed += not any(h.kind == "role_name" and h.label == "OTHER" for h in hits)
            else:
                unnamed += not any(h.kind == "role_name" and h.label != "OTHER" for h in hits)
        assert unnamed >= len(in_class) / 3, (label, unnamed, len(in_class))


def test_formats_and_lengths_are_varied():
    tags = Counter(t for r in ROWS for t in r["tags"])
    for fmt in ("format:markdown", "format:html", "format:career_page"):
        assert tags[fmt] >= 50, fmt
    words = [len(r["text"].split()) for r in ROWS]
    assert sum(w <= 100 for w in words) >= 100 and sum(w >= 500 for w in words) >= 100
    assert sum(w >= 850 for w in words) >= 5


def test_jsonl_is_built_from_the_drafts():
    built = subprocess.run([sys.executable, str(ROOT / "corpus" / "tools" / "drafts_to_jsonl.py"),
                            *map(str, sorted((ROOT / "corpus" / "drafts").glob("*.txt")))],
                           capture_output=True, text=True, check=True)
    drafts = {r["id"]: r for r in map(json.loads, built.stdout.splitlines())}
    assert set(drafts) == {r["id"] for r in ROWS}
    for r in ROWS:
        assert {k: v for k, v in r.items() if k not in ("split", "genre")} == \
            {k: v for k, v in drafts[r["id"]].items() if k != "split"}
