"""Read postings from files as exports write them: plain text, CSV (any common delimiter and
encoding, quoted multi-line cells), JSON Lines and Excel workbooks (see `workbooks`), one `Row` at a
time, without loading the file.

A row that cannot be used (ragged, undecodable, not JSON, no text) still comes out, with its
`error` set, so that every input row gives exactly one output row.
"""
from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import re
import sys
import unicodedata
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from .errors import InputError

# tables of postings by extension, and the format each is read as (.xls and .ods are read as
# workbooks to be refused with a hint: save as .xlsx or CSV)
TABLE_FORMATS = {".csv": "csv", ".tsv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".xlsx": "xlsx", ".xlsm": "xlsx",
                 ".xls": "xlsx", ".ods": "xlsx"}
SAMPLE_BYTES = 1 << 16
MAX_LINES_BEFORE_HEADER = 1000  # JSON Lines: bad lines kept, in memory, until the first JSON object
DELIMITERS = (";", ",", "\t", "|")
TEXT_COLUMNS = ("description", "descriptif", "descriptif du poste", "description du poste", "description de l'offre",
                "job description", "job_description", "texte", "text", "texte de l'annonce", "annonce", "contenu",
                "body", "content", "details", "offre", "missions")
TITLE_COLUMNS = ("intitule", "intitule du poste", "intitule de poste", "titre", "titre du poste", "title", "job title",
                 "job_title", "poste", "libelle", "libelle du poste", "nom du poste", "position", "role")
ID_COLUMNS = ("id", "identifiant", "reference", "ref", "job id", "job_id", "offre id", "id offre", "numero", "code")
LABEL_COLUMNS = ("label", "classe", "class", "categorie", "category", "role_label", "etiquette")

_UNDECODED = re.compile("[\udc00-\udcff]")  # bytes the decoder could not read (see `_keep_bad_bytes`)
_SURROGATE = re.compile("[\ud800-\udfff]")  # not Unicode text: cannot be written as UTF-8
UNDECODED_BYTES = "classifier-undecoded"

csv.field_size_limit(sys.maxsize)


def _keep_bad_bytes(error: UnicodeError) -> tuple[str, int]:
    """Decoding error handler: each byte that cannot be read becomes the surrogate U+DC00 + byte, as
    "surrogateescape" does, but for any byte (a bad UTF-16 code unit holds bytes below 0x80), so a
    bad cell is marked instead of the whole file failing."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return "".join(chr(0xDC00 + byte) for byte in error.object[error.start:error.end]), error.end


codecs.register_error(UNDECODED_BYTES, _keep_bad_bytes)


@dataclass
class Row:
    """One input row: its cells in input order, the posting found in them, or the error."""

    number: int
    cells: dict[str, str]
    raw: dict | None = None  # a JSON Lines row as read, its values untouched
    typed: dict | None = None  # a workbook row's cells as read: numbers, dates… (see `workbooks`)
    text: str = ""
    title: str | None = None
    error: str = ""
    extra: dict = field(default_factory=dict)


@dataclass
class Columns:
    text: str
    title: str | None = None
    id: str | None = None
    label: str | None = None


def _name(header: str) -> str:
    decomposed = unicodedata.normalize("NFKD", header.strip().lower())
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).replace("_", " ").replace("-", " ")
    return " ".join(folded.split())  # a name over two lines reads as on one


def unique_names(header: list[str]) -> list[str]:
    """Header names made unique, so no column is lost: a second "note" becomes "note_2", an empty
    name "column_3"."""
    seen: set[str] = set()
    names = []
    for position, name in enumerate(header, 1):
        name = name or f"column_{position}"
        base, n = name, 1
        while name in seen:
            n += 1
            name = f"{base}_{n}"
        seen.add(name)
        names.append(name)
    return names


def find_column(header: list[str], wanted: str | None, candidates: tuple[str, ...], what: str,
                required: bool) -> str | None:
    """The column named `wanted`, or the first header matching a known name for `what`."""
    if wanted:
        if wanted in header:
            return wanted
        raise InputError(f"no column {wanted!r} for the {what}; the header has: {', '.join(header)}")
    names = {_name(h): h for h in header}
    for candidate in candidates:
        if _name(candidate) in names:
            return names[_name(candidate)]
    if required:
        raise InputError(f"no {what} column found (use --{what}-column); the header has: {', '.join(header)}")
    return None


def detect_encoding(sample: bytes) -> str:
    """BOMs first (UTF-8, UTF-16); then UTF-8 when the sample has no more bytes invalid in UTF-8 than
    accented UTF-8 characters, else cp1252 (old Excel). So a UTF-8 export with one stray cp1252 byte
    stays UTF-8: that row gets an error instead of every accent of the file coming out garbled."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    text = codecs.getincrementaldecoder("utf-8")("surrogateescape").decode(sample, final=False)
    stray = sum("\udc80" <= c <= "\udcff" for c in text)
    accented = sum(c > "\x7f" for c in text) - stray
    return "utf-8" if stray <= accented else "cp1252"


