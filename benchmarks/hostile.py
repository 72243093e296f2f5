"""Hostile postings cost time linear in their length: in one run, the time to classify a normal
200 KB posting (corpus text, as HTML with one <p> per paragraph, and as plain text) and hostile ones
of the same size, and each ratio to the normal posting of the same kind. Target: every ratio <= 3.

Usage: python benchmarks/hostile.py [--size 200000] [--repeat 3]
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from postings import postings  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from classifier import Classifier  # noqa: E402
from classifier.errors import InputError  # noqa: E402


def normal_text(size: int) -> str:
    text = ""
    for _, body in postings(size // 2000 + 1):
        text += body + "\n\n"
    return text[:size]


def random_run(characters: str, length: int) -> str:
    """A run without spaces that spaCy's tokenizer cache has never seen."""
    rng = random.Random(length)
    return "".join(rng.choice(characters) for _ in range(length))


def hostile_postings(size: int) -> dict[str, tuple[str, str]]:
    """Name -> (kind of the normal posting it is compared with, text)."""
    lead = "<p>Product Owner</p>"
    return {
        "unclosed <script>": ("html", lead + "<script>" + "var a = b < c && d;\n" * (size // 20)),
        "unclosed <!--": ("html", lead + "<!--" + "<p>commentaire</p>\n" * (size // 19)),
        "60,000 unclosed '<a '": ("html", lead + "<a " * (size // 3)),
        "100,000 nested <div>": ("html", lead + "<div>" * (size // 5)),
        "16,000 '?' in a row": ("plain", normal_text(size - 16_000) + "?" * 16_000),
        f"{size:,} '?' in a row": ("plain", "Product Owner " + "?" * size),
        "16,000 '!?' in a row": ("plain", normal_text(size - 16_000) + "!?" * 8_000),
        f"one {size:,}-letter word": ("plain", "Product Owner " + "a" * size),
        f"{size:,} random punctuation": ("plain", "Product Owner " + random_run("?!.;:,)(»«-…", size)),
        f"{size:,} random URL-like": ("plain", "Product Owner " + random_run("abcdefgh/.-_=&?", size)),
        f"{size // 2:,} '](' in a row": ("plain", "Product Owner " + "](" * (size // 2)),
        f"{size // 4:,} '[a](' in a row": ("plain", "Product Owner " + "[a](" * (size // 4)),
        f"{size // 7:,} '[a](b) ' links": ("plain", "Product Owner " + "[a](b) " * (size // 7)),
        f"{size // 4:,} 'a # ' on one line": ("plain", "Product Owner " + "a # " * (size // 4)),
        f"{size // 5:,} '## x' lines": ("plain", "Product Owner\n" + "## x\n" * (size // 5)),
        f"о + {size:,}-letter word": ("plain", "Product Оwner о " + "a" * size),
        f"{size // 2:,} 'aо' in a row": ("plain", "Product Owner " + "aо" * (size // 2)),
    }


def seconds(classifier: Classifier, text: str, repeat: int) -> float:
    """The best of `repeat` runs, each on a fresh vocabulary and tokenizer (no cache helps)."""
    best = float("inf")
    for _ in range(repeat):
        classifier.analyzer.matcher.renew_vocab()
        start = time.perf_counter()
        try:
            classifier.classify(text)
        except InputError:
            pass
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    classifier = Classifier.load()
    plain = normal_text(args.size)
    html = "".join(f"<p>{paragraph}</p>\n" for paragraph in plain.split("\n\n"))
    normal = {"plain": seconds(classifier, plain, args.repeat), "html": seconds(classifier, html, args.repeat)}
    print(f"normal posting, plain text, {len(plain):,} characters: {normal['plain']:.3f} s")
    print(f"normal posting, HTML, {len(html):,} characters: {normal['html']:.3f} s")
    print(f"{'hostile posting':28} {'characters':>10} {'seconds':>8} {'ratio':>6}  (target <= 3)")
    worst = 0.0
    for name, (kind, text) in hostile_postings(args.size).items():
        took = seconds(classifier, text, args.repeat)
        ratio = took / normal[kind]
        worst = max(worst, ratio)
        print(f"{name:28} {len(text):>10,} {took:>8.3f} {ratio:>6.2f}")
    print(f"worst ratio: {worst:.2f} ({'met' if worst <= 3 else 'MISSED'})")


if __name__ == "__main__":
    main()
