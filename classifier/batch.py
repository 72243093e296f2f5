"""Batch classification of CSV, JSON Lines and Excel files: every input row gives exactly one output row,
in input order, streamed with flat memory, optionally on several processes; the output file
appears complete or not at all.
"""
from __future__ import annotations

import ctypes
import csv
import gc
import json
import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import EXIT_INTERRUPTED, ClassifierError, InputError, OutputError
from .explain import RowResult
from .htmlreport import BatchReport
from .rules import CLASSES
from .tables import Columns, Row, has_surrogate, shorten, table_rows

CHUNK_ROWS = 64
PARTIAL = ".classify-partial-"  # `.<output name>.classify-partial-<pid>`: an output being written
MAX_NAME_BYTES = 255
PR_SET_PDEATHSIG = 1  # Linux prctl option: a signal for this process when its parent dies
RESULT_COLUMNS = ("label", "confidence", *(f"prob_{c}" for c in CLASSES), "evidence", "error")
NUMBER_COLUMNS = frozenset(("confidence", *(f"prob_{c}" for c in CLASSES)))

_classifiers: dict = {}
# A batch allocates many short-lived objects per posting (hits, token lists, rows) and keeps few, so
# the collector's default pass every 700 allocations runs thousands of times for little. Once a
# classifier is loaded its objects are frozen out of the passes (also sparing a forked worker's
# copies of them), and passes come every GC_THRESHOLD allocations (3-4 % of `classify`'s time).
GC_THRESHOLD = 50_000


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
        gc.freeze()
        gc.set_threshold(GC_THRESHOLD, 10, 10)
    return _classifiers[key]


def result_cells(outcome: RowResult | ClassifierError) -> dict[str, str]:
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
    rows = [InputError(error) if error else (text, title) for text, title, error in items]
    return [result_cells(outcome) for outcome in classifier.classify_rows(rows)]


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


def _worker_signals(parent: int) -> None:
    """Workers leave Ctrl-C to the main process, stop quietly when it terminates them, and die
    with it when it is killed (SIGKILL), instead of writing to its closed pipes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux
        pass
    if os.getppid() != parent:  # died before prctl
        os._exit(0)


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
    with context.Pool(jobs, initializer=_worker_signals, initargs=(os.getpid(),)) as pool:
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
    """Writes rows with their result cells as the batch output: CSV (Excel's form with `excel`, tabs
    with `delimiter="\t"`) or JSON Lines."""

    def __init__(self, stream: Output, output_format: str, header: list[str], excel: bool, delimiter: str = ","):
        self.stream = stream
        self.output_format = output_format
        self.names = result_names(header)
        self.decimal_comma = excel
        if output_format == "csv":
            self.csv = csv.writer(stream, delimiter=";" if excel else delimiter, lineterminator="\r\n" if excel else "\n")
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
            line = json.dumps({**source, **named}, ensure_ascii=False)
            if has_surrogate(line):  # a lone surrogate read from a JSON escape is written back escaped
                line = json.dumps({**source, **named})
            self.stream.write(line + "\n")

    def finish(self) -> None:
        """Nothing left to write: each row was written as it came."""

    def discard(self) -> None:
        """Nothing to close: the output stream is the caller's."""


def writer_for(target: Output, output_format: str, header: list[str], columns: Columns, excel: bool,
               delimiter: str):
    """The writer of the batch output in `output_format` ("csv", "jsonl" or "xlsx")."""
    if output_format == "xlsx":
        from .workbooks import WorkbookWriter

        return WorkbookWriter(target, header, result_names(header), NUMBER_COLUMNS, columns.text)
    return RowWriter(target, output_format, header, excel, delimiter)


def _number(column: str, value: str):
    """Probabilities as JSON numbers in JSON Lines output."""
    return float(value) if column in NUMBER_COLUMNS and value else value


def run_batch(source: str, input_format: str, output: str | None, output_format: str, *, excel: bool = False,
              jobs: int = 1, quiet: bool = False, encoding: str | None = None, delimiter: str | None = None,
              columns: dict | None = None, model: str | None = None, rules: str | None = None,
              report: str | None = None, sheet: str | None = None, output_delimiter: str = ",") -> BatchSummary:
    """Classify every row of a CSV, JSONL or Excel file into `output` (a path, or standard output when
    None); with `report`, also write an HTML summary page there."""
    with table_rows(source, input_format, encoding, delimiter, columns or {}, sheet) as (header, found, rows):
        return write_batch(rows, header, found, output, output_format, excel=excel, jobs=jobs, quiet=quiet,
                           model=model, rules=rules, report=report, output_delimiter=output_delimiter,
                           source_name=Path(source).name if source != "-" else "entrée standard")


