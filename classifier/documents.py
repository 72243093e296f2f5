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
MAX_PART_BYTES = 64 << 20  # a document part that would unpack to more is refused (a zip bomb, not a posting)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"  # a copy of what Word shows
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
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
    """The readable text of a web page saved as one file: its first HTML part, decoded."""
    import email  # here: importing it costs a posting's start 13 ms, and saved pages are few

    archive = email.message_from_binary_file(source)
    page = next((part for part in archive.walk() if part.get_content_type() == "text/html"), None)
    if page is None:
        raise InputError(f"{name}: not a readable saved web page (.mhtml): no HTML page in it")
    data = page.get_payload(decode=True) or b""
    charset = page.get_content_charset() or _META_CHARSET.search(data[:4096])
    charset = charset if isinstance(charset, str) else charset.group(1).decode("ascii") if charset else "utf-8"
    try:
        html = data.decode(charset)
    except (LookupError, UnicodeDecodeError):
        html = data.decode("cp1252", "replace")
    text = normalise(html).strip()
    if not text:
        raise InputError(f"{name}: empty page, no posting to classify")
    return text


def _word_lines(root: ElementTree.Element) -> list[str]:
    """The lines of a Word body: paragraphs, list items, headings, table rows, in order."""
    lines: list[str] = []
    body = root.find(f"{_W}body")
    for block in body if body is not None else ():
        if block.tag == f"{_W}p":
            lines += _word_paragraph(block)
        elif block.tag == f"{_W}tbl":
            for row in block.iter(f"{_W}tr"):
                cells = [" ".join(" ".join(_word_paragraph(p)) for p in cell.iter(f"{_W}p")).strip()
                         for cell in row.findall(f"{_W}tc")]
                lines.append(" ".join(c for c in cells if c))
        elif block.tag == f"{_W}sdt":  # a content control holding paragraphs
            lines += [line for p in block.iter(f"{_W}p") for line in _word_paragraph(p)]
    return lines


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
                boxes.extend(line for p in child.iter(f"{_W}p") for line in _word_paragraph(p))
            elif tag not in (f"{_W}pPr", f"{_W}rPr", f"{_W}del", f"{_W}delText", f"{_W}instrText", _FALLBACK):
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
    lines: list[str] = []
    body = root.find(f"{_OFFICE}body")
    text = body.find(f"{_OFFICE}text") if body is not None else None
    # a paragraph styled as a heading through an automatic style ("P1", whose parent is "Heading_20_1"),
    # as LibreOffice writes a heading with direct formatting
    parents = {style.get(f"{_STYLE}name"): style.get(f"{_STYLE}parent-style-name", "")
               for style in root.iterfind(f"{_OFFICE}automatic-styles/{_STYLE}style")}

    def heading_level(paragraph: ElementTree.Element) -> int | None:
        name = paragraph.get(f"{_TEXT}style-name", "")
        name = parents.get(name) or name
        found = _OPEN_DOCUMENT_HEADING.match(name)
        return int(found.group(1)) if found else 1 if name == "Title" else None

    def blocks(element: ElementTree.Element, in_list: bool) -> None:
        for child in element:
            if child.tag == f"{_TEXT}h":
                level = _number(child.get(f"{_TEXT}outline-level"), 1, 6)
                line = _open_document_inline(child).strip()
                if line:
                    lines.append("#" * level + " " + line)
            elif child.tag == f"{_TEXT}p":
                content, level = _open_document_inline(child), heading_level(child)
                if level and content.strip():
                    lines.append("#" * level + " " + content.strip())
                    continue
                for line in content.split("\n"):
                    if line.strip():
                        lines.append(("• " if in_list else "") + line.strip())
                        in_list = False  # a list item's later lines and paragraphs are not new items
            elif child.tag == f"{_TEXT}list-item":
                blocks(child, True)
            elif child.tag == f"{_TABLE}table-row":
                cells = [" ".join(_open_document_inline(p).strip() for p in cell.iter(f"{_TEXT}p"))
                         for cell in child.findall(f"{_TABLE}table-cell")]
                lines.append(" ".join(c for c in cells if c))
            elif child.tag not in (f"{_TEXT}tracked-changes", f"{_OFFICE}annotation"):
                blocks(child, in_list)

    if text is not None:
        blocks(text, False)
    return lines


def _open_document_inline(element: ElementTree.Element) -> str:
    """The text of an OpenDocument paragraph or heading: spans, runs of spaces, tabs, line breaks."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == f"{_TEXT}s":
            parts.append(" " * _number(child.get(f"{_TEXT}c"), 1, 100))
        elif child.tag == f"{_TEXT}tab":
            parts.append("\t")
        elif child.tag == f"{_TEXT}line-break":
            parts.append("\n")
        elif child.tag not in (f"{_OFFICE}annotation", f"{_TEXT}note"):
            parts.append(_open_document_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _number(value: str | None, default: int, most: int) -> int:
    """An attribute's count, `default` when it is missing or no number, at most `most`."""
    return min(int(value), most) if value and value.isdigit() and int(value) > 0 else default
