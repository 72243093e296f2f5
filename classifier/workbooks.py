"""Excel workbooks (.xlsx) in and out: the rows of one sheet read as `Row`s, one at a time, and the
batch output written as a workbook, streamed in both directions (openpyxl's read-only and
write-only modes), so memory stays flat.

A workbook's cells are typed: the posting's text and title are read as text, numbers as written
("12345", not "12345.0"), dates as ISO dates; the output workbook gets the input's values back with
their types, the probabilities as numbers shown as percentages, and never a formula made of a
posting's text ("=…" stays text).
"""
from __future__ import annotations

import datetime as dt
import io
import json
import math
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .errors import InputError, OutputError, one_line
from .tables import Columns, Row, open_binary, resolve_columns, shorten, unique_names, with_posting

EXCEL_CELL_CHARACTERS = 32_767  # the most a cell of Excel holds
EXCEL_ROWS = 1_048_576  # the most rows a sheet of Excel holds, its header included
HEADER_ROWS_TRIED = 10  # rows that are not empty read for the header (title rows above it)
EXACT_DIGITS = 15  # Excel keeps 15 significant digits: a longer integer (an id) is written as text
# A workbook whose parts would unpack to more than this is refused before it is read: openpyxl holds
# a sheet's shared strings in memory, about nine times their size for short ones (a zip bomb of 268 MB
# took 2.4 GB); an export of 100,000 postings unpacks to about 500 MB.
MAX_UNPACKED_BYTES = 1 << 30
OLD_FORMATS = {".xls": "an Excel 97-2003 workbook (.xls)", ".ods": "an OpenDocument spreadsheet (.ods)",
               ".numbers": "a Numbers spreadsheet"}


