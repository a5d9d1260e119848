"""Between the officers' forms (and spreadsheet cells) and the knowledge items of bot.knowledge.model.

Lists are edited one entry a line; fee items and sources as rows of a small table in the form, and
as ``case | amount | unit`` / ``title | url | read_on`` lines in a spreadsheet cell. Amounts accept
"135.000", "135 000 đ" or "135000". Nothing is validated here: the result goes to the loader's rules
(``bot.knowledge.store.parse_item``), which say what is wrong.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Mapping, Optional

EXTRA_ROWS = 2

# (key, label) in spreadsheet column order
PROCEDURE_COLUMNS = [
    ("id", "Mã (id)"),
    ("name", "Tên thủ tục"),
    ("aliases", "Cách gọi khác (mỗi dòng một cách)"),
    ("documents", "Thành phần hồ sơ (mỗi dòng một giấy tờ)"),
    ("fee_items", "Lệ phí (mỗi dòng: trường hợp | số tiền | đơn vị)"),
    ("fee_exemptions", "Miễn, giảm (mỗi dòng một đối tượng)"),
    ("fee_note", "Ghi chú lệ phí"),
    ("deadline", "Thời hạn giải quyết"),
    ("authority", "Cơ quan giải quyết"),
    ("where", "Nơi nộp"),
    ("online_level", "Mức trực tuyến (toan_trinh | mot_phan | khong)"),
    ("online_description", "Cách làm trực tuyến"),
    ("online_url", "Địa chỉ trực tuyến"),
    ("legal_basis", "Căn cứ pháp lý (mỗi dòng một văn bản)"),
    ("notes", "Lưu ý (mỗi dòng một ý)"),
    ("sources", "Nguồn (mỗi dòng: tiêu đề | url | ngày đọc)"),
    ("verified_on", "Ngày kiểm tra (YYYY-MM-DD)"),
]
FAQ_COLUMNS = [
    ("id", "Mã (id)"),
    ("question", "Câu hỏi"),
    ("variants", "Cách hỏi khác (mỗi dòng một cách)"),
    ("answer", "Câu trả lời"),
    ("procedure", "Thủ tục liên quan (mã)"),
    ("sources", "Nguồn (mỗi dòng: tiêu đề | url | ngày đọc)"),
    ("verified_on", "Ngày kiểm tra (YYYY-MM-DD)"),
]
COLUMNS = {"procedures": PROCEDURE_COLUMNS, "faq": FAQ_COLUMNS}
ONLINE_LEVEL_NAMES = {"toan_trinh": "Toàn trình", "mot_phan": "Một phần", "khong": "Không trực tuyến"}


def lines(text: Any) -> List[str]:
    return [line.strip() for line in str(text or "").replace("\r", "").split("\n") if line.strip()]


def amount(text: Any) -> Any:
    """135.000 đồng -> 135000; anything else is passed on for the validator to reject."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return int(text) if float(text).is_integer() else text
    raw = str(text or "").strip()
    cleaned = re.sub(r"(?i)\s*(vnd|vnđ|đồng|đ)\s*$", "", raw)
    cleaned = re.sub(r"[.\s,]", "", cleaned)
    return int(cleaned) if cleaned.isdigit() else raw


def _opt(text: Any) -> Optional[str]:
    value = str(text if text is not None else "").strip()
    return value or None


def _date(text: Any) -> Any:
    if hasattr(text, "isoformat"):
        return text.isoformat()[:10]
    value = str(text or "").strip()
    match = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", value)
    if match:  # 24/11/2026, as officers write dates
        return f"{match.group(3)}-{int(match.group(2)):02d}-{int(match.group(1)):02d}"
    return value or None


