"""The social-assistance procedures added on 2026-12-04 (issue 10, part 4), through the whole answer path on
the real knowledge base: a citizen's question, with and without diacritics, gets the procedure and the asked
fact as the knowledge states it (read from the loaded knowledge, not copied here); a neighbouring
procedure's question still goes to the neighbour."""

from __future__ import annotations

import pytest

from tests.answering.real_knowledge import ask, live, procedure, special_case  # noqa: F401  (live: a fixture)

DISABILITY = "cap-giay-xac-nhan-khuyet-tat"


# --- Xác định mức độ khuyết tật, cấp Giấy xác nhận khuyết tật -------------------------------------------

@pytest.mark.parametrize("text", ["Xin giấy xác nhận khuyết tật mất bao lâu?",
                                  "xin giay xac nhan khuyet tat mat bao lau"])
def test_disability_certificate_deadline(live, text):
    reply = ask(live, text)
    assert reply.kind == "answer" and reply.procedure_id == DISABILITY
    assert procedure(live, DISABILITY).deadline.split(";")[0] in reply.text


@pytest.mark.parametrize("text", ["Làm giấy xác nhận khuyết tật có mất tiền không?",
                                  "lam giay xac nhan khuyet tat het bao nhieu tien"])
def test_disability_certificate_is_free(live, text):
    reply = ask(live, text)
    assert reply.procedure_id == DISABILITY
    assert all(item.amount == 0 for item in procedure(live, DISABILITY).fee.items)
    assert "Miễn lệ phí" in reply.text


def test_a_parent_asking_where_for_a_young_child_gets_the_commune(live):
    reply = ask(live, "Con tôi 4 tuổi bị bại não, xin giấy xác nhận khuyết tật cho cháu ở đâu?")
    assert reply.procedure_id == DISABILITY
    assert procedure(live, DISABILITY).authority in reply.text


@pytest.mark.parametrize("text, case_id", [
    ("Giấy xác nhận khuyết tật có thời hạn không?", "tre-du-6-tuoi"),
    ("mat giay xac nhan khuyet tat lam lai the nao", "mat-hong-cap-lai"),
    ("Bố tôi bị liệt nằm một chỗ, hội đồng có đến nhà xác định khuyết tật không?", "khong-di-lai-duoc"),
])
def test_disability_certificate_special_cases(live, text, case_id):
    reply = ask(live, text)
    assert reply.procedure_id == DISABILITY
    assert special_case(live, DISABILITY, case_id).answer in reply.text


@pytest.mark.parametrize("text, neighbour", [("xin giấy xác nhận tình trạng hôn nhân ở đâu", "xac-nhan-tinh-trang-hon-nhan"),
                                             ("xin giay xac nhan cu tru mat bao lau", "xac-nhan-thong-tin-cu-tru"),
                                             ("mất thẻ bảo hiểm y tế làm lại thế nào", "cap-lai-the-bhyt")])
def test_other_confirmations_and_cards_keep_their_questions(live, text, neighbour):
    assert ask(live, text).procedure_id == neighbour
