"""Text in from saved files: a posting saved as Word (.docx) or OpenDocument (.odt) read as the text
it shows, in Markdown's form: a heading becomes a "# " line, a list item a "• " line, a table row a
line of its cells, so that the sections are read as in a pasted posting. Headers, footers, comments
and deleted text (tracked changes) are left out. A web page saved by a browser as one file (.mhtml,
.mht: the page's HTML, quoted-printable or base64, beside its pictures) is read as its HTML page is.
A PDF is read as the text its pages draw, its lines joined back into paragraphs where they were only
wrapped, its list markers as "• ". Offsets then index this text, which the result carries as `text`.

The standard library reads Word, OpenDocument and saved pages (zipfile, ElementTree, email); pypdf
reads PDFs, imported when one is read. Other formats get a one-line error that says how to save them.
"""
from __future__ import annotations

import base64
import io
import logging
import quopri
import re
import time
import zipfile
from pathlib import Path
from typing import IO
from xml.etree import ElementTree

from .errors import InputError, one_line
from .normalise import MAX_POSTING_CHARACTERS, normalise
from .tables import PYTHON_ENCODING_HINT, open_binary, read_text_file, shorten

DOCUMENT_SUFFIXES = (".docx", ".odt", ".mhtml", ".mht", ".pdf")
# formats a posting may come in that are not read here, with the hint given
UNREAD_SUFFIXES = {".doc": "a Word 97-2003 document (.doc)", ".rtf": "an RTF document",
                   ".pages": "a Pages document"}
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")  # read as text: plain, Markdown or HTML
# the files of a folder that are postings (one in a format not read gets its hint)
POSTING_SUFFIXES = (*TEXT_SUFFIXES, *DOCUMENT_SUFFIXES, *UNREAD_SUFFIXES)
# A document's text part that would unpack to more is refused: a posting's is a few hundred kB, and
# ElementTree holds the whole tree (11 million empty paragraphs, 66 MB, took 1.2 GB)
MAX_PART_BYTES = 8 << 20
MAX_HEADER_BYTES = 64 << 10  # a saved page's MIME headers, each block
# A posting's PDF is one to a few pages and some hundred kB (fonts included); a bigger or longer one
# is a brochure or a report, refused before its pages are read (pypdf also caps each stream's
# unpacked size, at 75 MB)
MAX_PDF_BYTES = 32 << 20
MAX_PDF_PAGES = 30
# What the pages may draw: pypdf reads about 25,000 drawing operators a second, and a small file can
# unpack to millions (6 kB drew 250,000 "Tj" in 11 s). A page of text exported by a word processor
# draws about a thousand, from some 10 kB of drawing instructions: room for MAX_PDF_PAGES dense pages.
MAX_PDF_DRAWING_BYTES = 1 << 20  # the pages' instructions and the forms they draw, unpacked, together
MAX_PDF_OPERATORS = 60_000
# pypdf reads a page's fonts again for each page and each form drawn; a word processor's fonts map
# their characters in a few kB each
MAX_PDF_FONT_MAP_BYTES = 8 << 20
# what word processors draw list markers with in a PDF: Symbol and Wingdings glyphs (private use
# code points once extracted) and the round, square and arrow marks
_PDF_BULLET = re.compile("^(?:[\uf0a7\uf0a8\uf0b7\uf076\uf0d8\uf0fc\uf0e0\uf0d7\uf02d\u25cf\u25aa\u25a0\u25e6"
                         "\u25cb\u25ba\u25b6\u27a2\u27a4\u25c6\u2713\u2714\u2756\u2022\u2023\u2043\u00b7]|o(?= ))"
                         r"\s*")  # "o ": the second level of Word's bullets, a Courier "o"
_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
                            "\ufb05": "st", "\ufb06": "st"})
_LIST_ITEM = re.compile(r"[-–—*+]\s|\d{1,2}[.)]\s|[a-z][.)]\s")  # "- ", "2. ", "b) ": an item of its own
_SENTENCE_END = tuple(".!?:;")
# a line at least this share of the longest one reached the margin; a shorter one ended where its
# writer ended it unless what follows goes on in small letters ("Vos missions " then "Prioriser",
# "Profil" then "bac+5" stay apart; a title in large type "… Application de " then "covoiturage" joins)
_WRAPPED_SHARE = 0.7
_RUNNING_LINES = 3  # lines at each end of a page counted for running heads and feet
_PAGE_NUMBER = re.compile(r"[\s\-–—.|]*(?:page\s*)?\d{1,3}(?:\s*(?:/|sur|of|de)\s*\d{1,3})?[\s\-–—.|]*", re.IGNORECASE)
MAX_PDF_SECONDS = 5.0  # a posting of MAX_PDF_PAGES dense pages reads in about 2 s

