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


# --- Trợ cấp xã hội hằng tháng ------------------------------------------------------------------------------

ALLOWANCE = "tro-cap-xa-hoi-hang-thang"


@pytest.mark.parametrize("text", ["Xin trợ cấp xã hội hằng tháng cần giấy tờ gì?",
                                  "xin tro cap xa hoi hang thang can giay to gi"])
def test_monthly_allowance_documents(live, text):
    reply = ask(live, text)
    assert reply.kind == "answer" and reply.procedure_id == ALLOWANCE
    assert procedure(live, ALLOWANCE).documents[0] in reply.text


@pytest.mark.parametrize("text", ["Xin trợ cấp xã hội thì bao lâu có quyết định?",
                                  "tro cap xa hoi bao lau thi co quyet dinh"])
def test_monthly_allowance_deadline_is_the_commune_one(live, text):
    reply = ask(live, text)
    assert reply.procedure_id == ALLOWANCE
    assert procedure(live, ALLOWANCE).deadline.split(";")[0] in reply.text


def test_monthly_allowance_is_decided_by_the_commune(live):
    reply = ask(live, "Trợ cấp xã hội hàng tháng nộp hồ sơ ở đâu?")
    assert reply.procedure_id == ALLOWANCE
    assert procedure(live, ALLOWANCE).authority in reply.text


@pytest.mark.parametrize("text", ["Người khuyết tật nặng được trợ cấp bao nhiêu tiền một tháng?",
                                  "tro cap xa hoi hang thang duoc bao nhieu tien"])
def test_how_much_is_paid_is_answered_with_the_standard_amount_not_only_no_fee(live, text):
    reply = ask(live, text)
    assert reply.procedure_id == ALLOWANCE
    assert procedure(live, ALLOWANCE).fee.note in reply.text


def test_the_standard_amount_question_gets_its_case(live):
    reply = ask(live, "Mức chuẩn trợ giúp xã hội năm 2026 là bao nhiêu?")
    assert reply.procedure_id == ALLOWANCE
    assert special_case(live, ALLOWANCE, "muc-tro-cap").answer in reply.text


@pytest.mark.parametrize("text, case_id", [
    ("Người khuyết tật nhẹ có được trợ cấp xã hội không?", "nguoi-khuyet-tat"),
    ("nguoi khuyet tat nhe co duoc tro cap xa hoi khong", "nguoi-khuyet-tat"),
    ("Trẻ mồ côi có được trợ cấp hằng tháng không?", "tre-mo-coi"),
    ("me don than nuoi con co duoc tro cap xa hoi khong", "don-than-nuoi-con"),
    ("Bố tôi 80 tuổi có được trợ cấp xã hội không?", "nguoi-cao-tuoi"),
])
def test_who_is_entitled_gets_the_matching_case(live, text, case_id):
    reply = ask(live, text)
    assert reply.procedure_id == ALLOWANCE
    assert special_case(live, ALLOWANCE, case_id).answer in reply.text


@pytest.mark.parametrize("text", ["Mẹ tôi hơn 80 tuổi, không có lương hưu, xin tiền trợ cấp hàng tháng ở đâu?",
                                  "tro cap huu tri xa hoi lam o dau"])
def test_an_old_person_without_a_pension_is_told_of_the_social_pension_not_given_this_procedure(live, text):
    reply = ask(live, text)
    case = special_case(live, ALLOWANCE, "huu-tri-xa-hoi")
    assert case.answer in reply.text
    assert procedure(live, ALLOWANCE).documents[0] not in reply.text


def test_monthly_allowance_online(live):
    reply = ask(live, "Xin trợ cấp xã hội có nộp online được không?")
    assert reply.procedure_id == ALLOWANCE
    assert procedure(live, ALLOWANCE).online.description in reply.text


@pytest.mark.parametrize("text, neighbour", [("xin giấy xác nhận khuyết tật để hưởng trợ cấp ở đâu", DISABILITY),
                                             ("Chồng tôi bị khuyết tật nặng, xin giấy xác nhận khuyết tật ở đâu?",
                                              DISABILITY)])
def test_the_disability_certificate_keeps_its_questions(live, text, neighbour):
    assert ask(live, text).procedure_id == neighbour


@pytest.mark.parametrize("text", ["trợ cấp thất nghiệp làm ở đâu",
                                  "Mai táng phí cho đối tượng bảo trợ xã hội được bao nhiêu?"])
def test_other_benefits_are_not_answered_as_the_monthly_allowance(live, text):
    assert ask(live, text).procedure_id != ALLOWANCE
