"""Fuzzing: generated postings through the API and generated tables through `classify`, counting
what broke per invariant (see tests/invariants.py).

- postings: all through `Classifier.classify_rows` (in chunks of 1,000: no exception but
  InputError, a label among the four classes, probabilities adding up to 1), and every 20th also
  through `Classifier.classify` (explanation parts adding up to the scores, offsets quoting the
  text, no text without words classified);
- tables: CSV (UTF-8, UTF-8 or UTF-16 with a BOM, cp1252; `,` `;` tab `|`; quoted cells with
  quotes and line breaks; blank lines; ragged rows) and JSON Lines (blank and broken lines, other
  value types) and Excel workbooks (a blank row above the header, numbers, dates, booleans, empty
  rows, values beyond the header, texts that start with "="), written as CSV or as a workbook,
  through the `classify` command in this process: exit code 0 or 1, no traceback, exactly one
  output row per input row (a workbook's empty rows, as a CSV's blank lines, are none).

Usage: python benchmarks/fuzz.py [--postings 100000] [--tables 1000] [--seed 0]
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
from click.testing import CliRunner  # noqa: E402

from classifier import Classifier  # noqa: E402
from classifier.cli import classify  # noqa: E402
from invariants import broken_invariants, broken_row_invariants, random_posting  # noqa: E402

ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "cp1252")
DELIMITERS = (",", ";", "\t", "|")


def fuzz_postings(classifier: Classifier, count: int, rng: random.Random) -> Counter:
    broken: Counter = Counter()
    for start in range(0, count, 1000):
        batch = [(random_posting(rng), random_posting(rng, 6) or None if rng.random() < 0.5 else None)
                 for _ in range(min(1000, count - start))]
        try:
            rows = classifier.classify_rows(batch)
        except Exception as error:  # noqa: BLE001
            broken[f"classify_rows: exception {type(error).__name__}"] += 1
            continue
        broken["postings"] += len(batch)
        broken["postings refused (InputError)"] += sum(1 for r in rows if not hasattr(r, "label"))
        for row in rows:
            for what in broken_row_invariants(row):
                broken[f"classify_rows: {what}"] += 1
        for text, title in batch[::20]:
            broken["postings through classify"] += 1
            for what in broken_invariants(classifier, text, title):
                broken[f"classify: {what}"] += 1
    return broken


def cell(rng: random.Random, latin: bool) -> str:
    text = random_posting(rng, 20)
    if rng.random() < 0.2:
        text = '"' + text + '" «cité», "guillemets" ' + text
    return text.encode("cp1252", "ignore").decode("cp1252") if latin else text


def csv_table(rng: random.Random) -> tuple[bytes, int]:
    """A CSV table's bytes and its number of data rows."""
    encoding, delimiter = rng.choice(ENCODINGS), rng.choice(DELIMITERS)
    latin = encoding == "cp1252"
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, quoting=rng.choice((csv.QUOTE_MINIMAL, csv.QUOTE_ALL)),
                        lineterminator=rng.choice(("\n", "\r\n")))
    writer.writerow(["id", "titre", "description", "note"])
    rows = rng.randrange(0, 12)
    for i in range(rows):
        row = [str(i), cell(rng, latin), cell(rng, latin), "x"]
        if rng.random() < 0.1:
            row = row[: rng.randrange(1, 4)] if rng.random() < 0.5 else row + ["extra"]
        writer.writerow(row)
        if rng.random() < 0.1:
            out.write("\n")  # a blank line: not a row
    return out.getvalue().encode(encoding), rows


def jsonl_table(rng: random.Random) -> tuple[bytes, int]:
    """A JSON Lines table's bytes and its number of rows (non-blank lines)."""
    lines = []
    for i in range(rng.randrange(0, 12)):
        roll = rng.random()
        if roll < 0.1:
            lines.append('{"id": %d, "description": "pas fini' % i)
        elif roll < 0.2:
            lines.append(json.dumps({"id": i, "description": rng.choice([None, 3, ["a"], {"b": 1}])}))
        else:
            lines.append(json.dumps({"id": i, "title": cell(rng, False), "description": cell(rng, False)},
                                    ensure_ascii=rng.random() < 0.5))
        if rng.random() < 0.1:
            lines.append("")
    return ("\n".join(lines) + "\n").encode("utf-8"), sum(1 for line in lines if line)


