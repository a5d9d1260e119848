"""The pipeline on a small snapshot, with a stand-in for stage 1 (its own tests live with it)."""

import pytest

from bot.answering import pipeline
from bot.answering.pipeline import Context, answer
from bot.answering.types import Asked, ResolutionStatus
from tests.answering.fixtures import snapshot, understood


@pytest.fixture
def stage1(monkeypatch):
    results = {}

    def fake_understand(text, live, remembered_procedure=None, intent=None):
        return results[text]

    monkeypatch.setattr(pipeline, "_understander", lambda: fake_understand)
    return results


def test_one_message_with_several_questions_gets_one_reply_with_each(stage1):
    text = "Đăng ký kết hôn cần giấy gì, nộp ở đâu, bao lâu thì có?"
    stage1[text] = understood(text, [Asked.documents, Asked.authority, Asked.deadline], "dang-ky-ket-hon")
    reply = answer(text, Context(intent="ask_documents"), snapshot())
    assert reply.kind == "answer" and reply.procedure_id == "dang-ky-ket-hon"
    assert "Tờ khai đăng ký kết hôn" in reply.text and "Công an cấp xã" in reply.text and "Ngay trong ngày" in reply.text


def test_a_follow_up_uses_the_remembered_procedure(stage1):
    stage1["còn lệ phí thì sao?"] = understood("còn lệ phí thì sao?", [Asked.fee], None, ResolutionStatus.none)
    stage1["còn lệ phí thì sao?"] = stage1["còn lệ phí thì sao?"].__class__(
        **{**stage1["còn lệ phí thì sao?"].__dict__, "follow_up": True})
    reply = answer("còn lệ phí thì sao?", Context(intent="ask_fee", remembered_procedure="cap-doi-giay-phep-lai-xe"), snapshot())
    assert reply.procedure_id == "cap-doi-giay-phep-lai-xe" and "135.000 đồng" in reply.text


def test_a_qualifier_none_covers_is_not_answered_with_the_neighbouring_procedure(stage1):
    text = "kết hôn với người nước ngoài cần giấy gì"
    stage1[text] = understood(text, [Asked.documents], "dang-ky-ket-hon", qualifiers=("yeu_to_nuoc_ngoai",),
                              uncovered_qualifiers=("yeu_to_nuoc_ngoai",))
    reply = answer(text, Context(intent="ask_documents"), snapshot())
    assert reply.kind == "not_covered" and reply.record_unanswered == "qualifier_not_covered"
    assert "Tờ khai đăng ký kết hôn" not in reply.text and "có yếu tố nước ngoài" in reply.text
    assert [b.title for b in reply.buttons] == ["Đăng ký kết hôn"]


def test_a_procedure_we_do_not_have_is_admitted(stage1):
    text = "thủ tục nhận con nuôi cần giấy tờ gì"
    stage1[text] = understood(text, [Asked.documents], None, ResolutionStatus.not_covered)
    reply = answer(text, Context(intent="ask_documents"), snapshot())
    assert reply.kind == "not_covered" and reply.record_unanswered == "procedure_not_found" and "18001096" in reply.text


def test_a_button_payload_answers_its_aspect_without_stage_1(stage1):
    reply = answer('/ask_overview{"procedure":"dang-ky-khai-sinh","aspect":"steps"}',
                   Context(intent="ask_overview", procedure="dang-ky-khai-sinh", aspect="steps", payload=True), snapshot())
    assert "1. Nộp tờ khai" in reply.text


def test_the_pending_aspect_applies_once_the_procedure_is_chosen(stage1):
    stage1["đăng ký kết hôn"] = understood("đăng ký kết hôn", [], "dang-ky-ket-hon")
    reply = answer("đăng ký kết hôn", Context(intent="inform_procedure", pending_aspects=(Asked.fee,)), snapshot())
    assert "lệ phí" in reply.text.split("\n")[0] and "Miễn lệ phí" in reply.text


def test_nothing_named_nothing_asked_and_no_faq_is_dont_know(stage1):
    stage1["xyz abc"] = understood("xyz abc", [], None, ResolutionStatus.none)
    reply = answer("xyz abc", Context(intent="nlu_fallback"), snapshot())
    assert reply.kind == "dont_know" and reply.record_unanswered == "fallback"


def test_an_faq_question_is_answered_from_the_faq(stage1):
    text = "bộ phận một cửa làm việc mấy giờ"
    stage1[text] = understood(text, [], None, ResolutionStatus.none)
    reply = answer(text, Context(intent="nlu_fallback"), snapshot())
    assert reply.kind == "faq" and "giờ hành chính" in reply.text


def test_an_faq_entry_very_close_to_the_message_answers_before_the_procedure(stage1):
    text = "Bộ phận một cửa làm việc mấy giờ?"
    stage1[text] = understood(text, [Asked.deadline], "dang-ky-ket-hon")
    reply = answer(text, Context(intent="ask_deadline"), snapshot())
    assert reply.kind == "faq" and "giờ hành chính" in reply.text


