"""The police procedures added on 2026-12-03 (issue 10, part 4), through the whole answer path on the real
knowledge base: a citizen's question, with and without diacritics, gets the procedure's name and the asked
fact as the knowledge states it; a neighbouring procedure's question still goes to the neighbour."""

from __future__ import annotations

import pytest

from tests.answering.real_knowledge import ask, live, procedure, special_case  # noqa: F401  (live: a fixture)
from bot.knowledge.render import money


def first_amount(live, procedure_id):
    return procedure(live, procedure_id).fee.items[0].amount


@pytest.mark.parametrize("text", ["Làm thẻ căn cước lần đầu có mất tiền không?",
                                  "lam cccd lan dau mat bao nhieu tien"])
def test_first_identity_card_fee_is_answered_as_free(live, text):
    reply = ask(live, text)
    assert reply.kind == "answer" and reply.procedure_id == "cap-the-can-cuoc-lan-dau"
    assert procedure(live, "cap-the-can-cuoc-lan-dau").name in reply.text
    assert first_amount(live, "cap-the-can-cuoc-lan-dau") == 0 and "Miễn lệ phí" in reply.text


@pytest.mark.parametrize("text", ["Con tôi vừa đủ 14 tuổi, làm căn cước ở đâu?",
                                  "lam can cuoc cho con 5 tuoi co phai dua con di khong"])
def test_a_child_first_card_is_not_taken_for_an_exchange(live, text):
    assert ask(live, text).procedure_id == "cap-the-can-cuoc-lan-dau"


@pytest.mark.parametrize("text, neighbour", [("đổi căn cước hết bao nhiêu tiền", "cap-doi-the-can-cuoc"),
                                             ("mat can cuoc lam lai the nao", "cap-lai-the-can-cuoc")])
def test_identity_card_neighbours_keep_their_questions(live, text, neighbour):
    assert ask(live, text).procedure_id == neighbour


@pytest.mark.parametrize("text", ["Sang tên xe máy mất bao lâu?", "sang ten o to mat bao lau"])
def test_vehicle_transfer_deadline(live, text):
    reply = ask(live, text)
    assert reply.procedure_id == "dang-ky-sang-ten-xe"
    assert procedure(live, "dang-ky-sang-ten-xe").deadline.split(";")[0] in reply.text


def test_a_seller_who_did_not_deregister_gets_the_thirty_days_rule(live):
    reply = ask(live, "ban xe roi nguoi mua chua sang ten thi lam sao")
    assert reply.procedure_id == "dang-ky-sang-ten-xe" and "30 ngày" in reply.text


@pytest.mark.parametrize("text, expected", [("đăng ký xe máy mới mua cần giấy tờ gì", "dang-ky-xe"),
                                            ("mất cà vẹt xe máy làm lại ở đâu", "cap-lai-chung-nhan-dang-ky-xe"),
                                            ("ban xe roi thu hoi bien so o dau", "thu-hoi-chung-nhan-dang-ky-xe")])
def test_vehicle_procedures_each_keep_their_questions(live, text, expected):
    assert ask(live, text).procedure_id == expected


def test_lost_registration_deadline_is_the_verification_one(live):
    reply = ask(live, "cap lai cavet bi mat mat bao lau")
    assert reply.procedure_id == "cap-lai-chung-nhan-dang-ky-xe" and "30 ngày" in reply.text


@pytest.mark.parametrize("text", ["Tách hộ khẩu hết bao nhiêu tiền?", "tach khau het bao nhieu tien"])
def test_separating_a_household_fee(live, text):
    reply = ask(live, text)
    assert reply.kind == "answer" and reply.procedure_id == "tach-ho"
    for item in procedure(live, "tach-ho").fee.items:
        assert money(item.amount) in reply.text


def test_separating_after_divorce_is_answered_not_refused(live):
    reply = ask(live, "ly hôn rồi mà vẫn ở nhà cũ thì tách hộ thế nào")
    assert reply.procedure_id == "tach-ho" and reply.kind != "not_covered"
    assert "ly hôn" in reply.text


@pytest.mark.parametrize("text", ["Đi xuất khẩu lao động có phải khai báo tạm vắng không?",
                                  "di lam xa que co phai khai bao tam vang khong"])
def test_absence_declaration_obligation(live, text):
    reply = ask(live, text)
    assert reply.procedure_id == "khai-bao-tam-vang" and "12 tháng" in reply.text


@pytest.mark.parametrize("text", ["Xin giấy xác nhận cư trú mất bao lâu?", "xac nhan thong tin cu tru mat bao lau"])
def test_residence_confirmation_deadline(live, text):
    reply = ask(live, text)
    assert reply.procedure_id == "xac-nhan-thong-tin-cu-tru"
    assert procedure(live, "xac-nhan-thong-tin-cu-tru").deadline.split(";")[0] in reply.text


@pytest.mark.parametrize("text", ["Cắt khẩu cho người đã mất làm thế nào?", "xoa thuong tru mat bao lau"])
def test_deregistration_is_a_procedure_now(live, text):
    reply = ask(live, text)
    assert reply.kind == "answer" and reply.procedure_id == "xoa-dang-ky-thuong-tru"


