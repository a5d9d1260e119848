"""Between the officers' forms (and spreadsheet cells) and the knowledge items of bot.knowledge.model.

Lists are edited one entry a line; fee items and sources as rows of a small table in the form, and
as ``case | amount | unit`` / ``title | url | read_on`` lines in a spreadsheet cell. Amounts accept
"135.000", "135 000 đ" or "135000". Nothing is validated here: the result goes to the loader's rules
(``bot.knowledge.store.parse_item``), which say what is wrong.

The optional fields of docs/knowledge-schema.md ("What citizens ask beyond the basics"):
  - code, subjects, conditions, steps, qualifiers, result document and validity: a field (a cell) each,
    lists one entry a line;
  - channels (cách thức thực hiện): in the form, one row per way (``channel_kind_N``, ``channel_deadline_N``,
    ``channel_fee_N`` with ``case | amount | unit`` lines, ``channel_fee_note_N``,
    ``channel_exemptions_N``, ``channel_description_N``); in the workbook, one row per way on the sheet
    "Cách thức thực hiện" (``CHANNEL_COLUMNS``), the procedure id in its first column;
  - special cases: in the form, one block per case (``case_<field>_N``; ``case_sources_N`` holds
    ``title | url | read_on`` lines; ``case_unclear_N`` is a checkbox); in the workbook, one row per
    case on the sheet "Trường hợp đặc biệt" (``SPECIAL_CASE_COLUMNS``).
A row (form or sheet) with every field empty is no entry.
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
    ("code", "Mã thủ tục trên CSDL quốc gia"),
    ("qualifiers", "Trường hợp áp dụng (qualifiers, mỗi dòng một khóa)"),
    ("subjects", "Đối tượng thực hiện (mỗi dòng một đối tượng)"),
    ("conditions", "Yêu cầu, điều kiện (mỗi dòng một điều kiện)"),
    ("steps", "Trình tự thực hiện (mỗi dòng một bước)"),
    ("result_document", "Kết quả (giấy tờ nhận được)"),
    ("result_validity", "Thời hạn hiệu lực của kết quả"),
]
# sub-tables of a procedure, each on its own sheet, the procedure id in the first column
CHANNEL_COLUMNS = [
    ("procedure", "Mã thủ tục (id)"),
    ("kind", "Cách thức (truc_tiep | truc_tuyen | buu_chinh)"),
    ("deadline", "Thời hạn giải quyết theo cách này"),
    ("fee_items", "Lệ phí theo cách này (mỗi dòng: trường hợp | số tiền | đơn vị)"),
    ("fee_exemptions", "Miễn, giảm (mỗi dòng một đối tượng)"),
    ("fee_note", "Ghi chú lệ phí"),
    ("description", "Mô tả"),
]
SPECIAL_CASE_COLUMNS = [
    ("procedure", "Mã thủ tục (id)"),
    ("id", "Mã trường hợp (id)"),
    ("topic", "Chủ đề"),
    ("question", "Câu hỏi"),
    ("variants", "Cách hỏi khác (mỗi dòng một cách)"),
    ("answer", "Câu trả lời"),
    ("unclear", "Chưa rõ (có | không)"),
    ("sources", "Nguồn (mỗi dòng: tiêu đề | url | ngày đọc)"),
    ("verified_on", "Ngày kiểm tra (YYYY-MM-DD)"),
    ("qualifiers", "Trả lời cho trường hợp thủ tục không có (qualifiers, mỗi dòng một khóa)"),
]
SUB_TABLES = {"channels": CHANNEL_COLUMNS, "special_cases": SPECIAL_CASE_COLUMNS}
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
CHANNEL_NAMES = {"truc_tiep": "Trực tiếp", "truc_tuyen": "Trực tuyến", "buu_chinh": "Bưu chính"}
TOPIC_NAMES = {
    "obligation": "Ai phải làm, thời hạn phải làm", "condition": "Điều kiện", "delegation": "Ủy quyền",
    "minor": "Trẻ em, độ tuổi", "late": "Làm muộn, quá hạn", "lost": "Mất, hỏng giấy tờ",
    "foreign": "Yếu tố nước ngoài", "penalty": "Xử phạt", "exemption": "Miễn, giảm",
    "validity": "Thời hạn hiệu lực", "other": "Khác",
}
YES = {"có", "co", "x", "yes", "true", "1", "chưa rõ", "chua ro"}
NO = {"", "không", "khong", "no", "false", "0"}


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


def _split_pipe(line: str, size: int) -> List[str]:
    parts = [p.strip() for p in line.split("|")]
    return (parts + [""] * size)[:size] if len(parts) <= size else parts[: size - 1] + [" | ".join(parts[size - 1:])]


def fee_items_of(text: Any) -> List[Dict[str, Any]]:
    """``case | amount | unit`` lines (a line without "|" is an amount alone)."""
    items = []
    for line in lines(text):
        parts = _split_pipe(line, 3) if "|" in line else ["", line, ""]
        items.append(fee_item(*parts))
    return items


def sources_of(text: Any) -> List[Dict[str, Any]]:
    """``title | url | read_on`` lines, split from the right (a title may hold "|")."""
    return [source(*([p.strip() for p in line.rsplit("|", 2)] + ["", ""])[:3]) for line in lines(text)]


def flag(text: Any) -> Any:
    """có / không (or x, true…) -> bool; anything else is passed on for the validator to reject."""
    if isinstance(text, bool):
        return text
    value = str(text if text is not None else "").strip().lower()
    if value in YES:
        return True
    if value in NO:
        return False
    return value


def _fee_lines(items: List[Dict[str, Any]]) -> str:
    return "\n".join(_pipe([i.get("case", ""), i.get("amount"), i.get("unit", "")]) for i in items)


def _source_lines(sources: List[Dict[str, Any]]) -> str:
    return "\n".join(_pipe([s.get("title"), s.get("url"), s.get("read_on")]) for s in sources)


def channel(kind: Any, deadline: Any, fee_items: Any, fee_exemptions: Any, fee_note: Any, description: Any) -> Dict[str, Any]:
    fee = _prune({"items": fee_items_of(fee_items), "exemptions": lines(fee_exemptions), "note": _opt(fee_note)})
    return _prune({"kind": _opt(kind), "deadline": _opt(deadline), "fee": fee, "description": _opt(description)})


def special_case(id: Any, topic: Any, question: Any, variants: Any, answer: Any, unclear: Any, sources: Any,
                 verified_on: Any, qualifiers: Any = "") -> Dict[str, Any]:
    data = _prune({
        "id": _opt(id), "topic": _opt(topic), "question": _opt(question), "variants": lines(variants),
        "answer": str(answer or "").replace("\r", "").strip() or None, "qualifiers": lines(qualifiers),
        "sources": sources_of(sources), "verified_on": _date(verified_on),
    })
    unclear_value = flag(unclear)
    if unclear_value is not False:
        data["unclear"] = unclear_value
    return data


def _result(document: Any, validity: Any) -> Dict[str, Any]:
    return _prune({"document": _opt(document), "validity": _opt(validity)})


def channel_cells(way: Dict[str, Any]) -> Dict[str, str]:
    fee = way.get("fee") or {}
    return {
        "kind": way.get("kind", ""), "deadline": way.get("deadline", "") or "",
        "fee_items": _fee_lines(fee.get("items", [])), "fee_exemptions": "\n".join(fee.get("exemptions", [])),
        "fee_note": fee.get("note", "") or "", "description": way.get("description", "") or "",
    }


def special_case_cells(case: Dict[str, Any]) -> Dict[str, str]:
    return {
        "id": case.get("id", ""), "topic": case.get("topic", ""), "question": case.get("question", ""),
        "variants": "\n".join(case.get("variants", [])), "answer": case.get("answer", ""),
        "unclear": "có" if case.get("unclear") else "không", "qualifiers": "\n".join(case.get("qualifiers", [])),
        "sources": _source_lines(case.get("sources", [])),
        "verified_on": case.get("verified_on", "") or "",
    }


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
        "code": _opt(form.get("code")),
        "qualifiers": lines(form.get("qualifiers")),
        "subjects": lines(form.get("subjects")),
        "conditions": lines(form.get("conditions")),
        "steps": lines(form.get("steps")),
        "channels": [channel(*row) for row in _rows(form, "channel_", CHANNEL_FORM_FIELDS)],
        "result": _result(form.get("result_document"), form.get("result_validity")),
        "special_cases": [special_case(*row) for row in _case_rows(form)],
        "sources": _sources_from_form(form),
        "verified_on": _date(form.get("verified_on")),
    })


CHANNEL_FORM_FIELDS = ["kind", "deadline", "fee", "fee_exemptions", "fee_note", "description"]
CASE_FORM_FIELDS = ["id", "topic", "question", "variants", "answer", "unclear", "sources", "verified_on", "qualifiers"]


def _case_rows(form: Mapping[str, str]) -> List[List[str]]:
    """Special-case blocks of the form; the topic select and the checkbox alone do not make a case."""
    rows = []
    for row in _rows(form, "case_", CASE_FORM_FIELDS):
        fields = dict(zip(CASE_FORM_FIELDS, row))
        if any(fields[k] for k in ("id", "question", "variants", "answer", "sources")):
            rows.append(row)
    return rows


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
        "code": data.get("code", "") or "", "qualifiers": _cell_lines(data.get("qualifiers", [])),
        "subjects": _cell_lines(data.get("subjects", [])), "conditions": _cell_lines(data.get("conditions", [])),
        "steps": _cell_lines(data.get("steps", [])),
        "result_document": (data.get("result") or {}).get("document", ""),
        "result_validity": (data.get("result") or {}).get("validity", "") or "",
    }


def sub_rows(data: Dict[str, Any]) -> Dict[str, List[Dict[str, str]]]:
    """A procedure's channels and special cases as rows of their sheets (key -> text)."""
    pid = data.get("id", "")
    return {
        "channels": [{"procedure": pid, **channel_cells(way)} for way in data.get("channels", [])],
        "special_cases": [{"procedure": pid, **special_case_cells(case)} for case in data.get("special_cases", [])],
    }


