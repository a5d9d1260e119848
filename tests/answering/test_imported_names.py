"""Imported procedures (a ``catalogue`` block, no hand-written aliases) answered from their official names.

The imported records are real names of Hải Phòng's published lists (benchmarks/catalogue_data/
real-haiphong.yml), written here as the importer would write them; the synonyms are the real lexicon.
"""

import datetime as dt
from pathlib import Path

import pytest

from bot.answering.pipeline import Context, answer
from bot.answering.types import ResolutionStatus as S
from bot.answering.understand import understand
from bot.knowledge.loader import KnowledgeBase, load_synonyms
from bot.knowledge.model import Procedure
from bot.knowledge.repository import KnowledgeRepository
from tests.knowledge.factories import procedure, procedure_data

ROOT = Path(__file__).resolve().parents[2]


def imported(procedure_id, name, field="Hộ tịch", level="xa", retired_on=None, **overrides):
    catalogue = {"source": "csdl_quoc_gia", "record": procedure_id.upper(), "field": field, "level": level,
                 "imported_on": dt.date(2026, 12, 3)}
    if retired_on:
        catalogue["retired_on"] = retired_on
    data = procedure_data(procedure_id, name, [], authority="Ủy ban nhân dân cấp xã", catalogue=catalogue)
    data.update(overrides)
    return Procedure.parse_obj(data)


PROCEDURES = [
    procedure("dang-ky-khai-tu", "Đăng ký khai tử", ["đăng ký khai tử", "làm giấy chứng tử", "khai tử"]),
    procedure("dang-ky-khai-sinh", "Đăng ký khai sinh", ["đăng ký khai sinh", "làm giấy khai sinh", "khai sinh"],
              qualifiers=["lan_dau", "tre_em"]),
    imported("khai-tu-luu-dong", "Thủ tục đăng ký khai tử lưu động"),
    imported("khai-tu-trung-ten", "Thủ tục đăng ký khai tử"),
    imported("giam-ho", "Thủ tục đăng ký giám hộ"),
    imported("cham-dut-giam-ho", "Thủ tục đăng ký chấm dứt giám hộ"),
    imported("dang-ky-lai-khai-sinh", "Thủ tục đăng ký lại khai sinh"),
    imported("khai-sinh-luu-dong", "Thủ tục đăng ký khai sinh lưu động", retired_on=dt.date(2026, 12, 1)),
    imported("cap-lai-gcn-mat", "Cấp lại Giấy chứng nhận do bị mất", field="Đất đai"),
    imported("tinh-van-tai", "Cấp, cấp lại Giấy phép vận tải đường bộ", field="Đường bộ", level="tinh",
             authority="Sở Xây dựng thành phố Hải Phòng"),
    *[imported(f"cat-{n}", f"{verb} giấy phép khai thác cát lòng sông", field="Khoáng sản", level="tinh")
      for n, verb in enumerate(["Cấp đổi", "Gia hạn", "Điều chỉnh", "Trả lại"])],
]


@pytest.fixture(scope="module")
def live():
    synonyms, problems = load_synonyms(ROOT / "knowledge")
    assert not problems
    base = KnowledgeBase(procedures={p.id: p for p in PROCEDURES}, synonyms=synonyms, version="test")
    return KnowledgeRepository._build(base, [], "test")


def resolved(live, text):
    resolution = understand(text, live).resolution
    return resolution.procedure_id if resolution.status is S.resolved else resolution.status.value


@pytest.mark.parametrize("text", [
    "Đăng ký khai tử lưu động cần giấy tờ gì?",  # its official name, without "Thủ tục"
    "dang ky khai tu luu dong o dau",  # without diacritics
    "đăng ký khai tủ lưu đọng",  # two typos
])
def test_an_imported_procedure_without_aliases_is_found_by_its_official_name(live, text):
    assert resolved(live, text) == "khai-tu-luu-dong"


def test_an_old_name_of_the_lexicon_finds_the_official_name(live):
    # "sổ đỏ" is "giấy chứng nhận quyền sử dụng đất" (knowledge/lexicon/synonyms.yml)
    assert resolved(live, "mất sổ đỏ thì cấp lại thế nào") == "cap-lai-gcn-mat"


def test_a_hand_written_alias_wins_over_the_same_official_name(live):
    # "Thủ tục đăng ký khai tử" (imported) says the same as the curated procedure's alias
    assert resolved(live, "đăng ký khai tử cho bố tôi cần gì") == "dang-ky-khai-tu"


def test_the_qualifiers_an_official_name_says_are_covered(live):
    assert live.matcher.qualifiers.get("dang-ky-lai-khai-sinh") == ("cap_lai",)
    assert live.matcher.qualifiers.get("cap-lai-gcn-mat") == ("cap_lai", "mat")
    # "đăng ký lại" is not covered by the curated birth registration: the imported re-registration is
    assert resolved(live, "tôi muốn đăng ký lại khai sinh cho con") == "dang-ky-lai-khai-sinh"
    assert resolved(live, "đăng ký khai sinh cho con") == "dang-ky-khai-sinh"


def test_a_retired_record_is_never_matched(live):
    found = understand("đăng ký khai sinh lưu động", live).resolution
    assert "khai-sinh-luu-dong" not in (found.procedure_id, *found.candidates)
    assert "khai-sinh-luu-dong" not in live.matcher.names


def test_the_level_says_where_to_submit_when_the_procedure_has_no_where(live):
    reply = answer("đăng ký giám hộ nộp hồ sơ ở đâu", Context(), live)
    assert reply.procedure_id == "giam-ho"
    assert "Bộ phận Một cửa của Ủy ban nhân dân cấp xã" in reply.text
    provincial = answer("giấy phép vận tải đường bộ nộp ở đâu", Context(), live)
    assert provincial.procedure_id == "tinh-van-tai"
    assert "Trung tâm Phục vụ hành chính công" in provincial.text and "Sở Xây dựng thành phố Hải Phòng" in provincial.text


def test_several_official_names_said_alike_give_at_most_three_buttons(live):
    found = understand("giấy phép khai thác cát lòng sông", live).resolution
    assert found.status is S.ambiguous and len(found.candidates) == 3
    reply = answer("giấy phép khai thác cát lòng sông cần hồ sơ gì", Context(), live)
    assert reply.kind == "which_procedure" and 1 < len(reply.buttons) <= 3
    assert all(b.payload for b in reply.buttons)
    # the action in the name tells them apart
    assert resolved(live, "gia hạn giấy phép khai thác cát lòng sông") == "cat-1"
