"""The labelled corpus: size, mix, split, no duplicates, built from its drafts."""
from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter

import pytest

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


def _names_a_role(classifier, row) -> bool:
    """The body names the posting's kind of role: a product role for CPO/PO/PM, an OTHER job title
    (a rule's, not the "no product role named" check of the header) for OTHER."""
    unnamed = classifier.analyzer.sectioner.unnamed.id
    hits = [h for h in classifier.analyse(row["text"]).hits if h.kind == "role_name" and h.rule_id != unnamed]
    return any((h.label == "OTHER") == (row["label"] == "OTHER") for h in hits)


def test_rounds_1_and_2_teach_the_job_without_its_name(classifier):
    """A third of each class of rounds 1–2 never names its role in the body: the job must be read."""
    for label in ("CPO", "PO", "PM", "OTHER"):
        in_class = [r for r in ROWS if r["label"] == label and not r["id"].startswith(("r3-", "r5-"))]
        unnamed = sum(not _names_a_role(classifier, r) for r in in_class)
        assert unnamed >= len(in_class) / 3, (label, unnamed, len(in_class))


def test_round_3_follows_the_market(classifier):
    """Round 3: product postings name their role as real ones do; hard cases are a minority."""
    third = [r for r in ROWS if r["id"].startswith("r3-")]
    assert len(third) >= 600
    for label in ("CPO", "PO", "PM"):
        in_class = [r for r in third if r["label"] == label]
        assert sum(_names_a_role(classifier, r) for r in in_class) >= 0.85 * len(in_class), label
    assert sum(any(t.startswith("hard:") for t in r["tags"]) for r in third) <= 0.12 * len(third)
    assert {r["genre"] for r in third} >= {"board_page", "ats", "public_sector", "france_travail", "career_page",
                                           "fiche_metier", "interview", "short_ad"}


def test_round_5_teaches_that_senior_product_managers_own_their_strategy():
    """Round 5: senior, lead and group PMs whose missions speak of strategy, vision and leading (PM),
    beside heads of the product function (CPO) and strategy jobs that own no product (OTHER)."""
    fifth = [r for r in ROWS if r["id"].startswith("r5-")]
    labels = Counter(r["label"] for r in fifth)
    assert len(fifth) >= 120 and labels["PM"] >= 0.5 * len(fifth) and labels["CPO"] >= 30 and labels["OTHER"] >= 15
    assert Counter(r["lang"] for r in fifth)["fr"] >= 0.4 * len(fifth)
    strategy = [r for r in fifth if r["label"] == "PM" and any(w in r["text"].lower() for w in ("strat", "vision"))]
    assert len(strategy) >= 0.8 * labels["PM"]
    assert sum(any(t.startswith("hard:") for t in r["tags"]) for r in fifth) <= 0.12 * len(fifth)


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


@pytest.mark.parametrize("folder, prefix, at_least", [("round4", "r4", 300), ("round6", "r6", 80),
                                                         ("round7", "r7", 90), ("round9", "r9", 90),
                                                         ("round10", "r10", 60), ("round11", "r11", 60),
                                                         ("round13", "r13", 60), ("round14", "r14", 60),
                                                         ("round15", "r15", 60), ("round16", "r16", 60),
                                                         ("round17", "r17", 60), ("round18", "r18", 60),
                                                         ("round19", "r19", 60), ("round20", "r20", 60),
                                                         ("round21", "r21", 60), ("round22", "r22", 60),
                                                         ("round23", "r23", 60), ("round24", "r24", 60),
                                                         ("round25", "r25", 60), ("round26", "r26", 60),
                                                         ("round27", "r27", 60), ("round28", "r28", 60),
                                                         ("round29", "r29", 60), ("round30", "r30", 60),
                                                         ("round31", "r31", 60), ("round32", "r32", 60),
                                                         ("round33", "r33", 60), ("round34", "r34", 60),
                                                         ("round35", "r35", 60), ("round36", "r36", 48),
                                                         ("round37", "r37", 60), ("round38", "r38", 60),
                                                         ("round39", "r39", 60), ("round40", "r40", 60),
                                                         ("round41", "r41", 60), ("round42", "r42", 60),
                                                         ("round43", "r43", 60), ("round44", "r44", 60),
                                                         ("round45", "r45", 60),
                                                         ("round46", "r46", 60), ("round47", "r47", 60),
                                                         ("round48", "r48", 60), ("round49", "r49", 60),
                                                         ("round50", "r50", 60), ("round51", "r51", 60),
                                                         ("round52", "r52", 60), ("round53", "r53", 60),
                                                         ("round54", "r54", 60), ("round55", "r55", 60),
                                                         ("round56", "r56", 60), ("round57", "r57", 60),
                                                         ("round58", "r58", 60), ("round59", "r59", 60),
                                                         ("round60", "r60", 60), ("round61", "r61", 60)])
