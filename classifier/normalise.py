"""Text in: turn a posting (plain text, Markdown or an HTML fragment) into the text that is analysed.

Plain text and Markdown are analysed as written (only Unicode NFC is applied), so evidence offsets
index the input itself. HTML fragments are converted to readable text first: tags become line
breaks or bullets, entities are decoded, whitespace is folded; offsets then index that text, which
the result carries as `text`.
"""
from __future__ import annotations

import html
import re
import unicodedata

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>|<!--.*?-->", re.S)
_LOOKS_HTML = re.compile(r"<(p|br|div|ul|ol|li|strong|b|em|i|h[1-6]|span|table|tr|td|a)\b[^>]*>|&[a-z]+;|&#\d+;", re.I)
_BLOCK_TAGS = {"p", "div", "br", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section", "article", "header", "footer", "blockquote"}
_DROP_CONTENT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)
# Only the runs of spaces that change (a single plain space, most of the text, is left alone) and
# blank lines, matched from their first line break: the regex engine skips ahead much faster.
_SPACES = re.compile(r"[\t\u00a0\u202f\u2009][ \t\u00a0\u202f\u2009]*| [ \t\u00a0\u202f\u2009]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*")  # the spaces before the first line break go with the line strips


def looks_like_html(text: str) -> bool:
    """True when the text holds HTML tags or entities, as ATS exports of descriptions do."""
    return ("<" in text or "&" in text) and _LOOKS_HTML.search(text) is not None


def html_to_text(fragment: str) -> str:
    """Readable text from an HTML fragment: block tags break lines, list items become bullets."""

    def replace(match: re.Match) -> str:
        closing, name = match.group(1), (match.group(2) or "").lower()
        if name == "li":
            return "" if closing else "\n• "
        if name in _BLOCK_TAGS:
            return "\n"
        return ""

    text = _TAG.sub(replace, _DROP_CONTENT.sub("", fragment))
    text = html.unescape(text)
    text = _SPACES.sub(" ", text)
    text = _BLANK_LINES.sub("\n\n", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def normalise(text: str) -> str:
    """The text to analyse and quote: NFC, HTML converted when the input is HTML."""
    text = unicodedata.normalize("NFC", text)
    if looks_like_html(text):
        text = html_to_text(text)
    return text
