"""Cold-start time of `classify posting.txt`, against `python -c "import spacy, sklearn"` measured
in the same run. Each command runs in a fresh process, alternately, after one warm-up run each.

Usage: python benchmarks/cold_start.py [--runs 9]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTING = ROOT / "examples" / "product-owner.txt"


def wall(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9)
    runs = parser.parse_args().runs
    classify = [str(Path(sys.executable).parent / "classify"), str(POSTING)]
    baseline = [sys.executable, "-c", "import spacy, sklearn"]
    wall(classify), wall(baseline)
    times: dict[str, list[float]] = {"classify posting.txt": [], "python -c 'import spacy, sklearn'": []}
    for _ in range(runs):
        times["classify posting.txt"].append(wall(classify))
        times["python -c 'import spacy, sklearn'"].append(wall(baseline))
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, median in medians.items():
        print(f"{name:36} median {median:.3f} s  (min {min(times[name]):.3f}, max {max(times[name]):.3f}, {runs} runs)")
    ratio = medians["classify posting.txt"] / medians["python -c 'import spacy, sklearn'"]
    print(f"ratio classify / import spacy+sklearn: {ratio:.2f}")


if __name__ == "__main__":
    main()
