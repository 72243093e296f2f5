"""Text in from saved files: a posting saved as Word (.docx) or OpenDocument (.odt) read as the text
it shows, in Markdown's form: a heading becomes a "# " line, a list item a "• " line, a table row a
line of its cells, so that the sections are read as in a pasted posting. Headers, footers, comments
and deleted text (tracked changes) are left out. A web page saved by a browser as one file (.mhtml,
.mht: the page's HTML, quoted-printable or base64, beside its pictures) is read as its HTML page is.
Offsets then index this text, which the result carries as `text`.

Only the standard library is used (zipfile, ElementTree, email). Other formats get a one-line error
that says how to save them.
"""
from __future__ import annotations

import base64
import quopri
import re
import zipfile
from pathlib import Path
from typing import IO
from xml.etree import ElementTree

from .errors import InputError, one_line
from .normalise import normalise
from .tables import open_binary, shorten

DOCUMENT_SUFFIXES = (".docx", ".odt", ".mhtml", ".mht")
# formats a posting may come in that are not read here, with the hint given
UNREAD_SUFFIXES = {".pdf": "a PDF", ".doc": "a Word 97-2003 document (.doc)", ".rtf": "an RTF document",
                   ".pages": "a Pages document"}
# A document's text part that would unpack to more is refused: a posting's is a few hundred kB, and
# ElementTree holds the whole tree (11 million empty paragraphs, 66 MB, took 1.2 GB)
MAX_PART_BYTES = 8 << 20
MAX_HEADER_BYTES = 64 << 10  # a saved page's MIME headers, each block

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
    """The text of a document (`suffix`: ".docx", ".odt", ".mhtml" or ".mht") read from a binary stream;
    InputError naming `name` for one that is no such document, or is empty."""
    if suffix in (".mhtml", ".mht"):
        return _web_archive_text(source, name)
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
