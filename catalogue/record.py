"""The neutral form of one catalogue record, whatever file it was read from.

Every reader (``read_json``, ``read_html``, ``read_xlsx``) gives ``Record``s with their position in the
file (``number``, 1-based) and plain text only (no HTML left); a record it cannot read at all is a
``RecordError`` of that position. The mapper (``catalogue.mapper``) turns a Record into our schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field as _field
from typing import List, Optional


class RecordError(Exception):
    """``record N: field: problem`` (N = position in the file, 1-based); a problem of the file itself
    (number 0) reads ``file: problem``."""

    def __init__(self, number: int, field_name: str, problem: str) -> None:
        where = f"record {number}: " if number else ""
        super().__init__(f"{where}{field_name}: {problem}")
        self.number = number
        self.field = field_name
        self.problem = problem


@dataclass
class Fee:
    """One fee line of a channel: ``amount`` in VND (0 = free) or None when the text gives no amount."""

    amount: Optional[int]
    text: str = ""  # the record's own words (MOTA / the cell), kept as the case or the note


@dataclass
class Channel:
    """One way of submitting (KENH 1 trực tiếp, 2 trực tuyến, 3 bưu chính)."""

    kind: str  # truc_tiep | truc_tuyen | buu_chinh
    deadline: str = ""
    fees: List[Fee] = _field(default_factory=list)
    description: str = ""


@dataclass
class Document:
    name: str
    originals: Optional[int] = None  # số bản chính
    copies: Optional[int] = None  # số bản sao


@dataclass
class DocumentCase:
    """Thành phần hồ sơ of one trường hợp ("" when the record has a single unnamed list)."""

    case: str
    documents: List[Document] = _field(default_factory=list)


@dataclass
class Record:
    number: int  # position in the file, 1-based
    code: str = ""  # the record's code as published (1.003583.000.00.00.H37)
    name: str = ""
    level: str = ""  # cấp thực hiện as written ("Cấp Xã", "Cấp Tỉnh", "Bộ"…)
    field: str = ""  # lĩnh vực
    authority: str = ""  # cơ quan thực hiện
    online_level: str = ""  # "Toàn trình" | "Một phần" | "" (mức độ dịch vụ công trực tuyến)
    channels: List[Channel] = _field(default_factory=list)
    document_cases: List[DocumentCase] = _field(default_factory=list)
    steps: List[str] = _field(default_factory=list)
    legal_basis: List[str] = _field(default_factory=list)
    subjects: List[str] = _field(default_factory=list)
    results: List[str] = _field(default_factory=list)
    conditions: List[str] = _field(default_factory=list)
    fee_text: str = ""  # a procedure-wide fee text, when the file has no per-channel fees (Excel)
    deadline_text: str = ""  # a procedure-wide deadline, likewise
    url: str = ""
