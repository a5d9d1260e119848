"""The social-insurance procedures added on 2026-12-04 (issue 10, part 4): unemployment benefit
(huong-tro-cap-that-nghiep, Luật Việc làm 2025 from 1/1/2026) and the one-time social-insurance payment
(huong-bhxh-mot-lan, Luật BHXH 2024 from 1/7/2025), through the whole answer path on the real knowledge
base: a citizen's question, with and without diacritics, gets the procedure's name and the asked fact as
the knowledge states it (read from the loaded knowledge, never copied here); a neighbouring procedure's
question still goes to the neighbour."""

from __future__ import annotations

import pytest

from bot.answering.find import field_lines
from bot.answering.types import Asked
from tests.answering.real_knowledge import ask, live, procedure, special_case  # noqa: F401  (live: a fixture)

UNEMPLOYMENT = "huong-tro-cap-that-nghiep"


def gives(reply, live, procedure_id, aspect):
    lines = field_lines(procedure(live, procedure_id), aspect)
    return reply.kind == "answer" and reply.procedure_id == procedure_id \
        and procedure(live, procedure_id).name in reply.text and bool(lines) \
        and all(line in reply.text for line in lines)


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
