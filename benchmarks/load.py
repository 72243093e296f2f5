"""Load on `classify-serve`, bounded: the service started on a free port of 127.0.0.1, a fixed number
of POST /v1/classify requests at concurrency 1, 8 and 32 (each client thread on its own keep-alive
connection), requests per second and p50/p99 latency, set against the rate of `Classifier.classify`
in this process on the same postings, measured in the same run. Loopback only; stops by itself.
The in-process rate is measured just before and just after each load, in rounds, and the medians
reported with each round's ratio: on this shared machine one measure alone can be off by 20% or more.

Target: at concurrency 8, at least 0.8 × the in-process rate per worker, with no error.

Usage: python benchmarks/load.py [--requests 400] [--postings 200] [--rounds 3] [--workers 1] [--write RESULTS.md]
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import statistics
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from postings import postings  # noqa: E402
from service import running_service  # noqa: E402

CONCURRENCY = (1, 8, 32)
TARGET = 0.8


@dataclass
class LoadFigures:
    concurrency: int
    requests: int
    errors: int
    seconds: float
    latencies: list[float]
    baseline: float = 0.0  # the in-process rate, measured just before and just after this load

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def in_process_rate(classifier, bodies: list[dict]) -> float:
    """Postings per second of `Classifier.classify` (explanations of every class, as the service
    gives by default)."""
    started = time.perf_counter()
    for body in bodies:
        classifier.classify(body["text"], body["title"])
    return len(bodies) / (time.perf_counter() - started)


def load(port: int, bodies: list[bytes], requests: int, concurrency: int) -> LoadFigures:
    """`requests` POST /v1/classify shared by `concurrency` threads, each on its own connection."""
    taken = iter(range(requests))
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                n = next(taken, None)
            if n is None:
                break
            started = time.perf_counter()
            try:
                connection.request("POST", "/v1/classify", bodies[n % len(bodies)], {"Content-Type": "application/json"})
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                ok = False
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                errors[0] += not ok
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return LoadFigures(concurrency, requests, errors[0], time.perf_counter() - started, latencies)


def report(rounds: list[list[LoadFigures]], workers: int, count: int) -> str:
    baselines = [f.baseline for r in rounds for f in r]
    baseline = statistics.median(baselines)
    lines = [f"Date: {time.strftime('%Y-%m-%d %H:%M')}.  ",
             f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
             f"`classify-serve --workers {workers}`, the client's threads in the benchmark process on the same machine "
             f"(loopback), each on its own keep-alive connection.  ",
             f"Input: {count} different 400-word postings built from the corpus, with titles, sent in turn; "
             f"answers with the explanations of every class, as `classify --format json`.", "",
             f"In-process `Classifier.classify`: **{baseline:,.0f} postings/s** (median; from "
             f"{min(baselines):,.0f} to {max(baselines):,.0f}).", "",
             "| concurrency | requests | errors | requests/s | × in-process per worker | p50 latency | p99 latency |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    ratios = {}
    for level in range(len(CONCURRENCY)):
        figures = [r[level] for r in rounds]
        ratios[figures[0].concurrency] = [f.rate / workers / f.baseline for f in figures]
        lines.append(f"| {figures[0].concurrency} | {sum(f.requests for f in figures):,} | {sum(f.errors for f in figures)} | "
                     f"{statistics.median(f.rate for f in figures):,.0f} | {statistics.median(ratios[figures[0].concurrency]):.2f} "
                     f"(rounds: {', '.join(f'{x:.2f}' for x in ratios[figures[0].concurrency])}) | "
                     f"{statistics.median(1000 * f.percentile(0.5) for f in figures):.1f} ms | "
                     f"{statistics.median(1000 * f.percentile(0.99) for f in figures):.1f} ms |")
    at_8 = statistics.median(ratios[8])
    met = at_8 >= TARGET and not any(f.errors for r in rounds for f in r)
    lines += ["", f"Medians of {len(rounds)} rounds; each round measured the in-process rate, then concurrency "
                  f"{', '.join(map(str, CONCURRENCY))}, with the in-process rate measured before and after each "
                  f"load; each ratio divides by the mean of those two. "
                  f"Target: at concurrency 8, at least {TARGET} × the in-process rate per worker, with no error: "
                  f"**{'met' if met else 'not met'}** ({at_8:.2f} ×)."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="Requests per concurrency level and round.")
    parser.add_argument("--postings", type=int, default=200, help="Different postings sent in turn.")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--write", help="Append the figures as a new section of this Markdown file.")
    args = parser.parse_args()
    from classifier import Classifier

    items = [{"text": text, "title": title} for title, text in postings(args.postings, seed=7)]
    bodies = [json.dumps(item, ensure_ascii=False).encode() for item in items]
    classifier = Classifier.load()
    in_process_rate(classifier, items)  # warm the vocabulary, as the service is warmed below
    rounds = []
    with running_service("--workers", str(args.workers)) as service:
        port = int(service.url.rsplit(":", 1)[1])
        load(port, bodies, len(bodies) * args.workers, max(CONCURRENCY))  # warm every worker's vocabulary
        for number in range(1, args.rounds + 1):
            before = in_process_rate(classifier, items)
            rounds.append([])
            for concurrency in CONCURRENCY:
                figures = load(port, bodies, args.requests, concurrency)
                after = in_process_rate(classifier, items)
                figures.baseline = (before + after) / 2
                before = after
                rounds[-1].append(figures)
                print(f"round {number}, concurrency {concurrency:>2}: {figures.rate:,.0f} requests/s "
                      f"({figures.rate / args.workers / figures.baseline:.2f} × in-process per worker, "
                      f"{figures.baseline:,.0f} postings/s), p50 {1000 * figures.percentile(0.5):.1f} ms, "
                      f"p99 {1000 * figures.percentile(0.99):.1f} ms, {figures.errors} errors", flush=True)
    text = report(rounds, args.workers, len(items))
    print("\n" + text)
    if args.write:
        with open(args.write, "a", encoding="utf-8") as handle:
            handle.write(f"\n## Service load (benchmarks/load.py)\n\n{text}\n")


if __name__ == "__main__":
    main()
