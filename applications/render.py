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


def _details(status: str, appointment: str, reason: str, missing: List[str], note: str, short: bool = False) -> List[str]:
    lines: List[str] = []
    if appointment and status not in ("da_tra_ket_qua", TU_CHOI):
        lines.append(f"Hẹn trả: {_date(appointment)}." if short else f"Ngày hẹn trả kết quả: {_date(appointment)}.")
    if status == TU_CHOI and reason:
        lines.append(f"Lý do: {reason}")
    if status == CHO_BO_SUNG and missing:
        lines.append(("Cần bổ sung: " if short else "Giấy tờ cần bổ sung: ") + "; ".join(missing) + ".")
        if not short:
            lines.append("Bạn mang các giấy tờ này cùng giấy biên nhận đến Bộ phận một cửa nơi đã nộp hồ sơ "
                         "(hoặc bổ sung trực tuyến nếu bạn nộp qua Cổng Dịch vụ công).")
    if note and not short:
        lines.append(f"Ghi chú của cán bộ: {note}")
    if not short:
        lines.append(NEXT_STEPS[status])
    return lines


def render_status(app: Application) -> str:
    lines = [f"Hồ sơ {app.code}" + (f" ({app.procedure})" if app.procedure else "") + ":",
             f"Tình trạng: {LABELS[app.status]} (cập nhật lúc {_time(app.event_time_ms)})."]
    lines += _details(app.status, app.appointment_date, app.reason, app.missing_documents, app.note)
    return "\n".join(lines)


def render_notification(code: str, event: Dict[str, Any], short: bool = False) -> str:
    """The notification of a status change; ``short`` (for SMS: one 160-character part when it can)
    keeps the status, date, reason or missing documents and leaves out the general advice."""
    status = event["status"]
    when = _time(int(event["event_time"]))
    lines = [f"Hồ sơ {code}: {LABELS[status]} ({when})." if short else
             f"Hồ sơ {code} vừa được cập nhật: {LABELS[status]} ({when})."]
    lines += _details(status, event.get("appointment_date") or "", event.get("reason") or "",
                      event.get("missing") or [], event.get("note") or "", short)
    lines.append("Nhắn HUY để ngừng nhận tin." if short else
                 "Để ngừng nhận thông báo, bạn nhắn “hủy nhận thông báo”.")
    return "\n".join(lines)