logging.getLogger("pypdf").addHandler(logging.NullHandler())  # its warnings on odd files are not ours to print

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"  # a copy of what Word shows
# what holds blocks, rows or cells without being one: content controls and custom-XML wrappers
_WORD_WRAPPERS = {f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml", f"{_W}smartTag"}
# what a paragraph holds that is not its text: properties, deleted and moved-away text (tracked
# changes), field codes, the fallback copy of a drawing
_WORD_LEFT_OUT = {f"{_W}pPr", f"{_W}rPr", f"{_W}del", f"{_W}delText", f"{_W}moveFrom", f"{_W}instrText", _FALLBACK}
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
_OPEN_DOCUMENT_HEADING = re.compile(r"Heading_20_([1-6])$")
_WORD_HEADING = re.compile(r"(?:heading|titre)\s*([1-6])$", re.IGNORECASE)  # style ids of English and French Word
_WORD_TITLE = re.compile(r"(?:title|titre)$", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def is_document(name: str) -> bool:
    """Whether a file name is that of a word-processor file, read here or refused with a hint."""
    suffix = Path(name).suffix.lower()
    return suffix in DOCUMENT_SUFFIXES or suffix in UNREAD_SUFFIXES


def read_posting(path: str | Path, encoding: str | None = None, encoding_hint: str = PYTHON_ENCODING_HINT) -> str:
    """The text of one posting file as `classify FILE` reads it: a Word, OpenDocument, PDF or saved-page
    document's text, else a text file's (plain text, Markdown or HTML; its encoding detected unless
    given; `-` is standard input). InputError for a file that cannot be read as a posting; one that
    does not decode says how to give the encoding (`encoding_hint`: as a Python caller would)."""
    return read_document(path) if is_document(str(path)) else read_text_file(path, encoding, encoding_hint)


def read_document(path: str | Path) -> str:
    """The text of a .docx, .odt or saved-page (.mhtml, .mht) posting file; InputError for a file that
    is none, or is empty, and for the formats not read here (with how to save them)."""
    name = shorten(str(path))
    suffix = Path(path).suffix.lower()
    if suffix in UNREAD_SUFFIXES and Path(path).is_file():
        raise InputError(f"{name}: {UNREAD_SUFFIXES[suffix]} cannot be read: copy its text into a .txt file, "
                         "or save it as .docx")
    with open_binary(path) as handle:
        return document_text(handle, suffix, name)


def document_text(source: IO[bytes], suffix: str, name: str) -> str:
    """The text of a document (`suffix`: ".docx", ".odt", ".mhtml", ".mht" or ".pdf") read from a binary
    stream; InputError naming `name` for one that is no such document, or is empty."""
    if suffix in (".mhtml", ".mht"):
        return _web_archive_text(source, name)
    if suffix == ".pdf":
        return _pdf_text(source, name)
    part = "word/document.xml" if suffix == ".docx" else "content.xml"
    kind = "Word" if suffix == ".docx" else "OpenDocument text"
    try:
        with zipfile.ZipFile(source) as archive:
            info = archive.getinfo(part)
            if info.file_size > MAX_PART_BYTES:
                raise InputError(f"{name}: the document would unpack to more than {MAX_PART_BYTES >> 20} MiB")
            root = ElementTree.fromstring(archive.read(info))
    except InputError:
        raise
    except Exception as error:  # a damaged archive raises many kinds: BadZipFile, zlib.error, KeyError…
        raise InputError(f"{name}: not a readable {kind} document ({suffix}): {one_line(error)}") from None
    try:
        lines = _word_lines(root) if suffix == ".docx" else _open_document_lines(root)
    except RecursionError:
        raise InputError(f"{name}: the document nests its parts too deeply to be read") from None
    text = "\n".join(lines).strip()
    if not text:
        raise InputError(f"{name}: empty document, no posting to classify")
    return text


def _web_archive_text(source: IO[bytes], name: str) -> str:
    """The readable text of a web page saved as one file: its first HTML part, decoded. The parts are
    found by their boundary here, and only each part's header block (at most MAX_HEADER_BYTES) goes
    to the standard library's header parser, whose time grows with the square of a header's length."""
    data = source.read()
    top, body = _header_block(data, name)
    page = None
    if top.get_content_type() == "text/html":
        page = (top, data[body:])
    elif top.get_boundary():
        delimiter = b"--" + top.get_boundary().encode("ascii", "replace")
        for chunk in data[body:].split(delimiter)[1:]:
            if chunk.startswith(b"--"):
                break  # the closing delimiter
            chunk = chunk[2:] if chunk.startswith(b"\r\n") else chunk[1:] if chunk.startswith(b"\n") else chunk
            headers, start = _header_block(chunk, name)
            if headers.get_content_type() == "text/html":
                page = (headers, chunk[start:])
                break
    if page is None:
        raise InputError(f"{name}: not a readable saved web page (.mhtml): no HTML page in it")
    headers, content = page
    encoding = (headers.get("content-transfer-encoding") or "").strip().lower()
    try:
        if encoding == "quoted-printable":
            content = quopri.decodestring(content)
        elif encoding == "base64":
            content = base64.b64decode(content)
    except ValueError as error:
        raise InputError(f"{name}: not a readable saved web page (.mhtml): {one_line(error)}") from None
    charset = headers.get_content_charset()
    if charset is None:
        meta = _META_CHARSET.search(content[:4096])
        charset = meta.group(1).decode("ascii") if meta else "utf-8"
    try:
        html = content.decode(charset)
    except (LookupError, UnicodeDecodeError):
        html = content.decode("cp1252", "replace")
    text = normalise(html).strip()
    if not text:
        raise InputError(f"{name}: empty page, no posting to classify")
    return text


def _header_block(data: bytes, name: str):
    """The MIME headers that begin the data, parsed, and where the content after them begins;
    InputError when they run past MAX_HEADER_BYTES (browsers write a few hundred bytes)."""
    from email.parser import BytesHeaderParser  # here: 13 ms of a start, and saved pages are few

    window = data[:MAX_HEADER_BYTES]
    ends = [(at, len(mark)) for mark in (b"\r\n\r\n", b"\n\n") if (at := window.find(mark)) >= 0]
    if not ends:
        if len(window) < MAX_HEADER_BYTES:  # headers with no content after them
            return BytesHeaderParser().parsebytes(window), len(data)
        raise InputError(f"{name}: not a readable saved web page (.mhtml): headers longer than "
                         f"{MAX_HEADER_BYTES:,} bytes")
    at, length = min(ends)
    return BytesHeaderParser().parsebytes(window[:at + length]), at + length


def _word_lines(root: ElementTree.Element) -> list[str]:
    """The lines of a Word body: paragraphs, list items, headings, table rows, in order."""
    body = root.find(f"{_W}body")
    return _word_blocks(body) if body is not None else []


def _word_blocks(container: ElementTree.Element) -> list[str]:
    """The lines of a run of Word blocks (a body, a table cell, a text box): each paragraph once, a
    table row as one line of its cells, content controls and custom-XML wrappers read through."""
    lines: list[str] = []
    for block in container:
        if block.tag == f"{_W}p":
            lines += _word_paragraph(block)
        elif block.tag == f"{_W}tbl":
            for row in _word_children(block, f"{_W}tr"):
                cells = [" ".join(_word_blocks(cell)).strip() for cell in _word_children(row, f"{_W}tc")]
                lines.append(" ".join(c for c in cells if c))
        elif block.tag in _WORD_WRAPPERS:
            lines += _word_blocks(block)
    return lines


def _word_children(element: ElementTree.Element, tag: str) -> list[ElementTree.Element]:
    """The `tag` children of a table or a row, through the content controls and wrappers around them
    (a template's controlled row or cell), not inside nested tables."""
    found = []
    for child in element:
        if child.tag == tag:
            found.append(child)
        elif child.tag in _WORD_WRAPPERS:
            found += _word_children(child, tag)
    return found


def _word_paragraph(paragraph: ElementTree.Element) -> list[str]:
    """A Word paragraph as one line (more where it holds line breaks), marked as a heading or a list
    item by its style; text boxes inside it are lines of their own, after it."""
    parts: list[str] = []
    boxes: list[str] = []

    def walk(element: ElementTree.Element) -> None:
        for child in element:
            tag = child.tag
            if tag == f"{_W}t":
                parts.append(child.text or "")
            elif tag == f"{_W}tab":
                parts.append("\t")
            elif tag in (f"{_W}br", f"{_W}cr"):
                parts.append("\n")
            elif tag == f"{_W}noBreakHyphen":
                parts.append("-")
            elif tag == f"{_W}txbxContent":
                boxes.extend(_word_blocks(child))
            elif tag not in _WORD_LEFT_OUT:
                walk(child)

    walk(paragraph)
    text = "".join(parts).strip()
    if not text:
        return boxes
    properties = paragraph.find(f"{_W}pPr")
    style = properties.find(f"{_W}pStyle") if properties is not None else None
    style_id = style.get(f"{_W}val", "") if style is not None else ""
    heading = _WORD_HEADING.search(style_id)
    if heading:
        text = "#" * int(heading.group(1)) + " " + text
    elif _WORD_TITLE.match(style_id):
        text = "# " + text
    elif (properties is not None and properties.find(f"{_W}numPr") is not None) or "list" in style_id.lower():
        text = "• " + text
    return text.split("\n") + boxes


def _open_document_lines(root: ElementTree.Element) -> list[str]:
    """The lines of an OpenDocument text: headings, paragraphs, list items, table rows, in order."""
    body = root.find(f"{_OFFICE}body")
    text = body.find(f"{_OFFICE}text") if body is not None else None
    # a paragraph styled as a heading through an automatic style ("P1", whose parent is "Heading_20_1"),
    # as LibreOffice writes a heading with direct formatting
    parents = {style.get(f"{_STYLE}name"): style.get(f"{_STYLE}parent-style-name", "")
               for style in root.iterfind(f"{_OFFICE}automatic-styles/{_STYLE}style")}
    return _OpenDocumentReader(parents).blocks(text, False) if text is not None else []


class _OpenDocumentReader:
    """Reads an OpenDocument text's blocks into lines, each paragraph once (a text box's paragraphs
    are lines of their own, after the paragraph that anchors it)."""

    def __init__(self, parents: dict[str, str]):
        self.parents = parents

    def heading_level(self, paragraph: ElementTree.Element) -> int | None:
        name = paragraph.get(f"{_TEXT}style-name", "")
        name = self.parents.get(name) or name
        found = _OPEN_DOCUMENT_HEADING.match(name)
        return int(found.group(1)) if found else 1 if name == "Title" else None

    def blocks(self, container: ElementTree.Element, in_list: bool) -> list[str]:
        lines: list[str] = []
        for child in container:
            if child.tag in (f"{_TEXT}h", f"{_TEXT}p"):
                boxes: list[str] = []
                content = self.inline(child, boxes)
                level = (_number(child.get(f"{_TEXT}outline-level"), 1, 6) if child.tag == f"{_TEXT}h"
                         else self.heading_level(child))
                if level and content.strip():
                    lines.append("#" * level + " " + content.strip())
                else:
                    for line in content.split("\n"):
                        if line.strip():
                            lines.append(("• " if in_list else "") + line.strip())
                            in_list = False  # a list item's later lines and paragraphs are not new items
                lines += boxes
            elif child.tag == f"{_TEXT}list-item":
                lines += self.blocks(child, True)
            elif child.tag == f"{_TABLE}table-row":
                cells = [" ".join(self.blocks(cell, False)) for cell in child.findall(f"{_TABLE}table-cell")]
                lines.append(" ".join(c for c in cells if c))
            elif child.tag not in (f"{_TEXT}tracked-changes", f"{_OFFICE}annotation"):
                lines += self.blocks(child, in_list)
        return lines

    def inline(self, element: ElementTree.Element, boxes: list[str]) -> str:
        """The text of a paragraph or heading: spans, runs of spaces, tabs, line breaks; the lines of
        its text boxes go to `boxes`."""
        parts = [element.text or ""]
        for child in element:
            if child.tag == f"{_TEXT}s":
                parts.append(" " * _number(child.get(f"{_TEXT}c"), 1, 100))
            elif child.tag == f"{_TEXT}tab":
                parts.append("\t")
            elif child.tag == f"{_TEXT}line-break":
                parts.append("\n")
            elif child.tag == f"{_DRAW}frame":
                box = child.find(f".//{_DRAW}text-box")
                if box is not None:
                    boxes += self.blocks(box, False)
            elif child.tag not in (f"{_OFFICE}annotation", f"{_TEXT}note"):
                parts.append(self.inline(child, boxes))
            parts.append(child.tail or "")
        return "".join(parts)


def _number(value: str | None, default: int, most: int) -> int:
    """An attribute's count, `default` when it is missing or no number, at most `most`."""
    return min(int(value), most) if value and value.isdigit() and int(value) > 0 else default


def _pdf_text(source: IO[bytes], name: str) -> str:
    """The text a PDF's pages draw, as `pdf_lines` joins it; InputError for a file that is no PDF,
    is protected, is too big or too long for a posting, draws far more than one, or draws no text."""
    from pypdf import PdfReader  # only who reads a PDF pays for importing it
    from pypdf.errors import DependencyError

    data = source.read(MAX_PDF_BYTES + 1)
    if len(data) > MAX_PDF_BYTES:
        raise InputError(f"{name}: a PDF of more than {MAX_PDF_BYTES >> 20} MiB is no posting")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"{name}: the PDF is protected by a password: copy its text into a .txt file")
        pages = reader.pages
        if len(pages) > MAX_PDF_PAGES:
            raise InputError(f"{name}: a PDF of {len(pages)} pages is no posting (at most {MAX_PDF_PAGES} are read)")
        _check_drawing_bytes(pages)
        drawn = _DrawingBudget().texts(pages)
    except _DrawsTooMuch:
        raise InputError(f"{name}: the PDF draws far more than a posting does (a drawing or a scan?): "
                         "copy its text into a .txt file") from None
    except InputError:
        raise
    except DependencyError:  # AES wants the cryptography package, which is not installed
        raise InputError(f"{name}: the PDF is encrypted with AES, which is not read here: print it to a new PDF, "
                         "or copy its text into a .txt file") from None
    except RecursionError:
        raise InputError(f"{name}: the PDF nests its parts too deeply to be read") from None
    except Exception as error:  # a damaged file raises many kinds: PdfReadError, KeyError, ValueError, zlib.error…
        raise InputError(f"{name}: not a readable PDF: {one_line(error)}") from None
    text = "\n".join(pdf_lines(_without_running_lines([page.translate(_LIGATURES).split("\n") for page in drawn])))
    if not text:
        raise InputError(f"{name}: the PDF draws no text (a scanned image?): copy its text into a .txt file")
    return text


class _DrawsTooMuch(MemoryError):
    """A PDF draws more than a posting does. A MemoryError, which pypdf lets through where it logs
    and passes over other errors (a form it cannot read)."""


def _check_drawing_bytes(pages) -> None:
    """Raise _DrawsTooMuch as soon as the pages' drawing instructions, and the forms they draw (each
    once), unpack to more than MAX_PDF_DRAWING_BYTES together, or the character maps of the fonts
    they list to more than MAX_PDF_FONT_MAP_BYTES (counted for each page and form that lists a font:
    pypdf reads a page's or a form's fonts again each time, used or not)."""
    limits = {"drawing": MAX_PDF_DRAWING_BYTES, "font maps": MAX_PDF_FONT_MAP_BYTES}
    unpacked = dict.fromkeys(limits, 0)
    seen: set[int] = set()

    def count(stream, kind: str) -> None:
        unpacked[kind] += len(stream.get_data())
        if unpacked[kind] > limits[kind]:
            raise _DrawsTooMuch

    def add(owner) -> None:
        resources = owner.get("/Resources")
        resources = resources.get_object() if resources is not None else {}
        fonts = resources.get("/Font")
        for font in fonts.get_object().values() if fonts is not None else ():
            font = font.get_object()
            for entry in ("/ToUnicode", "/Encoding"):
                found = font.get(entry)
                found = found.get_object() if found is not None else None
                if hasattr(found, "get_data"):
                    count(found, "font maps")
        contents = owner.get("/Contents")
        parts = contents.get_object() if contents is not None else []
        for part in parts if isinstance(parts, list) else [parts]:
            count(part.get_object(), "drawing")
        drawn = resources.get("/XObject")
        for reference in drawn.get_object().values() if drawn is not None else ():
            form = reference.get_object()
            if id(form) not in seen and form.get("/Subtype") == "/Form":
                seen.add(id(form))
                count(form, "drawing")  # a form is its own instructions
                add(form)

    for page in pages:
        add(page)


class _DrawingBudget:
    """What pypdf may read of a PDF's drawing: MAX_PDF_OPERATORS operators (a form's again each time
    it is drawn), MAX_POSTING_CHARACTERS characters of text, MAX_PDF_SECONDS. Once spent, every call
    raises, so that the read stops at the next operator even where pypdf passes over an error."""

    def __init__(self):
        self.operators = self.characters = 0
        self.deadline = time.monotonic() + MAX_PDF_SECONDS
        self.spent = False

    def texts(self, pages) -> list[str]:
        found = [page.extract_text(visitor_operand_before=self._operator, visitor_text=self._text) or ""
                 for page in pages]
        if self.spent:
            raise _DrawsTooMuch
        return found

    def _operator(self, *_) -> None:
        self.operators += 1
        if self.spent or self.operators > MAX_PDF_OPERATORS or time.monotonic() > self.deadline:
            self.spent = True
            raise _DrawsTooMuch

    def _text(self, text, *_) -> None:
        self.characters += len(text)
        if self.spent or self.characters > MAX_POSTING_CHARACTERS:
            self.spent = True
            raise _DrawsTooMuch


def _without_running_lines(pages: list[list[str]]) -> list[str]:
    """The pages' lines one after the other, less their running heads and feet, peeled off each
    page's ends while they are one: page numbers ("Page 1/2", "- 2 -") and, on a PDF of several
    pages, lines found among the first or last lines of most of them ("Mutuelle Horizon – Offre
    d'emploi"). The first page keeps its head (a company's name and the title may run on every
    page). A sentence a page break cut then reads on."""
    def shown(lines: list[str]) -> list[str]:
        return [line.strip() for line in lines if line.strip()]

    counts: dict[str, int] = {}
    for lines in pages:
        seen = shown(lines)
        for line in set(seen[:_RUNNING_LINES] + seen[-_RUNNING_LINES:]):
            counts[line] = counts.get(line, 0) + 1
    running = {line for line, count in counts.items() if len(pages) > 1 and count > len(pages) / 2}

    def is_running(line: str) -> bool:
        return not line.strip() or line.strip() in running or _PAGE_NUMBER.fullmatch(line.strip()) is not None

    found: list[str] = []
    for number, lines in enumerate(pages):
        start, end = 0, len(lines)
        while end > start and is_running(lines[end - 1]):
            end -= 1
        while number > 0 and start < end and is_running(lines[start]):
            start += 1
        found += lines[start:end]
    return found


def pdf_lines(lines: list[str]) -> list[str]:
    """A PDF's lines as a posting's: list markers as "• ", and a line only wrapped joined to the
    next one (a word cut by a soft hyphen made whole, a hyphen at the line's end kept). A line that
    does not end a sentence is wrapped when the next line is no list item and goes on with it: it
    starts with a small letter after a line the PDF ended with a space (as word processors do where
    they wrap) or one nearly as long as the longest line (it reached the margin); or it starts with
    a capital after such a line that also ends with a space."""
    full = max((len(line.strip()) for line in lines), default=0) * _WRAPPED_SHARE
    found: list[str] = []
    wrapped = reached_margin = False  # what the line before showed
    for raw in lines:
        line = raw.strip()
        marker = _PDF_BULLET.match(line)
        if marker:
            line = "• " + line[marker.end():]
        item = marker or _LIST_ITEM.match(line)
        previous = found[-1] if found else ""
        if line and previous and not item and not previous.endswith(_SENTENCE_END) \
                and ((line[0].islower() and (wrapped or reached_margin)) or (wrapped and reached_margin)):
            if previous.endswith("\u00ad"):
                found[-1] = previous[:-1] + line  # "dévelop\u00ad" "pement"
            elif previous.endswith("-") and previous[-2:-1].isalpha():
                found[-1] = previous + line  # "cross-" "functional"
            else:
                found[-1] = previous + " " + line
        else:
            found.append(line)
        wrapped, reached_margin = raw[-1:].isspace() and bool(line), len(line) >= full
    return "\n".join(found).strip().split("\n")
