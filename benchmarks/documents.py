"""What posting files cost by their format: the same realistic postings, one file each, classified
by one `classify` command into one CSV, as plain text (the baseline), as Word documents
(python-docx) and as PDFs (those documents exported by LibreOffice Writer), in rounds, one after
the other; the median rate and peak memory (max RSS) of each, and their ratios to the baseline of
the same round. Then the time to refuse PDFs whose few kB unpack to far more drawing than a posting's.

Needs the test extra (python-docx) and LibreOffice (`soffice`) on PATH.
Usage: python benchmarks/documents.py [--files 300] [--rounds 3]
"""
from __future__ import annotations

import argparse
import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from postings import postings, run_classify  # noqa: E402

def write_files(directory: Path, items: list[tuple[str, str]]) -> dict[str, list[Path]]:
    """Each posting as a .txt file (its title on the first line), a .docx (its title a heading) and
    the .pdf LibreOffice exports from that .docx."""
    import docx

    made: dict[str, list[Path]] = {".txt": [], ".docx": [], ".pdf": []}
    for i, (title, text) in enumerate(items):
        plain = directory / f"offre-{i:04d}.txt"
        plain.write_text(f"{title}\n\n{text}", encoding="utf-8")
        document = docx.Document()
        document.add_heading(title, 1)
        for paragraph in text.split("\n\n"):
            document.add_paragraph(paragraph)
        document.save(directory / f"offre-{i:04d}.docx")
        made[".txt"].append(plain)
        made[".docx"].append(directory / f"offre-{i:04d}.docx")
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        sys.exit("LibreOffice (soffice) is needed to export the PDFs")
    exported = directory / "pdf"
    for start in range(0, len(items), 50):  # one LibreOffice run of hundreds of files stopped short of the end
        subprocess.run([office, f"-env:UserInstallation={(directory / 'profile').as_uri()}", "--headless", "--convert-to",
                        "pdf", "--outdir", str(exported), *map(str, made[".docx"][start:start + 50])],
                       check=True, capture_output=True)
    made[".pdf"] = [exported / path.with_suffix(".pdf").name for path in made[".docx"]]
    missing = [path.name for path in made[".pdf"] if not path.exists()]
    if missing:
        sys.exit(f"LibreOffice did not export {len(missing)} of the PDFs ({missing[0]}…)")
    return made


def one_page_pdf(drawing: bytes) -> bytes:
    """A one-page PDF whose page draws `drawing` (deflated), in Helvetica."""
    packed = zlib.compress(drawing, 9)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R /Resources << /Font << /F1 "
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    table = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return bytes(out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, table))


def refusals() -> list[tuple[str, int, float, str]]:
    """(what, file size, seconds, outcome) of reading PDFs that draw far more than a posting does."""
    from classifier.documents import MAX_PDF_OPERATORS, document_text
    from classifier.errors import InputError

    cases = {f"{n:,} text operators": b"BT /F1 11 Tf " + b"(ab) Tj " * n + b"ET"
             for n in (MAX_PDF_OPERATORS // 2, 100_000, 1_000_000)}
    found = []
    for what, drawing in cases.items():
        data = one_page_pdf(drawing)
        started = time.perf_counter()
        try:
            outcome = f"read, {len(document_text(io.BytesIO(data), '.pdf', 'x')):,} characters"
        except InputError:
            outcome = "refused"
        found.append((what, len(data), time.perf_counter() - started, outcome))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    items = postings(args.files)
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        files = write_files(directory, items)
        rates: dict[str, list[float]] = {suffix: [] for suffix in files}
        memory: dict[str, list[int]] = {suffix: [] for suffix in files}
        for _ in range(args.rounds):
            for suffix, paths in files.items():
                seconds, peak = run_classify(*map(str, paths), "-o", str(directory / "out.csv"))
                rates[suffix].append(args.files / seconds)
                memory[suffix].append(peak)
    print(f"{args.files:,} postings of about 400 words, one file each, {args.rounds} rounds")
    print(f"{'':16}{'files/s':>10}{'ratio':>8}{'peak MiB':>10}{'ratio':>8}   per round")
    for suffix in files:
        ratios = [r / b for r, b in zip(rates[suffix], rates[".txt"])]
        print(f"{suffix + (' (baseline)' if suffix == '.txt' else ''):16}{statistics.median(rates[suffix]):10.0f}"
              f"{statistics.median(ratios):8.2f}{statistics.median(memory[suffix]) / 1024:10.0f}"
              f"{statistics.median(memory[suffix]) / statistics.median(memory['.txt']):8.2f}   "
              + ", ".join(f"{r:.2f}" for r in ratios))
    print("\nPDFs that draw far more than a posting does (one page, deflated):")
    for what, size, seconds, outcome in refusals():
        print(f"  {what:>26}: {size / 1024:6.1f} kB, {seconds:6.2f} s, {outcome}")


if __name__ == "__main__":
    main()
