"""The land procedures added for issue 10 (sang tên, cấp lại, cấp đổi sổ đỏ, tách/hợp thửa, chuyển mục
đích) answer a citizen's own wording, with and without diacritics, through the whole answer path on the
real knowledge base; the neighbouring procedures keep their questions.

Expected facts are read from the loaded knowledge (``field_lines``), not copied here.
"""

from __future__ import annotations

import pytest

from bot.answering.types import Asked
from tests.answering.real_knowledge import ask, gives, live, procedure, special_case  # noqa: F401  (live: a fixture)


@pytest.mark.parametrize("text, procedure_id, aspect", [
    ("Sang tên sổ đỏ mất bao lâu?", "dang-ky-bien-dong-dat-dai", Asked.deadline),
    ("sang ten so do mat bao lau", "dang-ky-bien-dong-dat-dai", Asked.deadline),
    ("bố mẹ cho con đất thì nộp hồ sơ ở đâu", "dang-ky-bien-dong-dat-dai", Asked.authority),
    ("nhận thừa kế đất thì cần giấy tờ gì", "dang-ky-bien-dong-dat-dai", Asked.documents),
    ("Mất sổ đỏ làm lại mất bao lâu?", "cap-lai-gcn-qsdd", Asked.deadline),
    ("mat so do can giay to gi", "cap-lai-gcn-qsdd", Asked.documents),
    ("Sổ đỏ bị rách thì đổi ở đâu?", "cap-doi-gcn-qsdd", Asked.authority),
    ("doi so do cu sang mau moi mat bao lau", "cap-doi-gcn-qsdd", Asked.deadline),
    ("Tách thửa đất mất bao nhiêu ngày?", "tach-hop-thua-dat", Asked.deadline),
    ("hop thua dat can giay to gi", "tach-hop-thua-dat", Asked.documents),
    ("len tho cu mat bao nhieu tien", "chuyen-muc-dich-su-dung-dat", Asked.fee),
    ("chuyen dat vuon len tho cu xin o dau", "chuyen-muc-dich-su-dung-dat", Asked.authority),
])
def test_a_land_question_gets_its_procedure_and_the_asked_fact(live, text, procedure_id, aspect):
    reply = ask(live, text)
    assert reply.kind == "answer", reply.text
    assert gives(reply, live, procedure_id, aspect), reply.text


def test_the_transfer_deadline_a_citizen_reads_is_the_eight_working_days_of_the_2025_rules(live):
    reply = ask(live, "sang tên sổ đỏ bao lâu thì xong")
    assert reply.procedure_id == "dang-ky-bien-dong-dat-dai" and "8 ngày làm việc" in reply.text


def test_a_special_case_answers_the_penalty_for_not_registering_a_transfer(live):
    case = next(c for c in live.base.procedures["dang-ky-bien-dong-dat-dai"].special_cases
                if c.id == "phat-khong-sang-ten")
    reply = ask(live, "mua đất mà không sang tên sổ đỏ có bị phạt không")
    assert reply.procedure_id == "dang-ky-bien-dong-dat-dai"
    assert case.answer[:60] in reply.text and "2.000.000" in reply.text


@pytest.mark.parametrize("text, procedure_id", [
    ("làm sổ đỏ lần đầu cần giấy tờ gì", "cap-gcn-qsdd-lan-dau"),
    ("cấp sổ đỏ mất bao lâu", "cap-gcn-qsdd-lan-dau"),
    ("mua đất giấy tay có làm sổ đỏ được không", "cap-gcn-qsdd-lan-dau"),
    ("tách hộ khẩu cần giấy tờ gì", "tach-ho"),
    ("mất căn cước làm lại ở đâu", "cap-lai-the-can-cuoc"),
    ("đổi bằng lái xe hết bao nhiêu tiền", "cap-doi-giay-phep-lai-xe"),
    ("xin giấy phép xây dựng nhà ở cần gì", "giay-phep-xay-dung-nha-o"),
])
def test_the_neighbouring_procedures_keep_their_questions(live, text, procedure_id):
    assert ask(live, text).procedure_id == procedure_id


def test_selling_a_motorbike_is_not_answered_with_the_land_transfer(live):
    reply = ask(live, "sang tên xe máy cũ cần giấy tờ gì")
    assert reply.procedure_id != "dang-ky-bien-dong-dat-dai"
    assert "Đăng ký biến động" not in reply.text


@pytest.mark.parametrize("text", [
    "bố mất không để lại di chúc, chia thừa kế đất thế nào",
    "anh em tranh chấp đất thừa kế thì làm sao",
])
def test_dividing_an_inheritance_is_not_answered_as_a_land_registration(live, text):
    reply = ask(live, text)
    assert reply.kind == "not_covered" and reply.procedure_id is None, reply.text


def test_the_heirs_paper_is_certified_not_registered(live):
    """Khai nhận di sản is a paper the commune certifies (chung-thuc-hop-dong-giao-dich), before any
    registration of the land."""
    reply = ask(live, "khai nhận di sản thừa kế ở đâu")
    assert reply.procedure_id == "chung-thuc-hop-dong-giao-dich", reply.text


@pytest.mark.parametrize("text", ["Sổ đỏ nhà tôi bị mất hoặc bị hỏng thì làm lại ở đâu?",
                                  "so do bi mat hoac hu hong thi xin cap lai o dau"])
def test_a_paper_lost_or_damaged_gets_both_the_reissue_and_the_exchange(live, text):
    reply = ask(live, text)
    assert reply.kind == "answer" and reply.procedure_id in {"cap-lai-gcn-qsdd", "cap-doi-gcn-qsdd"}
    assert procedure(live, "cap-lai-gcn-qsdd").name in reply.text
    assert procedure(live, "cap-doi-gcn-qsdd").name in reply.text


def test_a_damaged_paper_alone_is_still_the_exchange(live):
    reply = ask(live, "sổ đỏ bị rách nát thì làm lại thế nào")
    assert reply.procedure_id == "cap-doi-gcn-qsdd"
    assert procedure(live, "cap-lai-gcn-qsdd").name not in reply.text


@pytest.mark.parametrize("text", ["Thẻ BHYT của tôi bị rách thì còn đi khám được không?",
                                  "the bao hiem y te bi nat co dung duoc nua khong"])
def test_a_torn_health_insurance_card_is_still_valid(live, text):
    reply = ask(live, text)
    case = special_case(live, "cap-lai-the-bhyt", "the-rach-con-gia-tri")
    assert reply.procedure_id == "cap-lai-the-bhyt" and case.answer in reply.text