def write_batch(rows: Iterator[Row], header: list[str], columns: Columns, output: str | None, output_format: str, *,
                excel: bool = False, jobs: int = 1, quiet: bool = False, model: str | None = None,
                rules: str | None = None, report: str | None = None, output_delimiter: str = ",",
                source_name: str = "") -> BatchSummary:
    """Classify rows (of a table, or of posting files) into `output`, in order, complete or not at all,
    with a progress line on a terminal; with `report`, also write the summary page of `source_name`."""
    rows_done = errors = 0
    overview = BatchReport(columns) if report else None
    target = Output(output)
    progress = Progress(sys.stderr.isatty() and not quiet)
    writer = None
    try:
        writer = writer_for(target, output_format, header, columns, excel, output_delimiter)
        for row, cells in classified_rows(rows, jobs, model, rules):
            writer.write(row, cells)
            rows_done += 1
            errors += bool(cells["error"])
            if overview is not None:
                overview.add(row, cells)
            progress.update(rows_done)
        writer.finish()
        target.commit()
    except KeyboardInterrupt:
        discard_output(writer, target)
        raise Interrupted(rows_done, output) from None
    except BaseException:
        discard_output(writer, target)
        raise
    finally:
        progress.done()
    if overview is not None:
        write_whole(report, overview.page(source_name))
    return BatchSummary(rows_done, errors)


def discard_output(writer, target: "Output") -> None:
    """After a failure: the writer closed, if there is one, and the partial output removed."""
    if writer is not None:
        writer.discard()
    target.discard()


class Interrupted(ClassifierError):
    exit_code = EXIT_INTERRUPTED

    def __init__(self, rows: int, output: str | None):
        where = f"; {output} was not written" if output else ""
        super().__init__(f"interrupted after {rows:,} rows{where}")


class Output:
    """Where results go, as UTF-8: standard output (never closed), a device or a pipe (/dev/null,
    /dev/stdout) written directly, or a file written aside, as `.<name>.classify-partial-<pid>`,
    and renamed when complete, so that it appears complete or not at all. A write that fails raises
    OutputError naming the user's output."""

    def __init__(self, output: str | None):
        self.path = None if output in (None, "-") else output
        self.partial: Path | None = None
        if self.path is None:
            self.stream = sys.stdout.buffer
            return
        if os.path.exists(self.path) and not os.path.isfile(self.path):
            self.stream = self._attempt(open, self.path, "wb")
            return
        if len(Path(self.path).name.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES:
            raise OutputError(f"{shorten(self.path)}: cannot write: file name longer than {MAX_NAME_BYTES} bytes")
        directory = Path(os.path.realpath(self.path)).parent
        if not directory.is_dir():
            raise OutputError(f"{shorten(self.path)}: the directory {shorten(str(directory))} does not exist")
        remove_stale_partials(directory)
        self.partial = directory / partial_name(Path(self.path).name, os.getpid())
        self._attempt(self.partial.unlink, True)  # our own pid's: left by a killed run that had it
        descriptor = self._attempt(os.open, self.partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666)
        self.stream = open(descriptor, "wb")

    def _attempt(self, action, *args):
        try:
            return action(*args)
        except BrokenPipeError:
            raise
        except OSError as error:
            where = shorten(self.path) if self.path else "standard output"
            raise OutputError(f"{where}: cannot write: {error.strerror or error}") from None

    def write(self, text: str) -> None:
        self._attempt(self.stream.write, text.encode("utf-8"))

    def save_with(self, save) -> None:
        """Let `save` write binary content (a workbook) to the output stream."""
        self._attempt(save, self.stream)

    def commit(self) -> None:
        """The output complete: the file renamed into place, or standard output flushed."""
        self._attempt(self.stream.flush if self.path is None else self.stream.close)
        if self.partial:
            self._attempt(os.replace, self.partial, self.path)

    def discard(self) -> None:
        """After a failure: the partial file removed (standard output is left as it is)."""
        if self.path is None:
            return
        try:
            self.stream.close()
        except OSError:
            pass
        if self.partial:
            self.partial.unlink(missing_ok=True)


def write_whole(output: str | None, text: str) -> None:
    """Write text to a file that appears complete or not at all (or to standard output when None)."""
    target = Output(output)
    try:
        target.write(text)
        target.commit()
    except BaseException:
        target.discard()
        raise


def partial_name(name: str, pid: int) -> str:
    """The partial file of an output name, the name cut so that it fits in a file name."""
    suffix = f"{PARTIAL}{pid}"
    room = MAX_NAME_BYTES - 1 - len(suffix.encode())
    return "." + name.encode("utf-8", "surrogateescape")[:room].decode("utf-8", "ignore") + suffix


def remove_stale_partials(directory: Path) -> None:
    """Remove the partial files of our runs that were killed (their process is gone)."""
    for path in directory.glob(f".*{PARTIAL}*"):
        pid = path.name.rpartition(PARTIAL)[2]
        if pid.isdigit() and not _running(int(pid)):
            try:
                path.unlink(missing_ok=True)
            except OSError:  # not ours to remove after all: left alone
                pass


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True
