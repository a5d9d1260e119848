"""Police procedures added on 2026-12-04 (issue 10, part 4): the extension of a temporary residence and the
first driving licence, through the whole answer path on the real knowledge base. A citizen's question, with
and without diacritics, reaches the procedure and gets the asked fact as the knowledge states it; a
neighbouring procedure's question still goes to the neighbour.

Not tested here (routing they would need a change outside the knowledge): a bare "gia hạn tạm trú …" ties
with `dang-ky-tam-tru`, whose aliases also hold "gia hạn tạm trú", so the assistant asks which one; and
"người nước ngoài gia hạn tạm trú" takes the foreign case of `dang-ky-tam-tru` (the first of the tied
procedures) rather than the one of `gia-han-tam-tru`."""

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