def test_removing_a_temporary_residence_is_still_admitted_as_not_covered(live):
    reply = ask(live, "xóa đăng ký tạm trú ở đâu")
    assert reply.kind == "not_covered" and "Đăng ký tạm trú" in [b.title for b in reply.buttons]


@pytest.mark.parametrize("text", ["Thay đổi chủ hộ cần giấy tờ gì?", "doi chu ho can giay to gi"])
def test_changing_the_head_of_household(live, text):
    reply = ask(live, text)
    assert reply.procedure_id == "dieu-chinh-thong-tin-cu-tru"
    assert procedure(live, "dieu-chinh-thong-tin-cu-tru").documents[0] in reply.text


@pytest.mark.parametrize("text, neighbour", [("nhập hộ khẩu cho con vào nhà ông bà cần gì", "dang-ky-thuong-tru"),
                                             ("dang ky tam tru can giay to gi", "dang-ky-tam-tru")])
def test_residence_neighbours_keep_their_questions(live, text, neighbour):
    assert ask(live, text).procedure_id == neighbour


@pytest.mark.parametrize("text", ["Bằng lái xe quốc tế có giá trị bao lâu?", "bang lai quoc te co gia tri bao lau"])
def test_international_permit_validity(live, text):
    reply = ask(live, text)
    assert reply.procedure_id == "cap-giay-phep-lai-xe-quoc-te" and "3 năm" in reply.text


def test_exchanging_a_national_licence_still_goes_to_the_exchange(live):
    reply = ask(live, "đổi bằng lái xe hết bao nhiêu tiền")
    assert reply.procedure_id == "cap-doi-giay-phep-lai-xe"
    assert money(first_amount(live, "cap-doi-giay-phep-lai-xe")) in reply.text


@pytest.mark.parametrize("text", ["Tôi mua chiếc xe máy đã qua nhiều đời chủ, giờ sang tên cần làm gì?",
                                  "mua xe qua may doi chu thi lam thu tuc nhu nao"])
def test_a_vehicle_bought_through_several_owners_is_the_transfer(live, text):
    assert ask(live, text).procedure_id == "dang-ky-sang-ten-xe"


def test_a_lost_card_needs_no_loss_confirmation_and_the_reply_says_what_to_bring(live):
    reply = ask(live, "Hôm qua tôi bị móc túi mất thẻ căn cước. Tôi có phải xin giấy xác nhận mất ở công an phường không?")
    assert reply.procedure_id == "cap-lai-the-can-cuoc"
    assert procedure(live, "cap-lai-the-can-cuoc").documents[0] in reply.text


def test_a_lost_licence_still_valid_is_reissued_without_a_new_test(live):
    reply = ask(live, "Bằng lái xe máy của tôi bị mất, vẫn còn hạn. Làm lại thì có phải thi lại không?")
    assert reply.procedure_id == "cap-lai-giay-phep-lai-xe", reply.text
    assert "không phải sát hạch lại" in reply.text.lower() or "không phải thi lại" in reply.text.lower()


@pytest.mark.parametrize("text", [
    "Vợ chồng tôi ở chung nhà với bố mẹ, bố mẹ cũng đã đồng ý cho tách khẩu. Tôi tách khẩu được không?",
    "vo chong toi o chung nha voi bo me, bo me cung da dong y roi. toi tach khau duoc khong?",
])
def test_consent_given_does_not_get_the_answer_for_a_refusal(live, text):
    reply = ask(live, text)
    assert reply.procedure_id == "tach-ho"
    assert special_case(live, "tach-ho", "chu-ho-khong-dong-y").answer not in reply.text


@pytest.mark.parametrize("text", ["Bố mẹ không đồng ý cho tách khẩu thì tôi có tách được không?",
                                  "bo me khong dong y cho tach khau thi phai lam sao"])
def test_a_refusal_gets_its_own_answer(live, text):
    reply = ask(live, text)
    assert reply.procedure_id == "tach-ho"
    assert special_case(live, "tach-ho", "chu-ho-khong-dong-y").answer in reply.text


@pytest.mark.parametrize("text", ["Đang tạm trú ở tỉnh khác thì làm căn cước ở đây luôn được không?",
                                  "lam can cuoc het bao nhieu tien"])
def test_making_an_id_card_without_saying_which_asks_first_exchange_or_reissue(live, text):
    reply = ask(live, text)
    assert reply.kind == "which_procedure"
    offered = {b.payload for b in reply.buttons}
    assert all(any(pid in p for p in offered) for pid in
               ("cap-the-can-cuoc-lan-dau", "cap-doi-the-can-cuoc", "cap-lai-the-can-cuoc"))


@pytest.mark.parametrize("text", ["Con tôi 15 tuổi mà chưa làm căn cước thì làm ở đâu?",
                                  "con toi chua co can cuoc, lam o dau"])
def test_never_having_had_a_card_is_the_first_issue(live, text):
    assert ask(live, text).procedure_id == "cap-the-can-cuoc-lan-dau"