def test_held_out_rounds_are_built_from_their_drafts_and_kept_out_of_training(folder, prefix, at_least):
    """Round 4 (government digital services, agencies, start-up boards), round 6 (long pages
    where the job's work takes a few plain sentences) and round 7 (a blind test written after the
    rules were last tuned: heads titled by their area, heads of other departments, boards) and round 9
    (a second blind test, at the base rates of boards and career sites), rounds 10, 11, 13 and 14
    to 21 and 23 to 29 (blind tests of later models; round 26 of a stop's final model but for one
    change that moves none of its readings; round 27 of that model again, before the latest stop's
    last changes; rounds 28 to 30 of the model that ships; round 31 of the model that shipped at the
    start of the stop that read it and then named more heads of product in titles; round 32 of the
    model that ships at the stop that read it, before one more title name; round 33 of the model that
    ships but for its stop's last refit, written while its stop's one change of combination was
    measured; round 34 of the model that ships, read after it was scored; round 35 of the model
    that shipped at the start of the stop that read it, written to a brief that varied its genres and hard lines;
    round 36, written for training from round 35's errors and kept out when training on it cost real-dev;
    round 37 of the model that shipped at the start of the stop that read it, with its final code;
    round 38 of its stop's final model and code; round 39 of that same model, read after it was scored
    and before the stop's first refit; round 40 of that refit, read after it was scored and before the refit that ships;
    round 41 of the model that shipped at the start of the stop that read it, with its final code; round 42
    of that model with the next stop's code, read after it was scored; round 43 of the model that shipped
    before the stop's last change, with its rules; round 44 of that model too, read after it was scored;
    round 45 of the refit after it, read after it was scored;
    round 46 of the refit after that, read after it was scored;
    round 47 of the model that shipped at the start of the stop that read it, read after it was scored;
    round 48 and round 49 of the model that shipped before the stop that read round 50 (the refit after
    round 50 reads them alike); round 50 of that model, read after it was scored, then refitted on
    two cues read off it; round 51 of that refit, the model that ships, read after it was scored, no
    change after it; round 52 of that model too, read after it was scored, then read with the code's
    breadcrumb fix, the same weights; rounds 53 and 54 of that model and its code, read after they
    were scored, round 54 then read for the next stop's changes; round 55 of that model too, written to
    round 54's brief while those changes were designed; rounds 56 and 57 of the model those changes
    made, read after they were scored, round 57 then read for the model that ships; rounds 58 and 59 of that
    model, read after they were scored; round 60 of the next model and its code, read after it was
    scored, then read for the model that ships, the same weights; round 61 of the model that ships,
    read after it was scored) and round 22 (of a stop's final model, no change after it) are kept out of training, as team-written sets the model never saw: none of their postings
    or texts is in the corpus."""
    folder = ROOT / "corpus" / folder
    built = subprocess.run([sys.executable, str(ROOT / "corpus" / "tools" / "drafts_to_jsonl.py"),
                            *map(str, sorted(folder.glob(f"{prefix}-*.txt")))], capture_output=True, text=True,
                           check=True)
    held = [json.loads(line) for line in (folder / "postings.jsonl").read_text(encoding="utf-8").splitlines()]
    assert held == [json.loads(line) for line in built.stdout.splitlines()]
    assert len(held) >= at_least and {"PO", "PM", "OTHER"} <= {r["label"] for r in held} <= {"CPO", "PO", "PM", "OTHER"}
    assert not {r["id"] for r in held} & {r["id"] for r in ROWS}
    assert not {r["text"] for r in held} & {r["text"] for r in ROWS}