def _prune(data: Dict[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def fee_item(case: Any, value: Any, unit: Any) -> Dict[str, Any]:
    return _prune({"case": _opt(case), "amount": amount(value), "unit": _opt(unit)})


def source(title: Any, url: Any, read_on: Any) -> Dict[str, Any]:
    return _prune({"title": _opt(title), "url": _opt(url), "read_on": _date(read_on)})


# ---------------------------------------------------------------- web forms


def _rows(form: Mapping[str, str], prefix: str, fields: List[str]) -> List[List[str]]:
    numbers = sorted({int(k.rsplit("_", 1)[1]) for k in form if k.startswith(prefix) and k.rsplit("_", 1)[1].isdigit()})
    rows = []
    for number in numbers:
        values = [str(form.get(f"{prefix}{field}_{number}", "")).strip() for field in fields]
        if any(values):
            rows.append(values)
    return rows


def _sources_from_form(form: Mapping[str, str]) -> List[Dict[str, Any]]:
    return [source(*row) for row in _rows(form, "source_", ["title", "url", "read_on"])]


def procedure_from_form(form: Mapping[str, str]) -> Dict[str, Any]:
    fee = _prune({
        "items": [fee_item(*row) for row in _rows(form, "fee_", ["case", "amount", "unit"])],
        "exemptions": lines(form.get("fee_exemptions")),
        "note": _opt(form.get("fee_note")),
    })
    online = _prune({
        "level": _opt(form.get("online_level")),
        "description": _opt(form.get("online_description")),
        "url": _opt(form.get("online_url")),
    })
    return _prune({
        "id": _opt(form.get("id")),
        "name": _opt(form.get("name")),
        "aliases": lines(form.get("aliases")),
        "documents": lines(form.get("documents")),
        "fee": fee,
        "deadline": _opt(form.get("deadline")),
        "authority": _opt(form.get("authority")),
        "where": _opt(form.get("where")),
        "online": online,
        "legal_basis": lines(form.get("legal_basis")),
        "notes": lines(form.get("notes")),
        "sources": _sources_from_form(form),
        "verified_on": _date(form.get("verified_on")),
    })


def faq_from_form(form: Mapping[str, str]) -> Dict[str, Any]:
    return _prune({
        "id": _opt(form.get("id")),
        "question": _opt(form.get("question")),
        "variants": lines(form.get("variants")),
        "answer": str(form.get("answer") or "").replace("\r", "").strip() or None,
        "procedure": _opt(form.get("procedure")),
        "sources": _sources_from_form(form),
        "verified_on": _date(form.get("verified_on")),
    })


FROM_FORM = {"procedures": procedure_from_form, "faq": faq_from_form}


# ---------------------------------------------------------------- spreadsheet cells


def _cell_lines(values: List[Any]) -> str:
    return "\n".join(str(v) for v in values)


def _pipe(values: List[Any]) -> str:
    return " | ".join("" if v is None else str(v) for v in values)


def to_cells(kind: str, data: Dict[str, Any]) -> Dict[str, str]:
    """An item as spreadsheet cells (key -> text)."""
    sources = _cell_lines([_pipe([s.get("title"), s.get("url"), s.get("read_on")]) for s in data.get("sources", [])])
    if kind == "faq":
        return {
            "id": data.get("id", ""), "question": data.get("question", ""),
            "variants": _cell_lines(data.get("variants", [])), "answer": data.get("answer", ""),
            "procedure": data.get("procedure", "") or "", "sources": sources,
            "verified_on": data.get("verified_on", ""),
        }
    fee = data.get("fee", {})
    online = data.get("online", {})
    return {
        "id": data.get("id", ""), "name": data.get("name", ""),
        "aliases": _cell_lines(data.get("aliases", [])), "documents": _cell_lines(data.get("documents", [])),
        "fee_items": _cell_lines([_pipe([i.get("case", ""), i.get("amount"), i.get("unit", "")]) for i in fee.get("items", [])]),
        "fee_exemptions": _cell_lines(fee.get("exemptions", [])), "fee_note": fee.get("note", "") or "",
        "deadline": data.get("deadline", ""), "authority": data.get("authority", ""), "where": data.get("where", "") or "",
        "online_level": online.get("level", ""), "online_description": online.get("description", "") or "",
        "online_url": online.get("url", "") or "",
        "legal_basis": _cell_lines(data.get("legal_basis", [])), "notes": _cell_lines(data.get("notes", [])),
        "sources": sources, "verified_on": data.get("verified_on", ""),
    }


def _split_pipe(line: str, size: int) -> List[str]:
    parts = [p.strip() for p in line.split("|")]
    return (parts + [""] * size)[:size] if len(parts) <= size else parts[: size - 1] + [" | ".join(parts[size - 1:])]


def from_cells(kind: str, cells: Mapping[str, Any]) -> Dict[str, Any]:
    """Spreadsheet cells (key -> value) as an item dict, for the validator."""
    def text(key: str) -> str:
        value = cells.get(key)
        if value is None:
            return ""
        if hasattr(value, "isoformat"):
            return value.isoformat()[:10]
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    sources = [source(*_split_pipe(line, 3)) for line in lines(text("sources"))]
    if kind == "faq":
        return _prune({
            "id": _opt(text("id")), "question": _opt(text("question")), "variants": lines(text("variants")),
            "answer": text("answer").replace("\r", "").strip() or None, "procedure": _opt(text("procedure")),
            "sources": sources, "verified_on": _date(text("verified_on")),
        })
    items = []
    for line in lines(text("fee_items")):
        parts = _split_pipe(line, 3)
        if len([p for p in line.split("|")]) == 1:
            parts = ["", parts[0], ""]
        items.append(fee_item(*parts))
    return _prune({
        "id": _opt(text("id")), "name": _opt(text("name")), "aliases": lines(text("aliases")),
        "documents": lines(text("documents")),
        "fee": _prune({"items": items, "exemptions": lines(text("fee_exemptions")), "note": _opt(text("fee_note"))}),
        "deadline": _opt(text("deadline")), "authority": _opt(text("authority")), "where": _opt(text("where")),
        "online": _prune({"level": _opt(text("online_level")), "description": _opt(text("online_description")), "url": _opt(text("online_url"))}),
        "legal_basis": lines(text("legal_basis")), "notes": lines(text("notes")),
        "sources": sources, "verified_on": _date(text("verified_on")),
    })
