"""A small knowledge snapshot for the answer stages' unit tests (no dependency on knowledge/)."""

from __future__ import annotations

import datetime as dt
from typing import Sequence, Tuple

from bot.answering.types import Asked, Resolution, ResolutionStatus, Understanding
from bot.knowledge.faq_search import FaqIndex
from bot.knowledge.loader import KnowledgeBase
from bot.knowledge.matcher import ProcedureMatcher
from bot.knowledge.repository import LiveKnowledge
from tests.knowledge.factories import SOURCE, faq, procedure

CASE_SOURCE = [{"title": "Nghị định 123/2015/NĐ-CP, Điều 2", "url": "https://example.org/nd123", "read_on": "2026-11-30"}]


def birth():
    return procedure(
        "dang-ky-khai-sinh", "Đăng ký khai sinh", ["khai sinh cho con", "làm giấy khai sinh"],
        documents=["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"],
        fee={"items": [{"amount": 0}], "exemptions": ["Hộ nghèo"], "note": "Quá hạn thì thu theo mức của HĐND cấp tỉnh"},
        deadline="Ngay trong ngày", authority="UBND cấp xã nơi cư trú của cha hoặc mẹ",
        legal_basis=["Luật Hộ tịch 2014 (Điều 16)", "Nghị định 123/2015/NĐ-CP (đã sửa đổi)", "Nghị định 120/2025/NĐ-CP"],
        steps=["Nộp tờ khai tại Bộ phận một cửa", "Nhận giấy khai sinh"],
        special_cases=[
            {"id": "qua-han", "topic": "late", "question": "Khai sinh quá hạn 60 ngày thì làm thế nào?",
             "variants": ["để lâu chưa làm giấy khai sinh cho con có sao không", "đăng ký khai sinh muộn"],
             "answer": "Vẫn đăng ký được tại UBND cấp xã; quá hạn có thể bị nhắc nhở hoặc phạt cảnh cáo.",
             "sources": CASE_SOURCE, "verified_on": "2026-11-30"},
            {"id": "uy-quyen", "topic": "delegation", "question": "Có được ủy quyền cho ông bà đi làm khai sinh không?",
             "variants": ["nhờ người khác đi làm giấy khai sinh được không"],
             "answer": "Được ủy quyền bằng văn bản; ông bà, anh chị em ruột thì không cần chứng thực.",
             "unclear": True, "sources": CASE_SOURCE, "verified_on": "2026-11-30"},
        ],
    )


def licence():
    return procedure(
        "cap-doi-giay-phep-lai-xe", "Cấp đổi giấy phép lái xe", ["đổi bằng lái xe", "doi gplx"],
        channels=[{"kind": "truc_tiep", "fee": {"items": [{"amount": 135000}]}},
                  {"kind": "truc_tuyen", "fee": {"items": [{"amount": 115000}]}, "deadline": "3 ngày làm việc"}],
    )


def marriage():
    return procedure("dang-ky-ket-hon", "Đăng ký kết hôn", ["đăng ký kết hôn", "dang ky ket hon"],
                     documents=["Tờ khai đăng ký kết hôn"], deadline="Ngay trong ngày", fee={"items": [{"amount": 0}]})


def snapshot(*procedures) -> LiveKnowledge:
    procedures = procedures or (birth(), licence(), marriage())
    entries = [faq("gio-lam-viec", "Bộ phận một cửa làm việc mấy giờ?", ["giờ làm việc của một cửa"],
                   "Bộ phận một cửa làm việc giờ hành chính, sáng thứ bảy ở nhiều nơi.")]
    base = KnowledgeBase({p.id: p for p in procedures}, entries, "test")
    return LiveKnowledge(base, ProcedureMatcher(procedures), FaqIndex(entries, procedures))


def understood(text: str, asked: Sequence[Asked], procedure_id=None, status=ResolutionStatus.resolved,
               questions: Tuple[str, ...] = (), situation: bool = False, **resolution) -> Understanding:
    return Understanding(text, questions or (text,), tuple(asked),
                         Resolution(status, procedure_id, **resolution), situation=situation)


TODAY = dt.date(2026, 12, 2)
__all__ = ["SOURCE", "snapshot", "understood", "birth", "licence", "marriage"]
