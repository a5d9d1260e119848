"""The status of an application in words, for the chat answer and for notifications.

Notification texts come from the templates (``applications.templates``, data): ``render_notice``
gives the worker a ``notifications.message.Notice`` (chat text, registered SMS text, Zalo modes and
ZNS template); ``render_notification`` is its chat (or, ``short``, SMS) text.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, List, Optional

from applications.events import VIETNAM
from applications.statuses import CHO_BO_SUNG, CHO_THANH_TOAN, DUNG_XU_LY, FINAL, LABELS, NEXT_STEPS, NGHIA_VU_TAI_CHINH, TU_CHOI
from applications.store import Application
from applications.templates import Registry, fill_chat, fill_sms, registry
from notifications.message import Notice

UNSUBSCRIBE = "Để ngừng nhận thông báo, bạn nhắn “hủy nhận thông báo”."


def _date(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).strftime("%d/%m/%Y")
    except ValueError:
        return iso


def _time(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")


def _details(status: str, appointment: str, reason: str, missing: List[str], note: str, amount: str = "") -> List[str]:
    lines: List[str] = []
    if appointment and status not in FINAL:
        lines.append(f"Ngày hẹn trả kết quả: {_date(appointment)}.")
    if status in (TU_CHOI, DUNG_XU_LY) and reason:
        lines.append(f"Lý do: {reason}")
    if status in (CHO_THANH_TOAN, NGHIA_VU_TAI_CHINH) and amount:
        lines.append(f"Số tiền: {amount}.")
    if status == CHO_BO_SUNG and missing:
        lines.append("Giấy tờ cần bổ sung: " + "; ".join(missing) + ".")
        lines.append("Bạn mang các giấy tờ này cùng giấy biên nhận đến Bộ phận một cửa nơi đã nộp hồ sơ "
                     "(hoặc bổ sung trực tuyến nếu bạn nộp qua Cổng Dịch vụ công).")
    if note:
        lines.append(f"Ghi chú của cán bộ: {note}")
    lines.append(NEXT_STEPS[status])
    return lines


def render_status(app: Application) -> str:
    lines = [f"Hồ sơ {app.code}" + (f" ({app.procedure})" if app.procedure else "") + ":",
             f"Tình trạng: {LABELS[app.status]} (cập nhật lúc {_time(app.event_time_ms)})."]
    lines += _details(app.status, app.appointment_date, app.reason, app.missing_documents, app.note)
    return "\n".join(lines)


def values(code: str, event: Dict[str, Any]) -> Dict[str, str]:
    """The placeholders' values for one status change (templates' names, see applications.templates)."""
    status = event["status"]
    return {
        "code": code, "procedure": str(event.get("procedure") or ""), "label": LABELS[status],
        "time": _time(int(event["event_time"])),
        "appointment": _date(event["appointment_date"]) if event.get("appointment_date") and status not in FINAL else "",
        "appointment_before": _date(event["previous_appointment_date"]) if event.get("previous_appointment_date") else "",
        "new_appointment": _date(event["new_appointment_date"]) if event.get("new_appointment_date") else "",
        "reason": str(event.get("reason") or ""), "missing": "; ".join(event.get("missing") or []),
        "amount": str(event.get("amount") or ""), "note": str(event.get("note") or ""), "next_step": NEXT_STEPS[status],
    }


def render_notice(code: str, event: Dict[str, Any], reg: Optional[Registry] = None) -> Notice:
    reg = reg or registry()
    status = event["status"]
    filled = values(code, event)
    templates = reg.texts[status]
    text = fill_chat(templates.chat, filled) + "\n" + UNSUBSCRIBE
    return Notice(text=text, sms=fill_sms(templates.sms, filled, templates.sms_parts), title=f"Hồ sơ {code}: {LABELS[status]}",
                  zalo_modes=reg.modes(status), zns=reg.zns(status, filled), status=status)


def render_notification(code: str, event: Dict[str, Any], short: bool = False) -> str:
    """The notification of a status change: the chat text, or (``short``) the registered SMS text."""
    notice = render_notice(code, event)
    return notice.sms if short else notice.text
