"""Convert the corpus drafts (a readable plain-text format) into JSON Lines.

Draft format, one record per block:

    === id: cpo-fr-001
    title: Chief Product Officer (H/F)
    label: CPO
    lang: fr
    tags: sector:saas, size:startup, no_role_name
    ---
    The posting text, as many lines as needed.

Usage: python corpus/tools/drafts_to_jsonl.py DRAFT.txt [...] > out.jsonl
Checks every record and exits 1 with a message naming the file and id on the first problem.
"""
import json
import sys

LABELS = {"CPO", "PO", "PM", "OTHER"}
LANGS = {"fr", "en"}


def parse(path):
    with open(path, encoding="utf-8") as handle:
        blocks = handle.read().split("\n=== ")
    for number, block in enumerate(blocks):
        block = block.strip()
        if block.startswith("=== "):
            block = block[4:]
        if not block:
            continue
        head, sep, text = block.partition("\n---\n")
        if not sep:
            raise ValueError(f"{path}: block {number}: no '---' line between header and text")
        fields = {}
        for line in head.splitlines():
            key, _, value = line.partition(":")
            fields[key.strip()] = value.strip()
        record = {
            "id": fields.get("id", ""),
            "title": fields.get("title", ""),
            "text": text.strip(),
            "label": fields.get("label", ""),
            "lang": fields.get("lang", ""),
            "split": None,
            "tags": [t.strip() for t in fields.get("tags", "").split(",") if t.strip()],
        }
        where = f"{path}: record {record['id'] or number}"
        if not record["id"]:
            raise ValueError(f"{where}: missing id")
        if record["label"] not in LABELS:
            raise ValueError(f"{where}: label must be one of {sorted(LABELS)}")
        if record["lang"] not in LANGS:
            raise ValueError(f"{where}: lang must be fr or en")
        if len(record["text"].split()) < 25:
            raise ValueError(f"{where}: text is shorter than 25 words")
        yield record


def main(paths):
    seen = set()
    try:
        for path in paths:
            for record in parse(path):
                if record["id"] in seen:
                    raise ValueError(f"{path}: duplicate id {record['id']}")
                seen.add(record["id"])
                print(json.dumps(record, ensure_ascii=False))
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv[1:])