def sniff_delimiter(first_line: str) -> str:
    """The candidate delimiter the header line holds most of (`,` when it holds none)."""
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def open_text(source: str | Path, encoding: str | None) -> tuple[IO[str], str]:
    """A text stream over a file or `-` (standard input), decoding errors kept as surrogates."""
    raw = getattr(sys.stdin.buffer, "raw", sys.stdin.buffer) if str(source) == "-" else open_binary(source)
    buffered = io.BufferedReader(raw, buffer_size=SAMPLE_BYTES)  # so that peek() sees the whole sample
    sample = buffered.peek(SAMPLE_BYTES)[:SAMPLE_BYTES]
    if encoding is None:
        if b"\0" in sample and not sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            if sample.count(b"\0") > len(sample) // 10:
                raise InputError(f"{source}: looks like a binary file, not text")
        encoding = detect_encoding(sample)
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}") from None
    return io.TextIOWrapper(buffered, encoding=encoding, errors=UNDECODED_BYTES, newline=""), encoding


def open_binary(path: str | Path):
    """A file opened to read bytes, unbuffered; InputError saying why it cannot be."""
    path = Path(path)
    try:
        return open(path, "rb", buffering=0)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as error:  # a symbolic link loop, a name too long…
        raise InputError(f"{shorten(str(path))}: cannot open: {error.strerror or error}") from None


def shorten(name: str, limit: int = 120) -> str:
    """A file name cut in the middle when it is too long for a one-line message."""
    return name if len(name) <= limit else f"{name[:limit // 2]}…{name[-limit // 2:]}"


def undecodable(value: str) -> bool:
    """True when the value holds bytes the decoder could not read (kept as lone surrogates)."""
    return _UNDECODED.search(value) is not None


def has_surrogate(value: str) -> bool:
    """True when the value holds a lone surrogate: not Unicode text, it cannot be written as UTF-8."""
    return _SURROGATE.search(value) is not None


