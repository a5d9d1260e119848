"""A status change pushed by a one-stop system (or a row of a bulk import), validated.

    {"event_id": "evt-0001", "code": "H56.22-250315-0001", "status": "dang_xu_ly",
     "event_time": "2025-03-15T10:20:00+07:00", "procedure": "Đăng ký khai sinh",
     "phone": "0912345678", "appointment_date": "2025-03-20",
     "reason": "...", "missing_documents": ["..."], "note": "..."}

``reason`` is required for ``tu_choi`` and ``dung_xu_ly``, ``missing_documents`` for ``cho_bo_sung``,
``new_appointment_date`` for ``xin_loi_tre_hen`` (the apology for a late application: it becomes the
application's appointment date). ``amount`` (text such as "50.000 đồng") goes with ``cho_thanh_toan``
and ``nghia_vu_tai_chinh``. ``notify_channels`` (optional): the channels the applicant agreed at the
desk to be notified on, in order of preference (e.g. ``["zalo", "sms"]``), used for fallback to the
application's phone. An event time without a time zone is read as Vietnam time (UTC+7).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Optional

from applications.statuses import CHO_BO_SUNG, DUNG_XU_LY, LABELS, TU_CHOI, XIN_LOI_TRE_HEN, parse_status
from core.application_codes import normalize_code
from core.phone import vietnamese_phone

VIETNAM = timezone(timedelta(hours=7))
_EVENT_ID = re.compile(r"^[\w.:\-]{1,128}$")
MAX_TEXT = 1000
NOTIFY_CHANNELS = ("zalo", "sms", "telegram")


class EventError(ValueError):
    """The payload is not a valid status change; ``errors`` says why, field by field."""

    def __init__(self, errors: List[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class StatusEvent:
    event_id: str
    code: str
    status: str
    event_time_ms: int
    procedure: Optional[str] = None
    phone: Optional[str] = None
    appointment_date: Optional[str] = None  # ISO date
    reason: str = ""
    missing_documents: List[str] = field(default_factory=list)
    note: str = ""
    new_appointment_date: Optional[str] = None  # ISO date (xin_loi_tre_hen)
    previous_appointment_date: Optional[str] = None  # the date a xin_loi_tre_hen apologises for, when sent
    amount: str = ""
    notify_channels: List[str] = field(default_factory=list)

    def public(self) -> Dict[str, Any]:
        """What the history and the notifications keep: no phone number."""
        return {
            "event_id": self.event_id, "status": self.status, "event_time": self.event_time_ms,
            "appointment_date": self.appointment_date or "", "reason": self.reason,
            "missing": self.missing_documents, "note": self.note,
            "new_appointment_date": self.new_appointment_date or "", "amount": self.amount,
            "previous_appointment_date": self.previous_appointment_date or "",
        }


def parse_time(raw: Any) -> datetime:
    if not isinstance(raw, str) or not raw.strip():
        raise ValueError
    value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=VIETNAM)


def parse_date(raw: Any) -> str:
    text = str(raw).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            pass
    raise ValueError


def _text(payload: Dict[str, Any], name: str, errors: List[str]) -> str:
    value = payload.get(name)
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        errors.append(f"{name}: must be a string of at most {MAX_TEXT} characters")
        return ""
    return value.strip()


def parse_event(payload: Any) -> StatusEvent:
    if not isinstance(payload, dict):
        raise EventError(["an event must be a JSON object"])
    errors: List[str] = []
    event_id = payload.get("event_id")
    if not isinstance(event_id, str) or not _EVENT_ID.match(event_id):
        errors.append("event_id: required, 1-128 letters, digits, '.', ':', '_' or '-'")
    code = normalize_code(payload.get("code")) if isinstance(payload.get("code"), str) else None
    if not code:
        errors.append("code: required, 6-40 letters, digits, dots or dashes with at least 4 digits")
    status = parse_status(payload.get("status"))
    if not status:
        errors.append("status: required, one of " + ", ".join(LABELS))
    try:
        event_time_ms = int(parse_time(payload.get("event_time")).timestamp() * 1000)
    except (ValueError, TypeError):
        event_time_ms = 0
        errors.append("event_time: required, ISO 8601 such as 2025-03-15T10:20:00+07:00")
    phone = None
    if payload.get("phone") not in (None, ""):
        phone = vietnamese_phone(str(payload.get("phone")))
        if not phone:
            errors.append("phone: not a Vietnamese phone number")
    appointment = None
    if payload.get("appointment_date") not in (None, ""):
        try:
            appointment = parse_date(payload["appointment_date"])
        except ValueError:
            errors.append("appointment_date: a date such as 2025-03-20 or 20/03/2025")
    new_appointment = None
    if payload.get("new_appointment_date") not in (None, ""):
        try:
            new_appointment = parse_date(payload["new_appointment_date"])
        except ValueError:
            errors.append("new_appointment_date: a date such as 2025-03-20 or 20/03/2025")
    channels_raw = payload.get("notify_channels")
    notify_channels: List[str] = []
    if channels_raw is not None:
        if not isinstance(channels_raw, list) or not all(isinstance(c, str) and c in NOTIFY_CHANNELS for c in channels_raw):
            errors.append("notify_channels: a list of " + ", ".join(NOTIFY_CHANNELS))
        else:
            notify_channels = list(dict.fromkeys(channels_raw))
    amount = _text(payload, "amount", errors)[:100]
    procedure = _text(payload, "procedure", errors) or None
    reason = _text(payload, "reason", errors)
    note = _text(payload, "note", errors)
    missing_raw = payload.get("missing_documents")
    missing: List[str] = []
    if isinstance(missing_raw, str):
        missing = [part.strip() for part in missing_raw.split(";") if part.strip()]
    elif isinstance(missing_raw, list) and all(isinstance(item, str) for item in missing_raw):
        missing = [item.strip() for item in missing_raw if item.strip()]
    elif missing_raw is not None:
        errors.append("missing_documents: a list of strings (or one string separated by ';')")
    if len(missing) > 30 or any(len(item) > MAX_TEXT for item in missing):
        errors.append("missing_documents: at most 30 items")
    if status in (TU_CHOI, DUNG_XU_LY) and not reason:
        errors.append(f"reason: required when status is {status}")
    if status == XIN_LOI_TRE_HEN and not new_appointment:
        errors.append("new_appointment_date: required when status is xin_loi_tre_hen")
    previous_appointment = None
    if status == XIN_LOI_TRE_HEN and new_appointment:
        previous_appointment, appointment = appointment, new_appointment
    if status == CHO_BO_SUNG and not missing:
        errors.append("missing_documents: required when status is cho_bo_sung")
    if errors:
        raise EventError(errors)
    return StatusEvent(
        event_id=event_id, code=code, status=status, event_time_ms=event_time_ms, procedure=procedure,
        phone=phone, appointment_date=appointment, reason=reason, missing_documents=missing, note=note,
        new_appointment_date=new_appointment, amount=amount,
        previous_appointment_date=previous_appointment, notify_channels=notify_channels,
    )

