"""The social-insurance procedures added on 2026-12-04 (issue 10, part 4): unemployment benefit
(huong-tro-cap-that-nghiep, Luật Việc làm 2025 from 1/1/2026) and the one-time social-insurance payment
(huong-bhxh-mot-lan, Luật BHXH 2024 from 1/7/2025), through the whole answer path on the real knowledge
base: a citizen's question, with and without diacritics, gets the procedure's name and the asked fact as
the knowledge states it (read from the loaded knowledge, never copied here); a neighbouring procedure's
question still goes to the neighbour."""

from __future__ import annotations

import pytest

from bot.answering.types import Asked
from tests.answering.real_knowledge import ask, gives, live, procedure, special_case  # noqa: F401  (live: a fixture)

UNEMPLOYMENT = "huong-tro-cap-that-nghiep"


# --- unemployment benefit ------------------------------------------------------------------------

@pytest.mark.parametrize("text, aspect", [
    ("Nghỉ việc thì làm hồ sơ hưởng trợ cấp thất nghiệp ở đâu?", Asked.authority),
    ("bao hiem that nghiep can giay to gi", Asked.documents),
    ("Làm trợ cấp thất nghiệp mất bao lâu?", Asked.deadline),
    ("lam that nghiep online duoc khong", Asked.online),
])
def test_an_unemployment_question_gets_the_procedure_and_the_asked_fact(live, text, aspect):
    reply = ask(live, text)
    assert gives(reply, live, UNEMPLOYMENT, aspect), reply.text


@pytest.mark.parametrize("text", ["Trợ cấp thất nghiệp được bao nhiêu tiền?",
                                  "tro cap that nghiep duoc bao nhieu tien"])
def test_how_much_is_answered_with_the_benefit_not_only_the_absent_fee(live, text):
    reply = ask(live, text)
    assert reply.procedure_id == UNEMPLOYMENT, reply.text
    assert procedure(live, UNEMPLOYMENT).fee.note in reply.text and "60%" in reply.text


@pytest.mark.parametrize("text, case_id", [
    ("Đóng bảo hiểm thất nghiệp 5 năm thì được hưởng mấy tháng?", "muc-huong"),
    ("Tự nghỉ việc có được hưởng trợ cấp thất nghiệp không?", "tu-y-nghi-viec"),
    ("nghi viec qua 3 thang roi co lam bao hiem that nghiep duoc khong", "qua-han-3-thang"),
    ("Năm 2026 trợ cấp thất nghiệp có gì thay đổi?", "luat-moi-2026"),
    ("Đang hưởng thất nghiệp có phải đi báo tìm việc hàng tháng không", "thong-bao-tim-viec"),
])
def test_an_unemployment_special_case_is_answered_as_the_knowledge_states_it(live, text, case_id):
    reply = ask(live, text)
    assert reply.procedure_id == UNEMPLOYMENT, reply.text
    assert special_case(live, UNEMPLOYMENT, case_id).answer in reply.text


@pytest.mark.parametrize("text, neighbour", [("mất thẻ bảo hiểm y tế làm lại ở đâu", "cap-lai-the-bhyt"),
                                             ("the bhyt bi rach co dung duoc khong", "cap-lai-the-bhyt")])
def test_the_health_insurance_card_keeps_its_questions(live, text, neighbour):
    assert ask(live, text).procedure_id == neighbour


# --- one-time social-insurance payment -----------------------------------------------------------

ONE_TIME = "huong-bhxh-mot-lan"


@pytest.mark.parametrize("text, aspect", [
    ("Tôi muốn rút bảo hiểm xã hội một lần thì cần giấy tờ gì?", Asked.documents),
    ("rut bhxh 1 lan o dau", Asked.authority),
    ("Rút BHXH một lần mất bao lâu?", Asked.deadline),
    ("rut bhxh online duoc khong", Asked.online),
])
def test_a_one_time_payment_question_gets_the_procedure_and_the_asked_fact(live, text, aspect):
    reply = ask(live, text)
    assert gives(reply, live, ONE_TIME, aspect), reply.text


@pytest.mark.parametrize("text", ["Rút bảo hiểm xã hội một lần được bao nhiêu tiền?",
                                  "rut bhxh mot lan duoc bao nhieu tien"])
def test_how_much_is_answered_with_the_payment_formula(live, text):
    reply = ask(live, text)
    assert reply.procedure_id == ONE_TIME, reply.text
    assert procedure(live, ONE_TIME).fee.note in reply.text


@pytest.mark.parametrize("text, case_id", [
    ("nghi viec roi co duoc rut bhxh mot lan khong", "nghi-viec-12-thang"),
    ("Ra nước ngoài định cư có được rút bảo hiểm xã hội một lần không?", "dinh-cu-nuoc-ngoai"),
    ("bi ung thu co duoc rut bhxh mot lan khong", "benh-hiem-ngheo"),
])
def test_who_may_still_withdraw_since_july_2025(live, text, case_id):
    reply = ask(live, text)
    assert reply.procedure_id == ONE_TIME, reply.text
    assert special_case(live, ONE_TIME, case_id).answer in reply.text


def test_a_story_of_a_short_break_gets_the_twelve_months_rule(live):
    reply = ask(live, "Tôi đã tham gia BHXH được 9 tháng tại công ty cũ và hiện tại không đóng BHXH đã 10 tháng. "
                      "Vậy tôi rút tiền BHXH đấy có được không?")
    assert reply.procedure_id == ONE_TIME and "12 tháng" in reply.text, reply.text


def test_a_story_about_settling_abroad_is_not_refused_as_another_procedure(live):
    reply = ask(live, "Tôi sắp định cư ở Úc, muốn rút bảo hiểm xã hội một lần thì làm thế nào?")
    assert reply.kind == "answer" and reply.procedure_id == ONE_TIME, reply.text


@pytest.mark.parametrize("text", ["mất sổ bảo hiểm xã hội thì làm lại ở đâu", "mat so bhxh lam lai the nao"])
def test_a_lost_social_insurance_book_is_neither_the_health_card_nor_the_withdrawal(live, text):
    """Re-issuing the social-insurance book is a procedure we do not have: the words "bảo hiểm xã hội"
    must not make it the health-insurance card's re-issue, nor answer it as the one-time payment."""
    reply = ask(live, text)
    assert reply.kind != "answer" and reply.procedure_id not in {"cap-lai-the-bhyt", ONE_TIME}, reply.text


@pytest.mark.parametrize("text, neighbour", [
    ("Tôi vừa nghỉ việc, đã đóng bảo hiểm thất nghiệp 3 năm. Tôi cần làm gì để được nhận trợ cấp thất nghiệp?",
     UNEMPLOYMENT),
    ("nghi viec huong that nghiep can giay to gi", UNEMPLOYMENT),
])
def test_unemployment_questions_stay_with_the_unemployment_benefit(live, text, neighbour):
    assert ask(live, text).procedure_id == neighbour


def test_the_pension_is_still_admitted_as_not_covered(live):
    assert ask(live, "lương hưu được bao nhiêu").kind == "not_covered"