def from_sub_cells(table: str, cells: Mapping[str, Any]) -> Dict[str, Any]:
    """A row of the channels or special-cases sheet as the entry dict."""
    text = lambda key: cell_text(cells.get(key))  # noqa: E731
    if table == "channels":
        return channel(*(text(k) for k, _ in CHANNEL_COLUMNS[1:]))
    return special_case(*(text(k) for k, _ in SPECIAL_CASE_COLUMNS[1:]))


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def from_cells(kind: str, cells: Mapping[str, Any]) -> Dict[str, Any]:
    """Spreadsheet cells (key -> value) as an item dict, for the validator."""
    def text(key: str) -> str:
        return cell_text(cells.get(key))

    sources = sources_of(text("sources"))
    if kind == "faq":
        return _prune({
            "id": _opt(text("id")), "question": _opt(text("question")), "variants": lines(text("variants")),
            "answer": text("answer").replace("\r", "").strip() or None, "procedure": _opt(text("procedure")),
            "sources": sources, "verified_on": _date(text("verified_on")),
        })
    items = fee_items_of(text("fee_items"))
    return _prune({
        "id": _opt(text("id")), "name": _opt(text("name")), "aliases": lines(text("aliases")),
        "documents": lines(text("documents")),
        "fee": _prune({"items": items, "exemptions": lines(text("fee_exemptions")), "note": _opt(text("fee_note"))}),
        "deadline": _opt(text("deadline")), "authority": _opt(text("authority")), "where": _opt(text("where")),
        "online": _prune({"level": _opt(text("online_level")), "description": _opt(text("online_description")), "url": _opt(text("online_url"))}),
        "legal_basis": lines(text("legal_basis")), "notes": lines(text("notes")),
        "code": _opt(text("code")), "qualifiers": lines(text("qualifiers")), "subjects": lines(text("subjects")),
        "conditions": lines(text("conditions")), "steps": lines(text("steps")),
        "result": _result(text("result_document"), text("result_validity")),
        "sources": sources, "verified_on": _date(text("verified_on")),
    })
