"""Formats knowledge for chat: short, structured, the fee as "135.000 đồng", sources at the end.

Used by the action server to answer citizens and by the officers' workspace to preview answers.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import List

from bot.knowledge.model import FaqEntry, Fee, OnlineLevel, Procedure

BULLET = "• "


class Aspect(str, Enum):
    documents = "documents"
    fee = "fee"
    deadline = "deadline"
    authority = "authority"
    online = "online"
    legal_basis = "legal_basis"
    overview = "overview"


ASPECT_TITLES = {
    Aspect.documents: "hồ sơ cần chuẩn bị",
    Aspect.fee: "lệ phí",
    Aspect.deadline: "thời hạn giải quyết",
    Aspect.authority: "nơi giải quyết",
    Aspect.online: "làm trực tuyến",
    Aspect.legal_basis: "căn cứ pháp lý",
    Aspect.overview: "tóm tắt",
}

# How an aspect reads inside "Bạn muốn hỏi … của thủ tục nào?"
ASPECT_IN_QUESTION = {
    Aspect.documents: "hồ sơ",
    Aspect.fee: "lệ phí",
    Aspect.deadline: "thời hạn giải quyết",
    Aspect.authority: "nơi giải quyết",
    Aspect.online: "cách làm trực tuyến",
    Aspect.legal_basis: "căn cứ pháp lý",
    Aspect.overview: "thông tin",
}

ONLINE_LEVELS = {
    OnlineLevel.toan_trinh: "Có thể làm trực tuyến toàn trình (nộp hồ sơ và nhận kết quả không cần đến cơ quan).",
    OnlineLevel.mot_phan: "Làm trực tuyến một phần: nộp hồ sơ trực tuyến được, nhưng vẫn cần đến cơ quan một bước.",
    OnlineLevel.khong: "Thủ tục này chưa làm trực tuyến được, bạn cần nộp trực tiếp.",
}


def money(amount: int) -> str:
    """135000 -> "135.000 đồng"."""
    return f"{amount:,}".replace(",", ".") + " đồng"


def date_vn(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _bullets(lines: List[str]) -> List[str]:
    return [BULLET + line for line in lines]


def fee_lines(fee: Fee) -> List[str]:
    lines = []
    for item in fee.items:
        amount = "Miễn lệ phí" if item.amount == 0 else money(item.amount) + (f"/{item.unit}" if item.unit else "")
        lines.append(BULLET + (f"{item.case}: {amount}" if item.case else amount))
    if fee.exemptions:
        lines.append("Miễn, giảm: " + "; ".join(fee.exemptions) + ".")
    if fee.note:
        lines.append(fee.note)
    return lines


def fee_summary(fee: Fee) -> str:
    if fee.is_free:
        return "miễn lệ phí"
    if fee.items:
        return "; ".join(
            (f"{i.case.lower()}: " if i.case else "") + ("miễn phí" if i.amount == 0 else money(i.amount))
            for i in fee.items
        )
    return fee.note or ""


def _aspect_lines(procedure: Procedure, aspect: Aspect) -> List[str]:
    if aspect is Aspect.documents:
        return _bullets(procedure.documents)
    if aspect is Aspect.fee:
        return fee_lines(procedure.fee)
    if aspect is Aspect.deadline:
        return [procedure.deadline]
    if aspect is Aspect.authority:
        lines = [f"Cơ quan giải quyết: {procedure.authority}"]
        if procedure.where:
            lines.append(f"Nơi nộp: {procedure.where}")
        return lines
    if aspect is Aspect.online:
        lines = [ONLINE_LEVELS[procedure.online.level]]
        if procedure.online.description:
            lines.append(procedure.online.description)
        if procedure.online.url:
            lines.append(f"Địa chỉ: {procedure.online.url}")
        return lines
    if aspect is Aspect.legal_basis:
        return _bullets(procedure.legal_basis)
    return [
        "Hồ sơ:",
        *_bullets(procedure.documents),
        f"Lệ phí: {fee_summary(procedure.fee)}",
        f"Thời hạn: {procedure.deadline}",
        f"Nơi giải quyết: {procedure.authority}",
        f"Trực tuyến: {ONLINE_LEVELS[procedure.online.level]}",
    ]


def render_procedure(procedure: Procedure, aspect: Aspect) -> str:
    """The answer to "<aspect> of <procedure>?", ending with legal basis and update date."""
    lines = [f"{procedure.name} – {ASPECT_TITLES[aspect]}:", *_aspect_lines(procedure, aspect)]
    if procedure.catalogue is not None and procedure.catalogue.retired_on is not None:
        lines.append(f"Lưu ý: thủ tục đã rời danh mục thủ tục hành chính được công bố từ {date_vn(procedure.catalogue.retired_on)}, "
                     "có thể không còn áp dụng.")
    if aspect is not Aspect.legal_basis:
        lines.append("Căn cứ: " + "; ".join(procedure.legal_basis) + ".")
    lines.append(f"(cập nhật: {date_vn(procedure.verified_on)})")
    return "\n".join(lines)


def render_faq(entry: FaqEntry) -> str:
    return f"{entry.answer.strip()}\n(cập nhật: {date_vn(entry.verified_on)})"
