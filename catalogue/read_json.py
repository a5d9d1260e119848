"""Reader (a): the JSON records one-stop systems exchange with the national procedure database.

The file holds a list of records, or an object with the list under ``data``/``result``/``items``, or
one record. Key names are matched without regard to case. The fields read (names as the exchange
format spells them; values may carry HTML, which is sanitised by ``catalogue.html_text``):

  MATTHC (MaTTHC, MATHUTUC, MA)      the record's code: base 1.001193 or provincial 1.003583.000.00.00.H37
  TENTTHC (TENTHUTUC)                 the name (required)
  CAPTHUCHIEN                         text, or a list of {TENCAP | CAPTHUCHIEN} (text values only)
  LINHVUCTHUCHIEN                     text, or a list of {TENLINHVUC}
  COQUANTHUCHIEN                      text, or a list of {TENDONVI}; else MOTACOQUANTHUCHIEN
  MUCDO                               "Toàn trình" | "Một phần" (mức độ dịch vụ công trực tuyến)
  CACHTHUCTHUCHIEN[]                  {KENH: 1|2|3, THOIGIAN[]: {THOIGIANGIAIQUYET, DONVITINH, MOTA,
                                      PHILEPHI[]: {SOTIEN, MOTA}}}
  THANHPHANHOSO[]                     {TRUONGHOP, GIAYTO[]: {TENGIAYTO, SOBANCHINH, SOBANSAO}}
  TRINHTUTHUCHIEN                     text, or a list of {TRUONGHOP, TRINHTU[]: {TENTRINHTU}}
  CANCUPHAPLY[]                       {SOVANBAN, TENVANBAN} (or text)
  DOITUONGTHUCHIEN                    text, or a list of {TENDOITUONG}
  KETQUATHUCHIEN                      text, or a list of {TENKETQUA}
  YEUCAU (YEUCAUDIEUKIEN)             text
  URL                                 the record's page, when the file names it

``read(content)`` gives the records and every problem found (``RecordError``): not JSON, a record that
is not an object, a missing name, an unknown KENH, a bad amount (``SOTIEN`` that is neither a number nor
"không"/"miễn phí"), a copy count that is not a number.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Tuple

from catalogue import amounts
from catalogue.html_text import lines, text
from catalogue.record import Channel, Document, DocumentCase, Fee, Record, RecordError

CHANNEL_KINDS = {"1": "truc_tiep", "2": "truc_tuyen", "3": "buu_chinh"}
LIST_KEYS = ("data", "result", "items", "records")


def _get(obj: Dict[str, Any], *names: str) -> Any:
    if not isinstance(obj, dict):
        return None
    lowered = {str(k).lower(): v for k, v in obj.items()}
    for name in names:
        if name.lower() in lowered and lowered[name.lower()] not in (None, ""):
            return lowered[name.lower()]
    return None


def _texts(value: Any, *keys: str) -> List[str]:
    """A field that is text (HTML allowed) or a list of objects naming it under one of ``keys``."""
    if value is None:
        return []
    if isinstance(value, list):
        out: List[str] = []
        for entry in value:
            out += _texts(_get(entry, *keys) if isinstance(entry, dict) else entry, *keys)
        return out
    if isinstance(value, dict):
        return _texts(_get(value, *keys), *keys)
    return lines(str(value))


def _count(value: Any, number: int, where: str, errors: List[RecordError]) -> Optional[int]:
    if value in (None, ""):
        return None
    try:
        count = int(str(value).strip())
        if count < 0:
            raise ValueError
        return count
    except ValueError:
        errors.append(RecordError(number, where, f"số bản không hợp lệ “{value}”"))
        return None


def _channels(value: Any, number: int, errors: List[RecordError]) -> List[Channel]:
    channels: List[Channel] = []
    for c, way in enumerate(value if isinstance(value, list) else [], start=1):
        where = f"CACHTHUCTHUCHIEN[{c}]"
        kind = CHANNEL_KINDS.get(str(_get(way, "KENH") or "").strip())
        if kind is None:
            errors.append(RecordError(number, f"{where}.KENH", f"kênh “{_get(way, 'KENH')}” không rõ (1 trực tiếp, 2 trực tuyến, 3 bưu chính)"))
            continue
        channel = Channel(kind)
        deadlines, descriptions = [], []
        for t, time in enumerate(_get(way, "THOIGIAN") or [], start=1):
            amount_time = str(_get(time, "THOIGIANGIAIQUYET") or "").strip()
            unit = text(str(_get(time, "DONVITINH") or "")).strip()
            if amount_time:
                deadlines.append(f"{amount_time} {unit.lower()}".strip())
            description = text(str(_get(time, "MOTA") or ""))
            if description:
                descriptions.append(description)
            for f, fee in enumerate(_get(time, "PHILEPHI") or [], start=1):
                fee_where = f"{where}.THOIGIAN[{t}].PHILEPHI[{f}].SOTIEN"
                words = text(str(_get(fee, "MOTA") or ""))
                try:
                    value_amount = amounts.amount(_get(fee, "SOTIEN"))
                except ValueError:
                    errors.append(RecordError(number, fee_where, f"số tiền không hợp lệ “{_get(fee, 'SOTIEN')}”"))
                    continue
                if value_amount is None:
                    value_amount = amounts.amount_in_text(words)
                channel.fees.append(Fee(value_amount, words))
        channel.deadline = "; ".join(dict.fromkeys(deadlines))
        channel.description = " ".join(dict.fromkeys(descriptions))
        channels.append(channel)
    return channels


def _documents(value: Any, number: int, errors: List[RecordError]) -> List[DocumentCase]:
    cases: List[DocumentCase] = []
    for c, group in enumerate(value if isinstance(value, list) else [], start=1):
        case = DocumentCase(text(str(_get(group, "TRUONGHOP") or "")))
        for d, paper in enumerate(_get(group, "GIAYTO") or [], start=1):
            name = text(str(_get(paper, "TENGIAYTO") or ""))
            if not name:
                errors.append(RecordError(number, f"THANHPHANHOSO[{c}].GIAYTO[{d}].TENGIAYTO", "thiếu tên giấy tờ"))
                continue
            where = f"THANHPHANHOSO[{c}].GIAYTO[{d}]"
            case.documents.append(Document(name, _count(_get(paper, "SOBANCHINH"), number, where + ".SOBANCHINH", errors),
                                           _count(_get(paper, "SOBANSAO"), number, where + ".SOBANSAO", errors)))
        if case.documents:
            cases.append(case)
    if isinstance(value, str):
        cases.append(DocumentCase("", [Document(line) for line in lines(value)]))
    return cases


def _steps(value: Any) -> List[str]:
    if isinstance(value, list):
        out: List[str] = []
        for group in value:
            case = text(str(_get(group, "TRUONGHOP") or ""))
            step_lines = _texts(_get(group, "TRINHTU"), "TENTRINHTU") if isinstance(group, dict) else lines(str(group))
            if case and len(value) > 1:
                out.append(f"{case}:")
            out += step_lines
        return out
    return lines(str(value)) if value else []


def _legal(value: Any) -> List[str]:
    out: List[str] = []
    for entry in value if isinstance(value, list) else ([value] if value else []):
        if isinstance(entry, dict):
            number = text(str(_get(entry, "SOVANBAN", "SOKYHIEU") or ""))
            title = text(str(_get(entry, "TENVANBAN", "TRICHYEU") or ""))
            line = f"{number}: {title}" if number and title and number not in title else (title or number)
            if line:
                out.append(line)
        else:
            out += lines(str(entry))
    return list(dict.fromkeys(out))


def record_of(obj: Dict[str, Any], number: int, errors: List[RecordError]) -> Optional[Record]:
    """One JSON record as a Record (problems appended to ``errors``)."""
    if not isinstance(obj, dict):
        errors.append(RecordError(number, "record", "không phải một đối tượng JSON ({...})"))
        return None
    before = len(errors)
    name = text(str(_get(obj, "TENTTHC", "TENTHUTUC", "TEN") or ""))
    if not name:
        errors.append(RecordError(number, "TENTTHC", "thiếu tên thủ tục"))
    record = Record(
        number=number,
        code=text(str(_get(obj, "MATTHC", "MATHUTUC", "MA", "MA_TTHC") or "")),
        name=name,
        level="; ".join(_texts(_get(obj, "CAPTHUCHIEN"), "TENCAP", "CAPTHUCHIEN")),
        field="; ".join(_texts(_get(obj, "LINHVUCTHUCHIEN"), "TENLINHVUC")),
        authority="; ".join(_texts(_get(obj, "COQUANTHUCHIEN"), "TENDONVI", "TENCOQUAN")
                            or _texts(_get(obj, "MOTACOQUANTHUCHIEN"))),
        online_level=text(str(_get(obj, "MUCDO") or "")),
        channels=_channels(_get(obj, "CACHTHUCTHUCHIEN"), number, errors),
        document_cases=_documents(_get(obj, "THANHPHANHOSO"), number, errors),
        steps=_steps(_get(obj, "TRINHTUTHUCHIEN")),
        legal_basis=_legal(_get(obj, "CANCUPHAPLY")),
        subjects=_texts(_get(obj, "DOITUONGTHUCHIEN"), "TENDOITUONG") or _texts(_get(obj, "MOTADOITUONGTHUCHIEN")),
        results=_texts(_get(obj, "KETQUATHUCHIEN"), "TENKETQUA", "TENGIAYTO"),
        conditions=_texts(_get(obj, "YEUCAU", "YEUCAUDIEUKIEN")),
        url=str(_get(obj, "URL", "DUONGDAN") or ""),
    )
    return record if len(errors) == before else None


def read(content: bytes) -> Tuple[List[Record], List[RecordError]]:
    """Every record of a JSON file, and every problem (see the module docstring)."""
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return [], [RecordError(0, "file", "tệp JSON phải ở dạng UTF-8")]
    except json.JSONDecodeError as error:
        return [], [RecordError(0, "file", f"không phải JSON hợp lệ (dòng {error.lineno}, cột {error.colno}: {error.msg})")]
    if isinstance(data, dict):
        data = next((data[k] for k in data if str(k).lower() in LIST_KEYS and isinstance(data[k], list)), [data])
    if not isinstance(data, list):
        return [], [RecordError(0, "file", "cần một danh sách bản ghi thủ tục")]
    records: List[Record] = []
    errors: List[RecordError] = []
    for number, obj in enumerate(data, start=1):
        record = record_of(obj, number, errors)
        if record is not None:
            records.append(record)
    return records, errors
