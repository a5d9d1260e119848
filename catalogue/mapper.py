"""A catalogue ``Record`` -> a procedure dict of docs/knowledge-schema.md (before merging).

``map_record(record, source, today)`` gives the procedure's official fields (``OFFICIAL_FIELDS``)
and the record's own problems that the schema alone would not name (``RecordError``: a record with no
code). The dict is then merged (``catalogue.merge``) and validated with ``bot.knowledge.checks``.

The mapping (docs/catalogue.md has the table):
  id            ascii slug of the name (``slug``); ``catalogue.importer`` makes it unique
  code          the base code (``1.003583`` of ``1.003583.000.00.00.H37``); catalogue.record: the full code
  documents     one line per document, "<trường hợp>: <giấy tờ> (1 bản chính, 1 bản sao)" when the record
                has several trường hợp (or a named one), the document alone otherwise
  channels      one per KENH with its own deadline (when it differs) and fee
  fee           the fee of the first channel (trực tiếp first): one item per fee line with an amount;
                lines without an amount go to the note; no fee line at all: a note saying the record
                names none (we never guess "free")
  deadline      the first channel's deadline (or the file's procedure-wide deadline)
  online.level  MUCDO "Toàn trình"/"Một phần"; without it: mot_phan when there is an online channel,
                else khong
  sources       the record itself (title "CSDL quốc gia về TTHC, mã …", its url, read_on = today);
  verified_on   today; catalogue: source, record, field, level, url, imported_on = today
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Dict, List, Optional, Tuple

from bot.text import search_key
from catalogue.record import Channel, Record, RecordError

OFFICIAL_FIELDS = ("code", "name", "documents", "fee", "deadline", "authority", "online", "legal_basis", "subjects",
                   "conditions", "steps", "channels", "result", "sources", "verified_on", "catalogue")
SOURCE_TITLES = {"csdl_quoc_gia": "CSDL quốc gia về TTHC", "cong_tinh": "Cổng dịch vụ công (trang chi tiết thủ tục)",
                 "excel": "Danh mục TTHC của tỉnh (Excel)"}
CHANNEL_ORDER = ("truc_tiep", "truc_tuyen", "buu_chinh")
BASE_CODE = re.compile(r"^(\d\.\d{6})(?:\.|$)")
MAX_SLUG = 70
MAX_CASE = 150
NO_FEE = "Bản ghi của danh mục không nêu phí, lệ phí: hỏi Bộ phận một cửa nơi nộp hồ sơ."


def slug(name: str, limit: int = MAX_SLUG) -> str:
    """An id from a name: ascii, lowercase, dashes, cut at a word boundary to ``limit`` characters."""
    words = re.sub(r"[^a-z0-9]+", " ", search_key(name)).split()
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > limit:
            break
        out = candidate
    return out or "thu-tuc"


def base_code(code: str) -> str:
    match = BASE_CODE.match(code.strip())
    return match.group(1) if match else code.strip()


def province_of(code: str) -> str:
    """The province part of a provincial code (``H37`` of ``1.003583.000.00.00.H37``), "" for a base code."""
    match = re.search(r"\.(H\d+)$", code.strip(), re.I)
    return match.group(1).upper() if match else ""


def level_of(text: str) -> Optional[str]:
    key = search_key(text)
    if re.search(r"\bxa\b", key):
        return "xa"
    if re.search(r"\btinh\b", key):
        return "tinh"
    if re.search(r"\b(bo|trung uong|cuc|co quan trung uong)\b", key):
        return "trung_uong"
    return None


def online_level(record: Record) -> str:
    key = search_key(record.online_level)
    if "toan trinh" in key:
        return "toan_trinh"
    if "mot phan" in key:
        return "mot_phan"
    return "mot_phan" if any(c.kind == "truc_tuyen" for c in record.channels) else "khong"


def _copies(originals: Optional[int], copies: Optional[int]) -> str:
    parts = [f"{n} {label}" for n, label in ((originals, "bản chính"), (copies, "bản sao")) if n]
    return f" ({', '.join(parts)})" if parts else ""


def documents(record: Record) -> List[str]:
    cases = record.document_cases
    named = len(cases) > 1 or any(c.case for c in cases)
    out: List[str] = []
    for case in cases:
        label = case.case.strip().rstrip(":").strip()
        for doc in case.documents:
            line = doc.name.strip().lstrip("-–•+ ").rstrip(";.").strip() + _copies(doc.originals, doc.copies)
            out.append(f"{label}: {line}" if named and label else line)
    return list(dict.fromkeys(out))


def deadline_text(text: str) -> str:
    """"3 Ngày làm việc" -> "3 ngày làm việc" (the portals capitalise the unit)."""
    text = text.strip()
    match = re.match(r"^(\d+)\s+(\S)(.*)$", text)
    return f"{match.group(1)} {match.group(2).lower()}{match.group(3)}" if match else text


def _fee(fees: List[Any]) -> Optional[Dict[str, Any]]:
    """Fee lines -> the schema's fee (None when there is none)."""
    if not fees:
        return None
    items, notes = [], []
    for fee in fees:
        words = fee.text.strip()
        if fee.amount is None:
            if words:
                notes.append(words)
            continue
        item: Dict[str, Any] = {"amount": fee.amount}
        if words and len(words) <= MAX_CASE and not re.fullmatch(r"[\d.,\s]*(đồng|vnđ|đ)?", words, re.I):
            item["case"] = words
        elif words:
            notes.append(words)
        items.append(item)
    result: Dict[str, Any] = {}
    if items:
        result["items"] = [dict(t) for t in {tuple(sorted(i.items())): i for i in items}.values()]
    if notes:
        result["note"] = " ".join(dict.fromkeys(notes))
    return result or None