def replace_surrogates(value: str) -> str:
    """The value with each lone surrogate (an unreadable byte, a bad escape) replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", value)


def with_posting(row: Row, columns: Columns, encoding: str) -> Row:
    """The row with its posting (text, title, label) taken from its cells, or its error."""
    bad = [name for name, value in row.cells.items() if has_surrogate(name + (value if isinstance(value, str) else ""))]
    if bad:
        if row.raw is None:  # a CSV cell: bytes the decoder could not read
            problem = f"bytes not valid in {encoding} in column {bad[0]!r} (try --encoding)"
        else:  # a JSON escape such as "\\ud83d" that is half of a character
            problem = f"a lone surrogate (half of a character) in {replace_surrogates(bad[0])!r}: not valid Unicode"
        row.error = row.error or problem
        row.cells = {replace_surrogates(k): replace_surrogates(v) if isinstance(v, str) else v
                     for k, v in row.cells.items()}
    text = row.cells.get(columns.text)
    row.text = text if isinstance(text, str) else ""
    title = row.cells.get(columns.title) if columns.title else None
    row.title = title if isinstance(title, str) and title.strip() else None
    if columns.label:
        row.extra["label"] = row.cells.get(columns.label)
    if not row.error and not row.text.strip():
        row.error = f"empty text in column {columns.text!r}"
    return row


class _Lines:
    """The physical lines of a text stream, counted, those of the record being read kept, and
    whether the end of the file was reached (by the CSV reader inside a quoted cell, if a record
    is still open). Lines can be given back, to be read again before the rest."""

    def __init__(self, stream: IO[str]):
        self.stream = stream
        self.count = 0
        self.record: list[str] = []
        self.ended = False
        self.again: deque[str] = deque()

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self.again.popleft() if self.again else self.stream.readline()
        if not line:
            self.ended = True
            raise StopIteration
        self.count += 1
        self.record.append(line)
        return line

    def read_again(self, lines: list[str], first_number: int) -> None:
        """Read these lines (numbered from `first_number`) once more, before the rest."""
        self.again = deque(lines + list(self.again))
        self.count = first_number - 1
        self.ended = False


def read_csv(stream: IO[str], encoding: str, delimiter: str | None, wanted: Columns | dict) -> tuple[list[str], Columns, Iterator[Row]]:
    lines = _Lines(stream)
    first = next((line for line in lines if line.strip()), None)
    if first is None:
        raise InputError("the CSV file is empty: no header line")
    delimiter = delimiter or sniff_delimiter(first)
    lines.record = [first]
    names = next(csv.reader(itertools.chain([first], lines), delimiter=delimiter))
    if lines.ended:
        raise InputError(f"the header (line {lines.count - len(lines.record) + 1}) opens a quote that is never closed")
    header = unique_names([h.lstrip("\ufeff").strip() for h in names])
    if any(undecodable(h) for h in header):
        raise InputError(f"the header is not valid {encoding} (try --encoding)")
    columns = resolve_columns(header, wanted)
    return header, columns, _csv_rows(lines, delimiter, header, columns, encoding)


def _csv_rows(lines: _Lines, delimiter: str, header: list[str], columns: Columns, encoding: str) -> Iterator[Row]:
    """The rows of the CSV lines. A quote not closed where its cell should end makes that cell take
    in the lines after it (to the end of the file, or to the next quote): that row gets an error,
    and the lines its cell took in are read again as rows of their own, each with an error, so that
    no row is lost in silence."""
    number, quote_line, last_taken = 0, 0, 0  # the last quote never closed, the last line it took in
    while True:
        lines.record = []
        for values in csv.reader(lines, delimiter=delimiter):
            taken, start = lines.record, lines.count - len(lines.record) + 1
            lines.record = []
            if not values:
                continue
            number += 1
            if (len(taken) > 1 or lines.ended) and not _well_formed(taken, delimiter):
                yield with_posting(_unclosed_quote_row(number, taken, start, lines.ended, header, delimiter), columns, encoding)
                quote_line = start if start > last_taken else quote_line
                last_taken = max(last_taken, start + len(taken) - 1)
                lines.read_again(taken[1:], start + 1)
                break
            row = _csv_row(number, values, header, delimiter)
            if start <= last_taken:
                row.error = row.error or f"follows a quote never closed on line {quote_line}: check this row"
            yield with_posting(row, columns, encoding)
        else:
            return


def _unclosed_quote_row(number: int, taken: list[str], start: int, at_end: bool, header: list[str],
                        delimiter: str) -> Row:
    """The row of a quote not closed where its cell ends, read from its first line alone."""
    row = _csv_row(number, next(csv.reader([taken[0].rstrip("\r\n")], delimiter=delimiter)), header, delimiter)
    problem = "is never closed" if at_end else "is not closed where its cell ends"
    taken_in = f" (its cell would take in lines {start + 1}–{start + len(taken) - 1}, read as rows of their own)" \
        if len(taken) > 1 else ""
    row.error = row.error or f"a quote opened on line {start} {problem}{taken_in}"
    return row


def _well_formed(lines: list[str], delimiter: str) -> bool:
    """True when the lines are one CSV record whose quotes all close where their cells end."""
    try:
        return len(list(csv.reader(lines, delimiter=delimiter, strict=True))) == 1
    except csv.Error:
        return False


def _csv_row(number: int, values: list[str], header: list[str], delimiter: str) -> Row:
    row = Row(number, dict(zip(header, values + [""] * (len(header) - len(values)))))
    if len(values) != len(header):
        extra = f"; the extra fields are dropped: {delimiter.join(values[len(header):])[:200]!r}" \
            if len(values) > len(header) else ""
        row.error = f"row has {len(values)} fields, the header has {len(header)}{extra}"
    return row


def read_jsonl(stream: IO[str], encoding: str, wanted: Columns | dict) -> tuple[list[str], Columns, Iterator[Row]]:
    """The header is the keys of the first line that is a JSON object; lines before it are rows
    with their error."""
    lines = (line for line in stream if line.strip())
    before: list[str] = []
    for first_line in lines:
        first = _json_object(first_line)
        if first is not None:
            break
        before.append(first_line)
        if len(before) > MAX_LINES_BEFORE_HEADER:
            raise InputError(f"none of the first {MAX_LINES_BEFORE_HEADER:,} lines is a JSON object")
    else:
        raise InputError("the JSON Lines file is empty" if not before else "no line of the file is a JSON object")
    header = [replace_surrogates(key) for key in first]
    columns = resolve_columns(header, wanted)

    def rows() -> Iterator[Row]:
        for number, line in enumerate(itertools.chain(before, [first_line], lines), 1):
            yield _jsonl_row(number, line, columns, encoding)

    return header, columns, rows()


def _json_object(line: str) -> dict | None:
    try:
        value = json.loads(line)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _jsonl_row(number: int, line: str, columns: Columns, encoding: str) -> Row:
    bad_bytes = undecodable(line)
    if bad_bytes:  # keep the row, readable, with its error
        line = replace_surrogates(line)
    row = _parse_jsonl(number, line, columns, encoding)
    if bad_bytes and not row.error:
        row.error = f"bytes not valid in {encoding} on this line (try --encoding)"
    return row


def _parse_jsonl(number: int, line: str, columns: Columns, encoding: str) -> Row:
    try:
        value = json.loads(line)
    except ValueError as error:  # a number too long to read has no `msg`
        return Row(number, {}, raw={"_raw": line.rstrip("\r\n")}, error=f"not valid JSON ({getattr(error, 'msg', error)})")
    if not isinstance(value, dict):
        return Row(number, {}, raw={"_raw": line.rstrip("\r\n")}, error="not a JSON object")
    cells = {k: (v if isinstance(v, str) or v is None else json.dumps(v, ensure_ascii=False)) for k, v in value.items()}
    return with_posting(Row(number, cells, raw=value), columns, encoding)


@contextmanager
def table_rows(source: str | Path, input_format: str, encoding: str | None, delimiter: str | None,
               wanted: Columns | dict, sheet: str | None = None):
    """The header, the columns found and the rows of a table file ("csv", "jsonl" or "xlsx"), the
    file open while they are read."""
    if input_format == "xlsx":
        from .workbooks import read_workbook

        header, columns, rows = read_workbook(source, wanted, sheet)
        try:
            yield header, columns, rows
        finally:
            rows.close()  # and the workbook with them
        return
    stream, used = open_text(source, encoding)
    with stream:
        yield read_jsonl(stream, used, wanted) if input_format == "jsonl" else read_csv(stream, used, delimiter, wanted)


def resolve_columns(header: list[str], wanted: Columns | dict) -> Columns:
    wanted = wanted if isinstance(wanted, dict) else wanted.__dict__
    return Columns(
        text=find_column(header, wanted.get("text"), TEXT_COLUMNS, "text", required=True),
        title=find_column(header, wanted.get("title"), TITLE_COLUMNS, "title", required=False),
        id=find_column(header, wanted.get("id"), ID_COLUMNS, "id", required=False),
        label=find_column(header, wanted.get("label"), LABEL_COLUMNS, "label", required=wanted.get("need_label", False)),
    )


COMMAND_ENCODING_HINT = "try --encoding cp1252 or latin-1"  # what the command's errors suggest
PYTHON_ENCODING_HINT = "try encoding='cp1252' or 'latin-1'"  # and what Python callers' do


def read_text_file(source: str | Path, encoding: str | None, hint: str) -> str:
    """A whole plain-text posting; empty, binary and undecodable files raise InputError (the last
    with `hint`, how to give the encoding)."""
    raw = sys.stdin.buffer.read() if str(source) == "-" else _read_bytes(source)
    name = "standard input" if str(source) == "-" else str(source)
    if not raw.strip():
        raise InputError(f"{name}: empty file, no posting to classify")
    if encoding is None:
        if b"\0" in raw and not raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise InputError(f"{name}: looks like a binary file, not text")
        if raw.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            encoding = detect_encoding(raw)
        else:
            encoding = "utf-8"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as error:
        raise InputError(f"{name}: not valid {encoding} at byte {error.start} ({hint})") from None
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}") from None
    if not text.strip():
        raise InputError(f"{name}: empty file, no posting to classify")
    return text.lstrip("\ufeff")


def _read_bytes(path: str | Path) -> bytes:
    with open_binary(path) as handle:
        return handle.read()
