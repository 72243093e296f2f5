"""What Excel workbooks cost next to CSV: the same realistic postings classified by `classify` from a
CSV into a CSV (the baseline), from a workbook into a CSV, and from a workbook into a workbook, in
rounds, one after the other; the median rate and peak memory (max RSS) of each, and their ratios to
the baseline of the same round.

Usage: python benchmarks/workbooks.py [--rows 5000] [--rounds 3]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from postings import postings, run_classify, write_csv  # noqa: E402

def write_workbook(path: Path, items: list[tuple[str, str]]) -> Path:
    """The postings as a workbook (id, title, description), as `write_csv` writes them as a CSV."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("postings")
    sheet.append(["id", "title", "description"])
    for i, (title, text) in enumerate(items):
        sheet.append([i, title, text])
    book.save(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    items = postings(args.rows)
    runs = {"csv -> csv (baseline)": (".csv", ".csv"), "xlsx -> csv": (".xlsx", ".csv"),
            "xlsx -> xlsx": (".xlsx", ".xlsx")}
    with tempfile.TemporaryDirectory() as directory:
        inputs = {".csv": write_csv(Path(directory) / "in.csv", items),
                  ".xlsx": write_workbook(Path(directory) / "in.xlsx", items)}
        sizes = {suffix: path.stat().st_size / 2**20 for suffix, path in inputs.items()}
        rates: dict[str, list[float]] = {name: [] for name in runs}
        memory: dict[str, list[int]] = {name: [] for name in runs}
        for _ in range(args.rounds):
            for name, (source, written) in runs.items():
                seconds, peak = run_classify(str(inputs[source]), "-o", str(Path(directory) / f"out{written}"))
                rates[name].append(args.rows / seconds)
                memory[name].append(peak)
    baseline = "csv -> csv (baseline)"
    print(f"{args.rows:,} postings of about 400 words, {args.rounds} rounds; input {sizes['.csv']:.1f} MiB as CSV, "
          f"{sizes['.xlsx']:.1f} MiB as a workbook")
    print(f"{'':24}{'postings/s':>12}{'ratio':>8}{'peak MiB':>10}{'ratio':>8}   per round")
    for name in runs:
        ratios = [r / b for r, b in zip(rates[name], rates[baseline])]
        print(f"{name:24}{statistics.median(rates[name]):12.0f}{statistics.median(ratios):8.2f}"
              f"{statistics.median(memory[name]) / 1024:10.0f}"
              f"{statistics.median(memory[name]) / statistics.median(memory[baseline]):8.2f}   "
              + ", ".join(f"{r:.2f}" for r in ratios))


if __name__ == "__main__":
    main()
