"""Police procedures added on 2026-12-04 (issue 10, part 4): the extension of a temporary residence and the
first driving licence, through the whole answer path on the real knowledge base. A citizen's question, with
and without diacritics, reaches the procedure and gets the asked fact as the knowledge states it; a
neighbouring procedure's question still goes to the neighbour.

Not tested here (routing they would need a change outside the knowledge): a bare "gia hạn tạm trú …" ties
with `dang-ky-tam-tru`, whose aliases also hold "gia hạn tạm trú", so the assistant asks which one; and
"người nước ngoài gia hạn tạm trú" takes the foreign case of `dang-ky-tam-tru` (the first of the tied
procedures) rather than the one of `gia-han-tam-tru`. "Bằng lái ô tô quá hạn, có phải thi sát hạch lại?" stays
"not covered" as before (the exchange covers the expiry, the first licence the test, neither both)."""

from __future__ import annotations

import pytest

from tests.answering.real_knowledge import ask, live, procedure, special_case  # noqa: F401  (live: a fixture)
from bot.knowledge.render import money

EXTENSION = "gia-han-tam-tru"


@pytest.mark.parametrize("text", ["Tạm trú của tôi sắp hết hạn, phải gia hạn trước bao nhiêu ngày?",
                                  "tam tru sap het han thi phai gia han truoc bao nhieu ngay"])
def test_extension_window_is_the_fifteen_days_before_expiry(live, text):
    reply = ask(live, text)
    assert reply.kind == "answer" and reply.procedure_id == EXTENSION
    assert procedure(live, EXTENSION).name in reply.text
    assert special_case(live, EXTENSION, "truoc-bao-nhieu-ngay").answer in reply.text


@pytest.mark.parametrize("text", ["Xin gia hạn tạm trú mất mấy ngày?", "xin gia han tam tru mat may ngay"])
def test_extension_deadline(live, text):
    reply = ask(live, text)
    assert reply.procedure_id == EXTENSION
    assert procedure(live, EXTENSION).deadline in reply.text


def test_extension_fee_online_and_at_the_desk(live):
    reply = ask(live, "Tạm trú sắp hết hạn, làm online mất bao nhiêu tiền?")
    assert reply.procedure_id == EXTENSION
    for item in procedure(live, EXTENSION).fee.items:
        assert money(item.amount) in reply.text


@pytest.mark.parametrize("text", ["Tạm trú của tôi hết hạn tháng trước rồi, giờ gia hạn có được không?",
                                  "tam tru het han roi co gia han duoc khong"])
def test_an_expired_residence_gets_the_honest_late_answer(live, text):
    reply = ask(live, text)
    assert reply.procedure_id == EXTENSION
    case = special_case(live, EXTENSION, "da-qua-han")
    assert case.unclear and case.answer in reply.text


def test_extension_documents(live):
    reply = ask(live, "Tạm trú của tôi sắp hết hạn, muốn gia hạn cần giấy tờ gì?")
    assert reply.procedure_id == EXTENSION
    assert procedure(live, EXTENSION).documents[0] in reply.text


@pytest.mark.parametrize("text", ["đăng ký tạm trú lần đầu mất bao nhiêu tiền",
                                  "thue tro bao lau thi phai dang ky tam tru"])
def test_registering_a_temporary_residence_stays_with_the_registration(live, text):
    assert ask(live, text).procedure_id == "dang-ky-tam-tru"


FIRST_LICENCE = "cap-giay-phep-lai-xe-lan-dau"


@pytest.mark.parametrize("text", ["Thi bằng lái xe máy hết bao nhiêu tiền?", "thi bang lai xe may het bao nhieu tien"])
def test_first_licence_fees(live, text):
    reply = ask(live, text)
    assert reply.kind == "answer" and reply.procedure_id == FIRST_LICENCE
    assert procedure(live, FIRST_LICENCE).name in reply.text
    for item in procedure(live, FIRST_LICENCE).fee.items:
        assert money(item.amount) in reply.text


@pytest.mark.parametrize("text", ["Học lái xe ô tô cần giấy tờ gì?", "hoc lai xe may can giay to gi"])
def test_first_licence_documents(live, text):
    reply = ask(live, text)
    assert reply.procedure_id == FIRST_LICENCE
    assert procedure(live, FIRST_LICENCE).documents[0] in reply.text


@pytest.mark.parametrize("text", ["16 tuổi có thi bằng lái xe máy được không?",
                                  "bao nhieu tuoi duoc thi bang lai xe may"])
def test_the_age_for_a_licence(live, text):
    reply = ask(live, text)
    assert reply.procedure_id == FIRST_LICENCE
    assert special_case(live, FIRST_LICENCE, "do-tuoi").answer in reply.text


def test_passed_the_test_but_no_card_yet(live):
    reply = ask(live, "thi do bang lai chua nhan bang co duoc lai xe khong")
    assert reply.procedure_id == FIRST_LICENCE
    assert special_case(live, FIRST_LICENCE, "thi-do-chua-co-bang").answer in reply.text


@pytest.mark.parametrize("text", ["Thi xong bằng lái bao lâu thì có bằng?", "lam bang lai lan dau mat bao lau"])
def test_first_licence_deadline(live, text):
    reply = ask(live, text)
    assert reply.procedure_id == FIRST_LICENCE
    assert procedure(live, FIRST_LICENCE).deadline.split(";")[0] in reply.text


def test_a_licence_question_naming_no_case_offers_the_first_issue_too(live):
    reply = ask(live, "bằng lái xe hết bao nhiêu tiền")
    assert reply.kind == "which_procedure"
    assert procedure(live, FIRST_LICENCE).name in [b.title for b in reply.buttons]


@pytest.mark.parametrize("text, neighbour", [("mat bang lai xe lam lai the nao", "cap-lai-giay-phep-lai-xe"),
                                             ("đổi bằng lái xe hết bao nhiêu tiền", "cap-doi-giay-phep-lai-xe"),
                                             ("làm bằng lái quốc tế ở đâu", "cap-giay-phep-lai-xe-quoc-te")])
def test_licence_neighbours_keep_their_questions(live, text, neighbour):
    assert ask(live, text).procedure_id == neighbour
