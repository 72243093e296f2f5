"""Read postings from files as exports write them: plain text, CSV (any common delimiter and
encoding, quoted multi-line cells) and JSON Lines, one `Row` at a time, without loading the file.

A row that cannot be used (ragged, undecodable, not JSON, no text) still comes out, with its
`error` set, so that every input row gives exactly one output row.
"""
from __future__ import annotations

import codecs
import csv
import io
import json
import re
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from .errors import InputError

SAMPLE_BYTES = 1 << 16
DELIMITERS = (";", ",", "\t", "|")
TEXT_COLUMNS = ("description", "descriptif", "descriptif du poste", "description du poste", "description de l'offre",
                "job description", "job_description", "texte", "text", "texte de l'annonce", "annonce", "contenu",
                "body", "content", "details", "offre", "missions")
TITLE_COLUMNS = ("intitule", "intitule du poste", "intitule de poste", "titre", "titre du poste", "title", "job title",
                 "job_title", "poste", "libelle", "libelle du poste", "nom du poste", "position", "role")
ID_COLUMNS = ("id", "identifiant", "reference", "ref", "job id", "job_id", "offre id", "id offre", "numero", "code")
LABEL_COLUMNS = ("label", "classe", "class", "categorie", "category", "role_label", "etiquette")

_UNDECODED = re.compile("[\udc80-\udcff]")

csv.field_size_limit(sys.maxsize)


@dataclass
class Row:
    """One input row: its cells in input order, the posting found in them, or the error."""

    number: int
    cells: dict[str, str]
    raw: dict | None = None  # a JSON Lines row as read, its values untouched
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
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("_", " ").replace("-", " ")


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
    raw = getattr(sys.stdin.buffer, "raw", sys.stdin.buffer) if str(source) == "-" else _open_binary(source)
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
    return io.TextIOWrapper(buffered, encoding=encoding, errors="surrogateescape", newline=""), encoding


def _open_binary(path: str | Path):
    path = Path(path)
    try:
        return open(path, "rb", buffering=0)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None


def undecodable(value: str) -> bool:
    """True when the value holds bytes the decoder could not read (kept as lone surrogates)."""
    return _UNDECODED.search(value) is not None


def _posting(row: Row, columns: Columns, encoding: str) -> Row:
    bad = [name for name, value in row.cells.items() if isinstance(value, str) and undecodable(value)]
    if bad:
        row.error = row.error or f"bytes not valid in {encoding} in column {bad[0]!r} (try --encoding)"
        row.cells = {k: v.encode("utf-8", "surrogateescape").decode("utf-8", "replace") if isinstance(v, str) else v
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


def read_csv(stream: IO[str], encoding: str, delimiter: str | None, wanted: Columns | dict) -> tuple[list[str], Columns, Iterator[Row]]:
    first = stream.readline()
    if not first.strip():
        raise InputError("the CSV file is empty: no header line")
    delimiter = delimiter or sniff_delimiter(first)
    header = unique_names([h.lstrip("\ufeff").strip() for h in next(csv.reader([first], delimiter=delimiter))])
    if undecodable(first):
        raise InputError(f"the header is not valid {encoding} (try --encoding)")
    columns = resolve_columns(header, wanted)

    def rows() -> Iterator[Row]:
        for number, values in enumerate(csv.reader(stream, delimiter=delimiter), 1):
            if not values:
                continue
            row = Row(number, dict(zip(header, values + [""] * (len(header) - len(values)))))
            if len(values) != len(header):
                extra = f"; the extra fields are dropped: {delimiter.join(values[len(header):])[:200]!r}" \
                    if len(values) > len(header) else ""
                row.error = f"row has {len(values)} fields, the header has {len(header)}{extra}"
            yield _posting(row, columns, encoding)

    return header, columns, rows()


def read_jsonl(stream: IO[str], encoding: str, wanted: Columns | dict) -> tuple[list[str], Columns, Iterator[Row]]:
    lines = (line for line in stream if line.strip())
    first_line = next(lines, None)
    if first_line is None:
        raise InputError("the JSON Lines file is empty")
    try:
        first = json.loads(first_line)
    except ValueError:
        raise InputError("the first line is not a JSON object") from None
    if not isinstance(first, dict):
        raise InputError("the first line is not a JSON object")
    header = list(first)
    columns = resolve_columns(header, wanted)

    def rows() -> Iterator[Row]:
        yield _jsonl_row(1, first_line, columns, encoding)
        for number, line in enumerate(lines, 2):
            yield _jsonl_row(number, line, columns, encoding)

    return header, columns, rows()


def _jsonl_row(number: int, line: str, columns: Columns, encoding: str) -> Row:
    bad_bytes = undecodable(line)
    if bad_bytes:  # keep the row, readable, with its error
        line = line.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    row = _parse_jsonl(number, line, columns, encoding)
    if bad_bytes and not row.error:
        row.error = f"bytes not valid in {encoding} on this line (try --encoding)"
    return row


def _parse_jsonl(number: int, line: str, columns: Columns, encoding: str) -> Row:
    try:
        value = json.loads(line)
    except ValueError as error:
        return Row(number, {}, raw={"_raw": line.rstrip("\r\n")}, error=f"not valid JSON ({error.msg})")
    if not isinstance(value, dict):
        return Row(number, {}, raw={"_raw": line.rstrip("\r\n")}, error="not a JSON object")
    cells = {k: (v if isinstance(v, str) or v is None else json.dumps(v, ensure_ascii=False)) for k, v in value.items()}
    return _posting(Row(number, cells, raw=value), columns, encoding)


def resolve_columns(header: list[str], wanted: Columns | dict) -> Columns:
    wanted = wanted if isinstance(wanted, dict) else wanted.__dict__
    return Columns(
        text=find_column(header, wanted.get("text"), TEXT_COLUMNS, "text", required=True),
        title=find_column(header, wanted.get("title"), TITLE_COLUMNS, "title", required=False),
        id=find_column(header, wanted.get("id"), ID_COLUMNS, "id", required=False),
        label=find_column(header, wanted.get("label"), LABEL_COLUMNS, "label", required=wanted.get("need_label", False)),
    )


def read_text_file(source: str | Path, encoding: str | None) -> str:
    """A whole plain-text posting; empty, binary and undecodable files raise InputError."""
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
        raise InputError(f"{name}: not valid {encoding} at byte {error.start} (try --encoding cp1252 or latin-1)") from None
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}") from None
    if not text.strip():
        raise InputError(f"{name}: empty file, no posting to classify")
    return text.lstrip("\ufeff")


def _read_bytes(path: str | Path) -> bytes:
    with _open_binary(path) as handle:
        return handle.read()
