"""Build corpus/postings.jsonl from the drafts, assigning the fixed train/test split.

The split is stratified by label and language: within each (label, lang) group the postings are
ordered by the SHA-256 of their id and the first 22% go to `test`. Running it again on the same
drafts gives the same file. Usage: python corpus/tools/build_corpus.py
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
TEST_SHARE = 0.22


def main() -> None:
    drafts = sorted((CORPUS / "drafts").glob("*.txt"))
    converted = subprocess.run([sys.executable, str(HERE / "drafts_to_jsonl.py"), *map(str, drafts)],
                               capture_output=True, text=True, check=False)
    if converted.returncode:
        sys.exit(converted.stderr.strip())
    records = [json.loads(line) for line in converted.stdout.splitlines()]
    groups = defaultdict(list)
    for record in records:
        groups[(record["label"], record["lang"])].append(record)
    for group in groups.values():
        group.sort(key=lambda r: hashlib.sha256(r["id"].encode()).hexdigest())
        n_test = math.ceil(TEST_SHARE * len(group))
        for i, record in enumerate(group):
            record["split"] = "test" if i < n_test else "train"
    records.sort(key=lambda r: r["id"])
    with open(CORPUS / "postings.jsonl", "w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"{len(records)} postings written to {CORPUS / 'postings.jsonl'}")


if __name__ == "__main__":
    main()
