"""Batch classification of CSV and JSON Lines files: every input row gives exactly one output row,
in input order, streamed with flat memory, optionally on several processes; the output file
appears complete or not at all.
"""
from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import signal
import sys
import tempfile
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .errors import EXIT_INTERRUPTED, ClassifierError, InputError
from .explain import RowResult
from .htmlreport import BatchReport
from .rules import CLASSES
from .tables import Row, open_text, read_csv, read_jsonl

CHUNK_ROWS = 64
RESULT_COLUMNS = ("label", "confidence", *(f"prob_{c}" for c in CLASSES), "evidence", "error")
NUMBER_COLUMNS = frozenset(("confidence", *(f"prob_{c}" for c in CLASSES)))

_classifiers: dict = {}


@dataclass
class BatchSummary:
    rows: int
    errors: int


def classifier_for(model: str | None, rules: str | None):
    """One classifier per process and (model, rules), loaded on first use (inherited as is by
    forked workers)."""
    key = (model, rules)
    if key not in _classifiers:
        from .pipeline import Classifier

        _classifiers[key] = Classifier.load(model, rules)
    return _classifiers[key]


def result_cells(outcome: RowResult | ClassifierError | str) -> dict[str, str]:
    """The result columns of one row; a row that cannot be classified gets only its `error`."""
    cells = dict.fromkeys(RESULT_COLUMNS, "")
    if isinstance(outcome, RowResult):
        cells.update(label=outcome.label, confidence=f"{outcome.confidence:.4f}", evidence=outcome.evidence)
        for c in CLASSES:
            cells[f"prob_{c}"] = f"{outcome.probabilities.get(c, 0.0):.4f}"
    else:
        cells["error"] = str(outcome)
    return cells


def classify_chunk(items: list[tuple[str, str | None, str]], model: str | None = None, rules: str | None = None) -> list[dict]:
    """The per-batch function: (text, title, error) triples in, result cells out, in order, the
    postings classified together. It is what `--jobs` runs in each process, and what a distributed
    engine can run per partition."""
    classifier = classifier_for(model, rules)
    outcomes = iter(classifier.classify_rows([(text, title) for text, title, error in items if not error]))
    return [result_cells(error or next(outcomes)) for _, _, error in items]


def classify_frame(frame, text_column: str, title_column: str | None = None, model: str | None = None,
                   rules: str | None = None):
    """A pandas DataFrame partition in, the same with the result columns added (Dask's
    `map_partitions`, Spark's `mapInPandas`)."""
    items = []
    for text, title in zip(frame[text_column], frame[title_column] if title_column else [None] * len(frame)):
        text = text if isinstance(text, str) else ""
        title = title if isinstance(title, str) else None
        items.append((text, title, "" if text.strip() else f"empty text in column {text_column!r}"))
    cells = classify_chunk(items, model, rules)
    names = result_names(list(frame.columns))
    return frame.assign(**{names[name]: [c[name] for c in cells] for name in RESULT_COLUMNS})


def result_names(header: list[str]) -> dict[str, str]:
    """The name of each result column: `label_pred` and so on where the input has a column of that name."""
    return {name: (name if name not in header else f"{name}_pred") for name in RESULT_COLUMNS}


def _worker_signals() -> None:
    """Workers leave Ctrl-C to the main process, and stop quietly when it terminates them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _chunks(rows: Iterator[Row]) -> Iterator[list[Row]]:
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def classified_rows(rows: Iterator[Row], jobs: int, model: str | None, rules: str | None) -> Iterator[tuple[Row, dict]]:
    """Rows with their result cells, in input order, at most 2 × jobs chunks in flight."""
    if jobs <= 1:
        for chunk in _chunks(rows):
            yield from zip(chunk, classify_chunk([(r.text, r.title, r.error) for r in chunk], model, rules))
        return
    classifier_for(model, rules)  # load once, before the fork, so workers share it
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs, initializer=_worker_signals) as pool:
        pending: deque = deque()
        for chunk in _chunks(rows):
            pending.append((chunk, pool.apply_async(classify_chunk, ([(r.text, r.title, r.error) for r in chunk], model, rules))))
            while len(pending) >= 2 * jobs:
                done, future = pending.popleft()
                yield from zip(done, future.get())
        while pending:
            done, future = pending.popleft()
            yield from zip(done, future.get())


class Progress:
    """Rows and rows per second on standard error, when it is a terminal."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.started = self.shown = time.monotonic()

    def update(self, rows: int) -> None:
        now = time.monotonic()
        if self.enabled and now - self.shown >= 0.5:
            self.shown = now
            rate = rows / max(now - self.started, 1e-9)
            sys.stderr.write(f"\r{rows:,} rows  {rate:,.0f} rows/s ")
            sys.stderr.flush()

    def done(self) -> None:
        if self.enabled:
            sys.stderr.write("\r\033[K")