def workbook_table(rng: random.Random) -> tuple[bytes, int]:
    """An Excel workbook's bytes and its number of data rows (rows that are not empty)."""
    import datetime

    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = openpyxl.Workbook()
    sheet = book.active
    if rng.random() < 0.3:
        sheet.append([])
    sheet.append(["id", "titre", "description", "note"])
    rows = 0
    for i in range(rng.randrange(0, 12)):
        roll = rng.random()
        if roll < 0.1:
            sheet.append([None, None, None])  # an empty row: not a row
            continue
        text = ILLEGAL_CHARACTERS_RE.sub("", cell(rng, False))
        values = [i, ILLEGAL_CHARACTERS_RE.sub("", cell(rng, False)), "=" + text if roll < 0.2 else text,
                  rng.choice([None, 3.5, True, datetime.datetime(2026, 1, 2, 3, 4), "x"])]
        if rng.random() < 0.1:
            values = values + ["au-delà de l'en-tête"] if rng.random() < 0.5 else values[:2]
        sheet.append(values)
        rows += 1
    for cells in sheet.iter_rows():
        for one in cells:
            if isinstance(one.value, str) and one.value.startswith("="):
                one.data_type = "s"
    data = io.BytesIO()
    book.save(data)
    return data.getvalue(), rows


def output_rows(path: Path, suffix: str) -> int:
    if suffix == ".xlsx":
        import openpyxl

        return max(0, sum(1 for _ in openpyxl.load_workbook(path, read_only=True).active.iter_rows()) - 1)
    text = path.read_text(encoding="utf-8-sig")
    if suffix == ".jsonl":
        return sum(1 for line in text.split("\n") if line.strip())  # not splitlines: U+2028 is no line end
    return max(0, sum(1 for _ in csv.reader(io.StringIO(text))) - 1)


def fuzz_tables(count: int, rng: random.Random) -> Counter:
    broken: Counter = Counter()
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as directory:
        for i in range(count):
            suffix = rng.choices([".jsonl", ".csv", ".xlsx"], [3, 5, 2])[0]
            data, rows = {".jsonl": jsonl_table, ".csv": csv_table, ".xlsx": workbook_table}[suffix](rng)
            written = rng.choice([".csv", ".xlsx"]) if suffix == ".xlsx" else suffix
            source, target = Path(directory) / f"t{i}{suffix}", Path(directory) / f"out{i}{written}"
            source.write_bytes(data)
            done = runner.invoke(classify, [str(source), "-o", str(target), "--quiet"])
            broken["tables"] += 1
            broken[f"tables: exit code {done.exit_code}"] += 1
            if done.exit_code == 3:
                broken[f"tables: exit code 3, {done.output.strip().splitlines()[-1][:60]}"] += 1
            if done.exception is not None and not isinstance(done.exception, SystemExit):
                broken[f"tables: exception {type(done.exception).__name__}"] += 1
            elif done.exit_code in (0, 1):
                if not target.exists():
                    broken["tables: no output file"] += 1
                elif output_rows(target, written) != rows:
                    broken["tables: output rows != input rows"] += 1
    return broken


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=100_000)
    parser.add_argument("--tables", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    start = time.perf_counter()
    found = fuzz_postings(Classifier.load(), args.postings, rng)
    middle = time.perf_counter()
    found += fuzz_tables(args.tables, rng)
    end = time.perf_counter()
    print(f"postings: {middle - start:.0f} s, tables: {end - middle:.0f} s")
    for what, count in sorted(found.items()):
        print(f"{what:48} {count:>8,}")


if __name__ == "__main__":
    main()
