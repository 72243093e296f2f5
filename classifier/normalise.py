"""Text in: turn a posting (plain text, Markdown or an HTML fragment) into the text that is analysed.

Plain text and Markdown are analysed as written (only Unicode NFC is applied, and C1 control
characters are read as Windows-1252, one character for one), so evidence offsets index the input
itself. HTML fragments are converted to readable text first: tags become line breaks or bullets,
entities are decoded, whitespace is folded; offsets then index that text, which the result carries
as `text`.

HTML is read by `HtmlToText`, a scanner that follows HTML's tokenization rules (tags with quoted
attribute values, comments, `<!…>` and `<?…>` declarations, the raw text of `<script>` and
`<style>`, character references) and reads each character a bounded number of times, so any input
costs time linear in its length: the standard library's `html.parser` (Python 3.11) takes
quadratic time on unclosed constructs (`"<a " * 60_000`: 410 s) and an HTML5 tree builder
(selectolax/lexbor) on deep nesting (`"<div>" * 100_000`: 30 s), while the flat text wanted here
needs no tree. As in a browser, a construct left open at the end (a tag, a comment, a script)
runs to the end of the text and shows nothing.
"""
from __future__ import annotations

import html
import re
import unicodedata
from html.entities import html5 as _NAMED_REFERENCES

MAX_POSTING_CHARACTERS = 1_000_000  # a longer text or title is refused (InputError), before any work
_LETTER = re.compile(r"[^\W\d_]")
# Tags that break lines: blocks of text, and the parts of a saved page (its <title>, menus, buttons,
# the options of a list) that would otherwise run into each other ("JobsHome | Jobs").
_BLOCK_TAGS = {"p", "div", "br", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section", "article",
               "header", "footer", "blockquote", "main", "nav", "aside", "hr", "dl", "dt", "dd", "pre", "html", "body",
               "head", "title", "form", "fieldset", "legend", "figure", "figcaption", "address", "details", "summary",
               "caption", "button", "label", "option", "select", "textarea"}
_CELL_TAGS = {"td", "th"}  # table cells: a space between them ("Salaire" "45 k€" is not "Salaire45 k€")
_RAW_TEXT_TAGS = {"script", "style"}
_KNOWN_TAGS = _BLOCK_TAGS | _CELL_TAGS | _RAW_TEXT_TAGS | {"li", "strong", "b", "em", "i", "u", "span", "a", "img", "font",
                                                          "small", "sup", "sub", "code"}
# a tag: its name, then attributes whose quoted values may hold ">" (possessive: never backtracks)
_TAG = re.compile(r"<(/?)([a-zA-Z][^\s/>]*)(?:=\s*\"[^\"]*\"|=\s*'[^']*'|[^>])*+>")
_MARKUP_START = re.compile(r"<[a-zA-Z/!?]")
_TAG_NAME = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]{0,9})[\s/>]")
_REFERENCE = re.compile(r"&(#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[a-zA-Z][a-zA-Z0-9]{1,31};)")
# Only the runs of spaces that change (a single plain space, most of the text, is left alone) and
# blank lines, matched from their first line break: the regex engine skips ahead much faster.
_SPACES = re.compile(r"[\t\u00a0\u202f\u2009][ \t\u00a0\u202f\u2009]*| [ \t\u00a0\u202f\u2009]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*")  # the spaces before the first line break go with the line strips
# C1 control characters are Windows-1252's punctuation read as Latin-1 (a page declared ISO-8859-1,
# an export opened with the wrong encoding): "l\x92équipe", "c\x9cur", "\x93agile\x94". They are read
# as Windows-1252, as browsers do (the five codes it leaves undefined stay as they are).
_C1 = re.compile("[\x80-\x9f]")
_C1_AS_WINDOWS_1252 = {code: bytes([code]).decode("cp1252") for code in range(0x80, 0xA0)
                       if code not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}


def looks_like_html(text: str) -> bool:
    """True when the text holds a known HTML tag, a comment or a character reference (`&eacute;`,
    `&#233;`, `&#xE9;`), as ATS exports of descriptions do; `R&D;` or a lone `&` is plain text."""
    if "<" in text and ("<!--" in text or any(m.group(1).lower() in _KNOWN_TAGS for m in _TAG_NAME.finditer(text))):
        return True
    return "&" in text and any(m.group(1).startswith("#") or m.group(1) in _NAMED_REFERENCES
                               for m in _REFERENCE.finditer(text))


class HtmlToText:
    """One HTML fragment read once, left to right, into readable text parts: block tags break
    lines, list items become bullets, script and style contents and comments are dropped."""

    def __init__(self, fragment: str):
        self.fragment = fragment
        self.parts: list[str] = []

    def text(self) -> str:
        fragment, at = self.fragment, 0
        while at < len(fragment):
            opening = _MARKUP_START.search(fragment, at)
            if opening is None:
                self._data(fragment[at:])
                break
            self._data(fragment[at:opening.start()])
            at = self._markup(opening.start())
        return "".join(self.parts)

    def _data(self, data: str) -> None:
        if data:
            self.parts.append(html.unescape(data) if "&" in data else data)

    def _markup(self, at: int) -> int:
        """Read the markup starting with the "<" at `at`; the position after it (the end of the
        fragment for a construct left open)."""
        fragment, end = self.fragment, len(self.fragment)
        following = fragment[at + 1:at + 2]
        if fragment.startswith("<!--", at):
            close = fragment.find("-->", at + 4)
            return end if close < 0 else close + 3
        if following in ("!", "?"):
            close = fragment.find(">", at + 2)
            return end if close < 0 else close + 1
        tag = _TAG.match(fragment, at)
        if tag is None:
            if following == "/" and not fragment[at + 2:at + 3].isalpha():  # "</ " is text
                self.parts.append("<")
                return at + 1
            return end
        closing, name = tag.group(1), tag.group(2).lower()
        if name == "li":
            self.parts.append("" if closing else "\n• ")
        elif name in _BLOCK_TAGS:
            self.parts.append("\n")
        elif name in _CELL_TAGS:
            self.parts.append(" ")
        if name in _RAW_TEXT_TAGS and not closing:
            close = re.compile(rf"</{name}[\s/>]", re.I).search(fragment, tag.end())
            if close is None:
                return end
            after = fragment.find(">", close.start())
            return end if after < 0 else after + 1
        return tag.end()


def html_to_text(fragment: str) -> str:
    """Readable text from an HTML fragment: block tags break lines, list items become bullets."""
    text = _SPACES.sub(" ", HtmlToText(fragment).text())
    text = _BLANK_LINES.sub("\n\n", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def has_words(text: str) -> bool:
    """Whether the text holds a letter: one of only numbers, punctuation, emoji or empty list items
    has nothing to classify. (`_LETTER` also meets numbers that are not digits, such as "¼" or "Ⅻ",
    hence the check of each candidate.)"""
    return any(m.group().isalpha() for m in _LETTER.finditer(text))


def normalise(text: str) -> str:
    """The text to analyse and quote: C1 controls read as Windows-1252, NFC, HTML converted when the
    input is HTML."""
    if _C1.search(text):
        text = text.translate(_C1_AS_WINDOWS_1252)
    text = unicodedata.normalize("NFC", text)
    if looks_like_html(text):
        text = html_to_text(text)
    return text
