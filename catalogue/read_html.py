"""Reader (b): a saved procedure detail page of the national portal (dichvucong.gov.vn) or of a
provincial portal (dichvucong.<tỉnh>.gov.vn): one page, one record.

The page is read as label -> value pairs, in either layout the portals use:
  - ``div.info-row`` holding a label div and a value div (``col-sm-9``), the national portal's;
  - table rows whose first cell is a label and the second the value ("Thông tin | Nội dung"), the
    provincial portals'.
A value whose text is itself HTML (portals that print the stored HTML escaped, ``&lt;div …&gt;``) is
parsed once more. Labels are matched without diacritics (``LABELS``). The tables of "Cách thức thực
hiện" (hình thức nộp | thời hạn | phí, lệ phí | mô tả), "Thành phần hồ sơ" (a one-cell row names a
trường hợp; counts as "Bản chính: 1 Bản sao: 0" or in their own columns) and "Căn cứ pháp lý" (số ký
hiệu | trích yếu | …) become channels, document cases and legal basis; every other value becomes plain
text lines (``catalogue.html_text``). The name: the "Tên thủ tục" value, else the first heading; the
code: the "Mã thủ tục"/"Ký hiệu thủ tục" value, else "Ký hiệu thủ tục: …" in the page text.
Problems: not HTML text (UTF-8), no name found.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Dict, List, Optional, Tuple

from bot.text import search_key
from catalogue.amounts import amount_in_text
from catalogue.html_text import lines
from catalogue.record import Channel, Document, DocumentCase, Fee, Record, RecordError

LABELS = {  # search_key of the label's start -> Record field
    "ma thu tuc": "code", "ky hieu thu tuc": "code", "ten thu tuc": "name", "cap thuc hien": "level",
    "linh vuc": "field", "trinh tu thuc hien": "steps", "cach thuc thuc hien": "channels",
    "thanh phan ho so": "documents", "doi tuong thuc hien": "subjects", "co quan thuc hien": "authority",
    "ket qua thuc hien": "results", "can cu phap ly": "legal_basis", "yeu cau dieu kien": "conditions",
    "yeu cau, dieu kien": "conditions", "muc do": "online_level", "thoi han giai quyet": "deadline_text",
    "phi, le phi": "fee_text", "le phi": "fee_text",
}
VOID = {"br", "img", "hr", "input", "meta", "link", "col", "wbr", "source"}
CODE_IN_TEXT = re.compile(r"(?:Ký hiệu thủ tục|Mã thủ tục)\s*:?\s*([0-9][0-9A-Za-z.]{4,})")


class Node:
    def __init__(self, tag: str, attrs: Dict[str, str], parent: Optional["Node"]) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: List[object] = []  # Node or str

    def html(self) -> str:
        inner = "".join(c.html() if isinstance(c, Node) else _escape(c) for c in self.children)
        return f"<{self.tag}>{inner}</{self.tag}>" if self.tag != "#root" else inner

    def text(self) -> str:
        return " ".join(c.text() if isinstance(c, Node) else c for c in self.children)

    def find_all(self, tag: str) -> List["Node"]:
        found: List[Node] = []
        for child in self.children:
            if isinstance(child, Node):
                if child.tag == tag:
                    found.append(child)
                found += child.find_all(tag)
        return found

    def elements(self) -> List["Node"]:
        return [c for c in self.children if isinstance(c, Node)]


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.at = self.root

    def handle_starttag(self, tag: str, attrs) -> None:  # noqa: ANN001 - HTMLParser's signature
        node = Node(tag, {k: v or "" for k, v in attrs}, self.at)
        self.at.children.append(node)
        if tag not in VOID:
            self.at = node

    def handle_endtag(self, tag: str) -> None:
        node = self.at
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.at = node.parent

    def handle_data(self, data: str) -> None:
        self.at.children.append(data)


def parse(html: str) -> Node:
    tree = _Tree()
    tree.feed(html)
    tree.close()
    return tree.root


def _label(text: str) -> Optional[str]:
    key = search_key(text).strip(" :")
    for label, name in sorted(LABELS.items(), key=lambda kv: -len(kv[0])):
        if key == search_key(label) or (key.startswith(search_key(label)) and len(key) < len(label) + 12):
            return name
    return None


def _value_node(node: Node) -> Node:
    """The value, parsed again when its text is escaped HTML."""
    if not node.find_all("table") and re.search(r"<\s*(div|table|p|tr|span|br)\b", node.text(), re.I):
        return parse(node.text())
    return node


def pairs(root: Node) -> List[Tuple[str, Node]]:
    """(field, value node) of every labelled value, in page order (first occurrence of a field wins)."""
    found: List[Tuple[str, Node]] = []
    for div in root.find_all("div"):
        if "info-row" in div.attrs.get("class", ""):
            parts = div.elements()
            if len(parts) >= 2:
                name = _label(parts[0].text())
                if name:
                    found.append((name, _value_node(parts[1])))
    for row in root.find_all("tr"):
        cells = [c for c in row.elements() if c.tag in ("td", "th")]
        if len(cells) >= 2:
            name = _label(cells[0].text())
            if name and not cells[0].find_all("table"):
                found.append((name, _value_node(cells[1])))
    seen, out = set(), []
    for name, node in found:
        if name not in seen:
            seen.add(name)
            out.append((name, node))
    return out


def _rows(node: Node) -> List[List[str]]:
    out = []
    for row in node.find_all("tr"):
        cells = [" ".join(lines(c.html())) for c in row.elements() if c.tag in ("td", "th")]
        if any(cells):
            out.append(cells)
    return out


def _kind(text: str) -> Optional[str]:
    key = search_key(text)
    if "truc tiep" in key:
        return "truc_tiep"
    if "truc tuyen" in key:
        return "truc_tuyen"
    if "buu chinh" in key:
        return "buu_chinh"
    return None


def channels_of(node: Node) -> List[Channel]:
    channels = []
    for cells in _rows(node):
        kind = _kind(cells[0]) if len(cells) >= 2 else None
        if kind is None:
            continue
        channel = Channel(kind, deadline=cells[1] if len(cells) > 1 else "")
        fee = cells[2].strip() if len(cells) > 2 else ""
        if fee:
            channel.fees.append(Fee(amount_in_text(fee), fee))
        channel.description = cells[3].strip(" -") if len(cells) > 3 else ""
        channels.append(channel)
    return channels


_COUNT = re.compile(r"Bản chính\s*:?\s*(\d+).*?Bản sao\s*:?\s*(\d+)", re.I | re.S)


def documents_of(node: Node) -> List[DocumentCase]:
    cases: List[DocumentCase] = [DocumentCase("")]
    columns: Dict[str, int] = {}
    for cells in _rows(node):
        keys = [search_key(c) for c in cells]
        if any(k.startswith(("ten giay to", "loai giay to")) for k in keys):
            columns = {k: i for i, k in enumerate(keys)}
            continue
        if len([c for c in cells if c.strip()]) == 1 and len(cells) <= 2 and not _COUNT.search(cells[0]):
            cases.append(DocumentCase(cells[0].strip()))
            continue
        name = cells[0].strip()
        if not name:
            continue
        originals = copies = None
        joined = " ".join(cells[1:])
        match = _COUNT.search(joined)
        if match:
            originals, copies = int(match.group(1)), int(match.group(2))
        else:
            at = {"ban chinh": None, "ban sao": None}
            for key, index in columns.items():
                for wanted in at:
                    if key.startswith(wanted) and index < len(cells) and cells[index].strip().isdigit():
                        at[wanted] = int(cells[index].strip())
            originals, copies = at["ban chinh"], at["ban sao"]
        cases[-1].documents.append(Document(name, originals, copies))
    return [case for case in cases if case.documents]


def legal_of(node: Node) -> List[str]:
    rows = [cells for cells in _rows(node) if not search_key(cells[0]).startswith("so ky hieu")]
    if rows:
        out = []
        for cells in rows:
            number, title = cells[0].strip(), (cells[1].strip() if len(cells) > 1 else "")
            out.append(f"{number}: {title}" if number and title else number or title)
        return [line for line in out if line]
    return lines(node.html())


def read(content: bytes) -> Tuple[List[Record], List[RecordError]]:
    """The record of a saved detail page (see the module docstring)."""
    try:
        page = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [RecordError(0, "file", "trang HTML phải ở dạng UTF-8")]
    if "<" not in page:
        return [], [RecordError(0, "file", "không phải một trang HTML")]
    root = parse(page)
    record = Record(number=1)
    for name, node in pairs(root):
        if name == "channels":
            record.channels = channels_of(node)
        elif name == "documents":
            record.document_cases = documents_of(node)
        elif name == "legal_basis":
            record.legal_basis = legal_of(node)
        elif name in ("steps", "subjects", "results", "conditions"):
            setattr(record, name, lines(node.html()))
        else:
            setattr(record, name, " ".join(lines(node.html())))
    if not record.name:
        heading = next((h for tag in ("h1", "h2", "h3", "title") for h in root.find_all(tag) if " ".join(lines(h.html()))), None)
        record.name = " ".join(lines(heading.html())) if heading else ""
    if not record.code:
        match = CODE_IN_TEXT.search(" ".join(lines(root.html())))
        record.code = match.group(1).rstrip(".") if match else ""
    canonical = root.find_all("link")
    for link in canonical:
        if link.attrs.get("rel") == "canonical" and link.attrs.get("href"):
            record.url = link.attrs["href"]
    if not record.name:
        return [], [RecordError(1, "Tên thủ tục", "không tìm thấy tên thủ tục trên trang")]
    return [record], []
