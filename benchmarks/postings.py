"""Realistic benchmark input: 400-word postings made from the corpus, written as a CSV."""
from __future__ import annotations

import csv
import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = 400


def postings(count: int, seed: int = 0) -> list[tuple[str, str]]:
    """(title, text) pairs of about 400 words: corpus postings, lengthened with others' paragraphs."""
    rows = [json.loads(line) for line in (ROOT / "corpus" / "postings.jsonl").read_text(encoding="utf-8").splitlines()]
    rng = random.Random(seed)
    made = []
    for _ in range(count):
        first = rng.choice(rows)
        parts, words = [first["text"]], len(first["text"].split())
        while words < WORDS:
            extra = rng.choice(rows)["text"].split("\n\n")
            paragraph = rng.choice(extra)
            parts.append(paragraph)
            words += len(paragraph.split())
        text = " ".join("\n\n".join(parts).split(" ")[:WORDS])
        made.append((first["title"], text))
    return made


def write_csv(path: Path, count: int, seed: int = 0) -> Path:
    """A CSV of `count` rows; beyond 2,000 rows the same 2,000 postings repeat (generation is not what is measured)."""
    base = postings(min(count, 2000), seed)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "title", "description"])
        for i in range(count):
            title, text = base[i % len(base)]
            writer.writerow([i, title, text])
    return path
