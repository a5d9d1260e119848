"""Reader (c): the Excel list of procedures a province keeps (.xlsx, openpyxl).

The first sheet holding a "tên thủ tục" column is read; its header is the first of the top 10 rows that
names one. Columns are matched by their label without diacritics (``COLUMNS``; unknown columns are
ignored, e.g. STT). One procedure a row; a list cell holds one entry a line (documents may start with
"Trường hợp …:"); a fee cell holds an amount ("50.000", "Không") or a text; "Cách thức thực hiện" names
the channels ("Trực tiếp; Trực tuyến; Bưu chính"), each with the row's deadline and fee.
``record N`` is the N-th procedure row (1-based); the field of a problem names its column and row.
Problems: not an .xlsx file, no "tên thủ tục" column, a row without a name, a fee cell that looks like
an amount but is not one.
"""

from __future__ import annotations

import io
import re
from typing import Any, Dict, List, Optional, Tuple

from openpyxl import load_workbook

from bot.text import search_key
from catalogue.amounts import amount, amount_in_text
from catalogue.html_text import lines
from catalogue.read_html import _kind
from catalogue.record import Channel, Document, DocumentCase, Fee, Record, RecordError

COLUMNS = {  # search_key of a header's start -> Record field
    "ma thu tuc": "code", "ma tthc": "code", "ma so": "code", "ma": "code",
    "ten thu tuc": "name", "ten tthc": "name", "ten": "name",
    "linh vuc": "field", "cap thuc hien": "level", "cap": "level",
    "co quan thuc hien": "authority", "co quan giai quyet": "authority",
    "thoi han giai quyet": "deadline_text", "thoi gian giai quyet": "deadline_text",
    "phi le phi": "fee_text", "phi, le phi": "fee_text", "le phi": "fee_text", "phi": "fee_text",
    "muc do": "online_level", "dich vu cong truc tuyen": "online_level",
    "can cu phap ly": "legal_basis", "thanh phan ho so": "documents", "trinh tu thuc hien": "steps",
    "doi tuong thuc hien": "subjects", "ket qua thuc hien": "results", "ket qua": "results",
    "yeu cau dieu kien": "conditions", "yeu cau, dieu kien": "conditions", "cach thuc thuc hien": "channels",
    "duong dan": "url", "url": "url",
}
MAX_HEADER_ROW = 10
_LOOKS_NUMERIC = re.compile(r"^[\d.,\s]+(đồng|đ|vnđ)?$", re.I)


def _column(header: Any) -> Optional[str]:
    key = re.sub(r"[^a-z0-9, ]", " ", search_key(str(header or ""))).strip()
    key = re.sub(r"\s+", " ", key)
    if not key:
        return None
    for label, name in sorted(COLUMNS.items(), key=lambda kv: -len(kv[0])):
        if key == label or key.startswith(label + " ") or key.startswith(label + ","):
            return name
    return None


def _cell_lines(value: Any) -> List[str]:
    return [line.lstrip("-–•+ ").strip() for line in lines(str(value)) if line.strip("-–•+ ")] if value not in (None, "") else []


def read(content: bytes) -> Tuple[List[Record], List[RecordError]]:
    """Every procedure row of the workbook, and every problem (see the module docstring)."""
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable upload is the officer's error message
        return [], [RecordError(0, "file", "không đọc được tệp Excel (.xlsx)")]
    for sheet in workbook.worksheets:
        table = [list(r) for r in sheet.iter_rows(values_only=True)]
        for header_at, header in enumerate(table[:MAX_HEADER_ROW]):
            keys = [_column(h) for h in header]
            if "name" in keys:
                return _records(table, header_at, keys)
    return [], [RecordError(0, "file", "không tìm thấy cột “Tên thủ tục” ở 10 dòng đầu của trang tính nào")]


def _records(table: List[List[Any]], header_at: int, keys: List[Optional[str]]) -> Tuple[List[Record], List[RecordError]]:
    records: List[Record] = []
    errors: List[RecordError] = []
    number = 0
    for row_index, values in enumerate(table[header_at + 1:], start=header_at + 2):
        cells: Dict[str, Any] = {}
        for key, value in zip(keys, values):
            if key and value not in (None, "") and key not in cells:
                cells[key] = value
        if not cells:
            continue
        number += 1
        name = " ".join(lines(str(cells.get("name", ""))))
        if not name:
            errors.append(RecordError(number, f"Tên thủ tục (dòng {row_index})", "thiếu tên thủ tục"))
            continue
        record = Record(number=number, name=name, code=str(cells.get("code", "")).strip(),
                        level=" ".join(_cell_lines(cells.get("level"))), field=" ".join(_cell_lines(cells.get("field"))),
                        authority=" ".join(_cell_lines(cells.get("authority"))),
                        online_level=" ".join(_cell_lines(cells.get("online_level"))),
                        deadline_text=" ".join(_cell_lines(cells.get("deadline_text"))),
                        legal_basis=_cell_lines(cells.get("legal_basis")), steps=_cell_lines(cells.get("steps")),
                        subjects=_cell_lines(cells.get("subjects")), results=_cell_lines(cells.get("results")),
                        conditions=_cell_lines(cells.get("conditions")), url=str(cells.get("url", "")).strip())
        documents = _cell_lines(cells.get("documents"))
        if documents:
            record.document_cases = [DocumentCase("", [Document(line) for line in documents])]
        fee_cell = cells.get("fee_text")
        fee: Optional[Fee] = None
        if fee_cell not in (None, ""):
            text = " ".join(lines(str(fee_cell)))
            if isinstance(fee_cell, (int, float)) or _LOOKS_NUMERIC.match(text):
                try:
                    fee = Fee(amount(fee_cell), "")
                except ValueError:
                    errors.append(RecordError(number, f"Phí, lệ phí (dòng {row_index})", f"số tiền không hợp lệ “{fee_cell}”"))
                    continue
            else:
                fee = Fee(amount_in_text(text), text)
        kinds = [k for k in (_kind(part) for part in re.split(r"[;,\n]", str(cells.get("channels", "")))) if k]
        for kind in dict.fromkeys(kinds):
            record.channels.append(Channel(kind, deadline=record.deadline_text, fees=[fee] if fee else []))
        if not record.channels and fee is not None:
            record.fee_text = fee.text or (str(fee.amount) + " đồng" if fee.amount else "Miễn phí")
        records.append(record)
    return records, errors