class RowWriter:
    """Writes rows with their result cells as the batch output: CSV (Excel's form with `excel`) or JSON Lines."""

    def __init__(self, stream: IO[str], output_format: str, header: list[str], excel: bool):
        self.stream = stream
        self.output_format = output_format
        self.names = result_names(header)
        self.decimal_comma = excel
        if output_format == "csv":
            self.csv = csv.writer(stream, delimiter=";" if excel else ",", lineterminator="\r\n" if excel else "\n")
            if excel:
                stream.write("\ufeff")
            self.header = header
            self.csv.writerow(header + list(self.names.values()))

    def write(self, row: Row, cells: dict[str, str]) -> None:
        if self.output_format == "csv":
            if self.decimal_comma:  # French Excel reads "0,9940" as a number, "0.9940" as text
                cells = {k: v.replace(".", ",") if k in NUMBER_COLUMNS else v for k, v in cells.items()}
            named = {self.names[k]: v for k, v in cells.items()}
            self.csv.writerow([row.cells.get(h, "") for h in self.header] + list(named.values()))
        else:
            named = {self.names[k]: _number(k, v) for k, v in cells.items()}
            source = row.raw if row.raw is not None else row.cells
            self.stream.write(json.dumps({**source, **named}, ensure_ascii=False) + "\n")


def _number(column: str, value: str):
    """Probabilities as JSON numbers in JSON Lines output."""
    return float(value) if column in NUMBER_COLUMNS and value else value


def run_batch(source: str, input_format: str, output: str | None, output_format: str, *, excel: bool = False,
              jobs: int = 1, quiet: bool = False, encoding: str | None = None, delimiter: str | None = None,
              columns: dict | None = None, model: str | None = None, rules: str | None = None,
              report: str | None = None) -> BatchSummary:
    """Classify every row of a CSV or JSONL file into `output` (a path, or standard output when None);
    with `report`, also write an HTML summary page there."""
    stream, used = open_text(source, encoding)
    rows_done = errors = 0
    with stream:
        if input_format == "jsonl":
            header, found, rows = read_jsonl(stream, used, columns or {})
        else:
            header, found, rows = read_csv(stream, used, delimiter, columns or {})
        overview = BatchReport(found) if report else None
        target, temporary = _open_output(output)
        progress = Progress(sys.stderr.isatty() and not quiet)
        try:
            writer = RowWriter(target, output_format, header, excel)
            for row, cells in classified_rows(rows, jobs, model, rules):
                writer.write(row, cells)
                rows_done += 1
                errors += bool(cells["error"])
                if overview is not None:
                    overview.add(row, cells)
                progress.update(rows_done)
            target.flush()
        except KeyboardInterrupt:
            progress.done()
            _discard(target, temporary)
            raise Interrupted(rows_done, output) from None
        except BaseException:
            progress.done()
            _discard(target, temporary)
            raise
        progress.done()
        if temporary:
            target.close()
            os.replace(temporary, output)
    if overview is not None:
        write_whole(report, overview.page(Path(source).name if source != "-" else "entrée standard"))
    return BatchSummary(rows_done, errors)


class Interrupted(ClassifierError):
    exit_code = EXIT_INTERRUPTED

    def __init__(self, rows: int, output: str | None):
        where = f"; {output} was not written" if output else ""
        super().__init__(f"interrupted after {rows:,} rows{where}")


def write_whole(output: str, text: str) -> None:
    """Write a file that appears complete or not at all."""
    target, temporary = _open_output(output)
    try:
        target.write(text)
    finally:
        target.close()
    os.replace(temporary, output)


def _open_output(output: str | None) -> tuple[IO[str], str | None]:
    if output is None or output == "-":
        return io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=False), None
    directory = Path(output).resolve().parent
    if not directory.is_dir():
        raise InputError(f"{output}: the directory {directory} does not exist")
    handle, temporary = tempfile.mkstemp(prefix=f".{Path(output).name}.", suffix=".partial", dir=directory)
    os.fchmod(handle, _new_file_mode())
    return open(handle, "w", encoding="utf-8", newline=""), temporary


def _new_file_mode() -> int:
    """The permissions `open` gives a new file (mkstemp's temporary file is readable by its owner only)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _discard(target: IO[str], temporary: str | None) -> None:
    if temporary:
        target.close()
        Path(temporary).unlink(missing_ok=True)
