"""Realistic benchmark input: 400-word postings made from the corpus, written as a CSV."""
from __future__ import annotations

import csv
import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = 400


def postings(count: int, seed: int = 0) -> list[tuple[str, str]]:
    """(title, text) pairs of about 400 words, all different: the start of a corpus posting (150 to
    300 words), then paragraphs drawn from the others, cut at 400 words."""
    rows = [json.loads(line) for line in (ROOT / "corpus" / "postings.jsonl").read_text(encoding="utf-8").splitlines()]
    paragraphs = [p for r in rows for p in r["text"].split("\n\n")]
    rng = random.Random(seed)
    made = []
    for _ in range(count):
        first = rng.choice(rows)
        head = first["text"].split(" ")[: rng.randint(150, 300)]
        parts, words = [" ".join(head)], len(head)
        while words < WORDS:
            paragraph = rng.choice(paragraphs)
            parts.append(paragraph)
            words += len(paragraph.split())
        text = " ".join("\n\n".join(parts).split(" ")[:WORDS])
        made.append((first["title"], text))
    return made


def write_csv(path: Path, items: list[tuple[str, str]]) -> Path:
    """A CSV (id, title, description) of the postings."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "title", "description"])
        for i, (title, text) in enumerate(items):
            writer.writerow([i, title, text])
    return path