def cell_text(value) -> str:
    """A cell's value as the text a CSV export of it would hold."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _filled(value) -> bool:
    """Whether a cell holds more than spaces."""
    return value is not None and bool(cell_text(value).strip())


def _open_workbook(source: str | Path | IO[bytes], name: str, most_unpacked: int):
    import openpyxl

    suffix = Path(str(source)).suffix.lower() if isinstance(source, (str, Path)) else ""
    if suffix in OLD_FORMATS:
        raise InputError(f"{name}: {OLD_FORMATS[suffix]} cannot be read: save it as .xlsx or CSV first")
    if not isinstance(source, (str, Path)):
        handle = source
    elif str(source) == "-":
        handle = io.BytesIO(sys.stdin.buffer.read())
    else:
        handle = open_binary(source)
    try:
        with zipfile.ZipFile(handle) as archive:
            if sum(member.file_size for member in archive.infolist()) > most_unpacked:
                raise InputError(f"{name}: the workbook would unpack to more than {most_unpacked:,} bytes")
        handle.seek(0)
        return openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except InputError:
        handle.close()
        raise
    except Exception as error:  # openpyxl raises many kinds on a file that is not a workbook
        handle.close()
        raise InputError(f"{name}: not a readable Excel workbook (.xlsx): {one_line(error)}") from None


def _sheet(book, sheet: str | None, name: str):
    """The sheet named `sheet`, or numbered so from 1; by default the first one shown (an export's
    hidden sheet of lists is passed over)."""
    if sheet is None:
        return next((one for one in book.worksheets if one.sheet_state == "visible"), book.worksheets[0])
    if sheet in book.sheetnames:
        return book[sheet]
    if sheet.isdigit() and 1 <= int(sheet) <= len(book.worksheets):
        return book.worksheets[int(sheet) - 1]
    raise InputError(f"{name}: no sheet {sheet!r}; the workbook has: {', '.join(book.sheetnames)}")


def read_workbook(source: str | Path | IO[bytes], wanted: Columns | dict, sheet: str | None = None,
                  name: str | None = None, most_unpacked: int | None = None) -> tuple[list[str], Columns, Iterator[Row]]:
    """The header (the first row that is not empty), the columns found and the rows of one sheet of a
    workbook file, `-` (standard input) or binary stream (`name` names it in errors; one that would
    unpack to more than `most_unpacked` bytes, MAX_UNPACKED_BYTES by default, is refused); the
    workbook is closed when the rows are read or closed. Empty rows are skipped, as blank lines of a
    CSV are."""
    name = name or ("standard input" if str(source) == "-" else shorten(str(source)))
    book = _open_workbook(source, name, most_unpacked or MAX_UNPACKED_BYTES)
    try:
        found = _sheet(book, sheet, name)
        found.reset_dimensions()  # some writers record a wrong used range: read every row there is
        values = found.iter_rows(values_only=True)
        header, columns = _header(values, wanted, f"{name}, sheet {found.title!r}")
    except InputError:
        book.close()
        raise
    except Exception as error:  # a damaged sheet: openpyxl and the XML parser raise many kinds
        book.close()
        raise InputError(f"{name}: not a readable Excel workbook (.xlsx): {one_line(error)}") from None
    return header, columns, _rows(book, values, header, columns, name)


def _header(values: Iterator[tuple], wanted: Columns | dict, where: str) -> tuple[list[str], Columns]:
    """The header and the columns found: the first row that is not empty, or, when it names no text
    column, the first of the next rows that does (an export's title row above its header, "Export des
    offres — mars"); the rows above the header are no rows of the table."""
    first_error = None
    for tried, cells in enumerate(row for row in values if any(map(_filled, row))):
        width = max(i for i, v in enumerate(cells, 1) if _filled(v))
        header = unique_names([cell_text(v).strip() for v in cells[:width]])
        try:
            return header, resolve_columns(header, wanted)
        except InputError as error:
            first_error = first_error or error
            if tried + 1 >= HEADER_ROWS_TRIED:
                break
    if first_error is None:
        raise InputError(f"{where} is empty: no header row")
    raise InputError(f"{where}: {first_error}")


def _rows(book, values: Iterator[tuple], header: list[str], columns: Columns, name: str) -> Iterator[Row]:
    number = 0
    try:
        for cells in _readable(values, name):
            if all(v is None or v == "" for v in cells):
                continue
            number += 1
            kept = dict(zip(header, cells))
            row = Row(number, {h: cell_text(kept.get(h)) for h in header}, typed=kept)
            extra = [cell_text(v) for v in cells[len(header):] if _filled(v)]
            if extra:
                row.error = (f"row has values beyond the header's {len(header)} columns; they are dropped: "
                             f"{'; '.join(extra)[:200]!r}")
            yield with_posting(row, columns, "xlsx")
    finally:
        book.close()


def _readable(values: Iterator[tuple], name: str) -> Iterator[tuple]:
    """The sheet's rows; a sheet that breaks off (a damaged file) stops the run with a one-line error."""
    while True:
        try:
            cells = next(values)
        except StopIteration:
            return
        except Exception as error:  # the XML parser's or openpyxl's own
            raise InputError(f"{name}: the sheet breaks off, the file is damaged: {one_line(error)}") from None
        yield cells


class WorkbookWriter:
    """The batch output as a workbook: the input's columns, then the result columns; a bold, frozen
    header with filters, the posting's text column wide. Rows are streamed to a temporary file by
    openpyxl and the workbook is written out by `finish`."""

    def __init__(self, stream, header: list[str], result_names: dict[str, str], number_columns: frozenset[str],
                 text_column: str | None = None):
        import openpyxl
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        self.stream = stream
        self.header = header
        self.numbers = number_columns
        self.book = openpyxl.Workbook(write_only=True)
        self.sheet = self.book.create_sheet("classification")
        self.sheet.freeze_panes = "A2"
        for position, column in enumerate(header, 1):
            if column == text_column:
                self.sheet.column_dimensions[get_column_letter(position)].width = 80
        self.sheet.column_dimensions[get_column_letter(len(header) + len(result_names) - 1)].width = 60  # evidence
        bold = Font(bold=True)
        self.sheet.append([self._cell(name, font=bold) for name in header + list(result_names.values())])
        self.rows = 1
        self.width = len(header) + len(result_names)

    def _cell(self, value, font=None, number_format: str | None = None):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        if isinstance(value, (dict, list)):
            value = json.dumps(value, ensure_ascii=False)
        elif isinstance(value, int) and not isinstance(value, bool) and len(str(abs(value))) > EXACT_DIGITS:
            value = str(value)  # 1234567890123456789 would read 1.23456789012346E+18
        elif isinstance(value, float) and not math.isfinite(value):
            value = str(value)  # NaN and infinities have no cell value: shown as written
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
            if len(value) > EXCEL_CELL_CHARACTERS:
                value = value[:EXCEL_CELL_CHARACTERS - 1] + "…"
        cell = WriteOnlyCell(self.sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # a posting's "=…" is text, not a formula
        if font is not None:
            cell.font = font
        if number_format:
            cell.number_format = number_format
        return cell

    def write(self, row: Row, cells: dict[str, str]) -> None:
        if self.rows >= EXCEL_ROWS:
            raise OutputError(f"a workbook holds at most {EXCEL_ROWS:,} rows, header included: write this table "
                              "as CSV (-o FILE.csv) or in parts")
        source = row.typed if row.typed is not None else row.raw if row.raw is not None else row.cells
        values = [self._cell(source.get(h)) for h in self.header]
        for name, value in cells.items():
            if name in self.numbers and value:
                values.append(self._cell(float(value), number_format="0.0%"))
            else:
                values.append(self._cell(value))
        self.sheet.append(values)
        self.rows += 1

    def discard(self) -> None:
        """After a failure: the sheet closed as openpyxl expects (its temporary file goes when the
        process ends), instead of a half-written XML stream left to the garbage collector."""
        try:
            self.sheet.close()
        except Exception:  # closing what failed may fail too: nothing is kept of it
            pass

    def finish(self) -> None:
        from openpyxl.utils import get_column_letter

        self.sheet.auto_filter.ref = f"A1:{get_column_letter(self.width)}{self.rows}"
        self.stream.save_with(self.book.save)
