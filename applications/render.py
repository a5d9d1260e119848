"""The status of an application in words, for the chat answer and for notifications."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, List

from applications.events import VIETNAM
from applications.statuses import CHO_BO_SUNG, LABELS, NEXT_STEPS, TU_CHOI
from applications.store import Application


def _date(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).strftime("%d/%m/%Y")
    except ValueError:
        return iso


def _time(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")


def _details(status: str, appointment: str, reason: str, missing: List[str], note: str) -> List[str]:
    lines: List[str] = []
    if appointment and status not in ("da_tra_ket_qua", TU_CHOI):
        lines.append(f"Ngày hẹn trả kết quả: {_date(appointment)}.")
    if status == TU_CHOI and reason:
        lines.append(f"Lý do: {reason}")
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


def render_notification(code: str, event: Dict[str, Any]) -> str:
    status = event["status"]
    lines = [f"Hồ sơ {code} vừa được cập nhật: {LABELS[status]} ({_time(int(event['event_time']))})."]
    lines += _details(status, event.get("appointment_date") or "", event.get("reason") or "",
                      event.get("missing") or [], event.get("note") or "")
    lines.append("Để ngừng nhận thông báo, bạn nhắn “hủy nhận thông báo” (qua SMS: HUY).")
    return "\n".join(lines)