def _fee_of_text(text: str) -> Optional[Dict[str, Any]]:
    from catalogue.amounts import amount_in_text
    from catalogue.record import Fee

    return _fee([Fee(amount_in_text(text), text)]) if text.strip() else None


def _ordered(channels: List[Channel]) -> List[Channel]:
    seen: Dict[str, Channel] = {}
    for channel in sorted(channels, key=lambda c: CHANNEL_ORDER.index(c.kind)):
        seen.setdefault(channel.kind, channel)
    return list(seen.values())


def map_record(record: Record, source: str, today: dt.date) -> Tuple[Dict[str, Any], List[RecordError]]:
    """The official fields of ``record`` as a procedure dict, and the record's own problems."""
    errors: List[RecordError] = []
    if not record.code:
        errors.append(RecordError(record.number, "code", "thiếu mã thủ tục (MATTHC)"))
    channels = _ordered(record.channels)
    first = channels[0] if channels else None
    deadline = deadline_text((first.deadline if first and first.deadline else "") or record.deadline_text)
    fee = (_fee(first.fees) if first else None) or _fee_of_text(record.fee_text) or {"note": NO_FEE}
    data: Dict[str, Any] = {"id": slug(record.name), "code": base_code(record.code) or None, "name": record.name,
                            "documents": documents(record), "fee": fee}
    if deadline:
        data["deadline"] = deadline
    if record.authority:
        data["authority"] = record.authority
    data["online"] = {"level": online_level(record)}
    if record.url and data["online"]["level"] != "khong":
        data["online"]["url"] = record.url
    data["legal_basis"] = record.legal_basis
    for key, value in (("subjects", record.subjects), ("conditions", record.conditions), ("steps", record.steps)):
        if value:
            data[key] = value
    ways = []
    for channel in channels:
        way: Dict[str, Any] = {"kind": channel.kind}
        if channel.deadline and deadline_text(channel.deadline) != deadline:
            way["deadline"] = deadline_text(channel.deadline)
        channel_fee = _fee(channel.fees)
        if channel_fee:
            way["fee"] = channel_fee
        if channel.description:
            way["description"] = channel.description
        ways.append(way)
    if ways:
        data["channels"] = ways
    if record.results:
        data["result"] = {"document": "; ".join(record.results)}
    title = f"{SOURCE_TITLES.get(source, source)}, mã {record.code or '?'}"
    data["sources"] = [{"title": title, **({"url": record.url} if record.url else {}), "read_on": today.isoformat()}]
    data["verified_on"] = today.isoformat()
    catalogue: Dict[str, Any] = {"source": source, "record": record.code}
    if record.field:
        catalogue["field"] = record.field
    level = level_of(record.level)
    if level:
        catalogue["level"] = level
    if record.url:
        catalogue["url"] = record.url
    catalogue["imported_on"] = today.isoformat()
    data["catalogue"] = catalogue
    if data["code"] is None:
        del data["code"]
    return data, errors
