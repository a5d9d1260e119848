"""Raw HTML of a record's field value -> plain text lines.

Portals store field values as HTML pasted from word processors (inline styles, ``&nbsp;``, entities,
nested divs, tables). ``lines(html)`` gives the visible text, one line per block (p, div, li, tr, br,
headings), cells of a row joined by " | ", whitespace collapsed, empty lines dropped; script and style
content is dropped. ``text(html)`` joins the lines with a space. Plain text passes through unchanged
(apart from whitespace). The stdlib parser is enough: it is lenient with broken markup and only the text
is kept.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import List

BLOCKS = {"p", "div", "li", "tr", "br", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "thead",
          "tbody", "section", "article", "header", "footer", "blockquote", "dd", "dt"}
CELLS = {"td", "th"}
SKIP = {"script", "style", "head", "title"}
_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: List[str] = []
        self.current: List[str] = []
        self.skipping = 0

    def _break(self) -> None:
        line = _SPACE.sub(" ", "".join(self.current)).strip(" |")
        if line.strip():
            self.out.append(line.strip())
        self.current = []

    def handle_starttag(self, tag: str, attrs) -> None:  # noqa: ANN001 - HTMLParser's signature
        if tag in SKIP:
            self.skipping += 1
        elif tag in BLOCKS:
            self._break()
        elif tag in CELLS and "".join(self.current).strip():
            self.current.append(" | ")

    def handle_startendtag(self, tag: str, attrs) -> None:  # noqa: ANN001
        if tag in BLOCKS:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in BLOCKS:
            self._break()

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.current.append(data.replace("\n", " "))


def lines(value: str) -> List[str]:
    """The visible text of ``value`` (HTML or plain text), one line per block."""
    if not value:
        return []
    if "<" not in value and "&" not in value:
        return [_SPACE.sub(" ", line).strip() for line in str(value).splitlines() if line.strip()]
    parser = _Text()
    parser.feed(str(value))
    parser.close()
    parser._break()
    return [html.unescape(line) for line in parser.out]


def text(value: str) -> str:
    return " ".join(lines(value))