def test_a_short_question_naming_no_procedure_asks_which(stage1):
    stage1["hồ sơ gồm những gì"] = understood("hồ sơ gồm những gì", [Asked.documents], None, ResolutionStatus.none)
    reply = answer("hồ sơ gồm những gì", Context(intent="ask_documents"), snapshot())
    assert reply.kind == "which_procedure" and "hồ sơ" in reply.text


def test_out_of_scope_naming_no_procedure_is_not_asked_which_procedure(stage1):
    stage1["thời tiết thế nào"] = understood("thời tiết thế nào", [Asked.steps], None, ResolutionStatus.none)
    reply = answer("thời tiết thế nào", Context(intent="out_of_scope"), snapshot())
    assert reply.kind == "dont_know"


def test_a_qualifier_cannot_rule_out_a_procedure_that_declares_none(stage1):
    text = "lệ phí đổi bằng lái bao nhiêu"
    stage1[text] = understood(text, [Asked.fee], None, ResolutionStatus.not_covered,
                              candidates=("cap-doi-giay-phep-lai-xe",), qualifiers=("cap_doi",),
                              uncovered_qualifiers=("cap_doi",))
    reply = answer(text, Context(intent="ask_fee"), snapshot())
    assert reply.kind == "answer" and "135.000 đồng" in reply.text


FOREIGN_MARRIAGE_CASE = {
    "id": "ket-hon-nuoc-ngoai", "topic": "foreign", "qualifiers": ["yeu_to_nuoc_ngoai"],
    "question": "Kết hôn với người nước ngoài thì nộp hồ sơ ở đâu?",
    "variants": ["lấy chồng nước ngoài đăng ký ở đâu"],
    "answer": "Kết hôn với người nước ngoài đăng ký tại UBND cấp tỉnh nơi cư trú của công dân Việt Nam.",
    "sources": [{"title": "Luật Hộ tịch 2014, Điều 37", "url": "https://example.org/lht", "read_on": "2026-12-03"}],
    "verified_on": "2026-12-03",
}


def _marriage_with_foreign_case():
    from bot.knowledge.model import Procedure
    from tests.answering.fixtures import birth, licence, marriage

    married = Procedure.parse_obj({**marriage().dict(), "special_cases": [FOREIGN_MARRIAGE_CASE]})
    return snapshot(birth(), licence(), married)


def test_a_matter_we_have_no_procedure_for_is_answered_by_the_special_case_made_for_it(stage1):
    text = "kết hôn với người nước ngoài thì nộp hồ sơ ở đâu"
    stage1[text] = understood(text, [Asked.authority], "dang-ky-ket-hon", qualifiers=("yeu_to_nuoc_ngoai",),
                              uncovered_qualifiers=("yeu_to_nuoc_ngoai",))
    reply = answer(text, Context(intent="ask_authority"), _marriage_with_foreign_case())
    assert reply.kind == "answer" and reply.record_unanswered == "case_only"
    assert "UBND cấp tỉnh" in reply.text and "có yếu tố nước ngoài" in reply.text.split("\n")[0]
    # the domestic procedure's own facts are not given as if they applied, and the reply says what it lacks
    assert "Công an cấp xã" not in reply.text and "chưa có đủ thông tin" in reply.text and "18001096" in reply.text


def test_the_case_made_for_a_matter_is_found_even_when_stage_1_named_no_procedure(stage1):
    text = "lấy chồng nước ngoài đăng ký ở đâu"
    stage1[text] = understood(text, [Asked.authority], None, ResolutionStatus.not_covered,
                              qualifiers=("yeu_to_nuoc_ngoai",), uncovered_qualifiers=("yeu_to_nuoc_ngoai",))
    reply = answer(text, Context(intent="ask_authority"), _marriage_with_foreign_case())
    assert reply.kind == "answer" and "UBND cấp tỉnh" in reply.text


def test_a_case_made_for_a_matter_never_answers_a_message_that_does_not_say_it(stage1):
    text = "đăng ký kết hôn nộp hồ sơ ở đâu"
    stage1[text] = understood(text, [Asked.authority], "dang-ky-ket-hon", questions=(text,), situation=True)
    reply = answer(text, Context(intent="ask_authority"), _marriage_with_foreign_case())
    assert "UBND cấp tỉnh" not in reply.text and "Công an cấp xã" in reply.text


def test_a_matter_whose_case_does_not_match_stays_honestly_not_covered(stage1):
    text = "chồng tôi là người nước ngoài, con chúng tôi sinh ra có được mang quốc tịch Việt Nam không"
    stage1[text] = understood(text, [Asked.conditions], "dang-ky-ket-hon", qualifiers=("yeu_to_nuoc_ngoai",),
                              uncovered_qualifiers=("yeu_to_nuoc_ngoai",))
    reply = answer(text, Context(intent="ask_overview"), _marriage_with_foreign_case())
    assert reply.kind == "not_covered" and "UBND cấp tỉnh" not in reply.text
