"""Small valid knowledge entries for tests that must not depend on the published knowledge base."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List

from bot.knowledge.model import FaqEntry, Procedure

SOURCE = [{"title": "Văn bản thử nghiệm", "url": "https://example.org", "read_on": "2026-11-24"}]


def procedure_data(procedure_id: str, name: str, aliases: List[str], **overrides: Any) -> Dict[str, Any]:
    data = {
        "id": procedure_id,
        "name": name,
        "aliases": aliases,
        "documents": ["Tờ khai (theo mẫu)"],
        "fee": {"items": [{"amount": 135000, "unit": "lần"}]},
        "deadline": "Không quá 5 ngày làm việc",
        "authority": "Công an cấp xã",
        "online": {"level": "toan_trinh", "description": "Nộp trên Cổng Dịch vụ công quốc gia"},
        "legal_basis": ["Thông tư 1/2024/TT-BCA"],
        "sources": SOURCE,
        "verified_on": dt.date(2026, 11, 24),
    }
    data.update(overrides)
    return data


def procedure(procedure_id: str, name: str, aliases: List[str], **overrides: Any) -> Procedure:
    return Procedure.parse_obj(procedure_data(procedure_id, name, aliases, **overrides))


def faq(entry_id: str, question: str, variants: List[str], answer: str) -> FaqEntry:
    return FaqEntry.parse_obj(
        {"id": entry_id, "question": question, "variants": variants, "answer": answer,
         "sources": SOURCE, "verified_on": "2026-11-24"}
    )
