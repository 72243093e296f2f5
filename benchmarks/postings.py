"""Realistic benchmark input: 400-word postings made from the corpus, written as a CSV; and the timed
`classify` run the benchmarks measure."""
from __future__ import annotations

import csv
import json
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLASSIFY = str(Path(sys.executable).parent / "classify")
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


def run_classify(*arguments: str) -> tuple[float, int]:
    """Wall time and peak memory (KiB, the largest process) of one quiet `classify` run with these
    arguments, start-up included."""
    probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL);"
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", probe, CLASSIFY, *arguments, "-q"], check=True, capture_output=True,
                          text=True)
    return time.perf_counter() - started, int(done.stdout.strip())
