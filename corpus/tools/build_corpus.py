"""Build corpus/postings.jsonl from the drafts, assigning the fixed train/test split and the genre.

The split is stratified by label and language and fixed once given: a posting already in
postings.jsonl keeps its split, so that adding a round of postings never moves an old one between
train and test. Within each (label, lang) group the new postings are ordered by the SHA-256 of
their id and the first 22% go to `test`. The genre is the `genre:` tag of round 3, else
`career_page` (format tag) or `posting` for rounds 1 and 2. Running it again on the same drafts
gives the same file. Usage: python corpus/tools/build_corpus.py
"""
import hashlib
import json
import math
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent
OUTPUT = CORPUS / "postings.jsonl"
TEST_SHARE = 0.22


def genre_of(tags: list[str]) -> str:
    for tag in tags:
        if tag.startswith("genre:"):
            return tag.split(":", 1)[1]
    return "career_page" if "format:career_page" in tags else "posting"


def main() -> None:
    drafts = sorted((CORPUS / "drafts").glob("*.txt"))
    converted = subprocess.run([sys.executable, str(HERE / "drafts_to_jsonl.py"), *map(str, drafts)],
                               capture_output=True, text=True, check=False)
    if converted.returncode:
        sys.exit(converted.stderr.strip())
    records = [json.loads(line) for line in converted.stdout.splitlines()]
    fixed = {}
    if OUTPUT.exists():
        fixed = {r["id"]: r["split"] for r in map(json.loads, OUTPUT.read_text(encoding="utf-8").splitlines())}
    groups = defaultdict(list)
    for record in records:
        record["genre"] = genre_of(record["tags"])
        if record["id"] in fixed:
            record["split"] = fixed[record["id"]]
        else:
            groups[(record["label"], record["lang"])].append(record)
    for group in groups.values():
        group.sort(key=lambda r: hashlib.sha256(r["id"].encode()).hexdigest())
        n_test = math.ceil(TEST_SHARE * len(group))
        for i, record in enumerate(group):
            record["split"] = "test" if i < n_test else "train"
    records.sort(key=lambda r: r["id"])
    with open(OUTPUT, "w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"{len(records)} postings written to {OUTPUT}")


if __name__ == "__main__":
    main()
