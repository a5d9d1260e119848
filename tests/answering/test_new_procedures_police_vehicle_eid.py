"""The police procedures added on 2026-12-04 (issue 10, part 4): the exchange of a vehicle registration or
plate (cap-doi-chung-nhan-dang-ky-xe) and the electronic identification account (cap-tai-khoan-dinh-danh-
dien-tu), through the whole answer path on the real knowledge base. A citizen's question, with and without
diacritics, reaches the procedure and shows the asked fact as the knowledge states it; a neighbouring
procedure's question still goes to the neighbour."""

from __future__ import annotations

import pytest

from tests.answering.real_knowledge import ask, live, procedure, special_case  # noqa: F401  (live: a fixture)
from bot.knowledge.render import money

EXCHANGE = "cap-doi-chung-nhan-dang-ky-xe"


@pytest.mark.parametrize("text", ["Đổi giấy đăng ký xe máy mất bao lâu?", "doi bien so xe may mat bao lau"])
def test_exchanging_a_registration_deadline(live, text):
    reply = ask(live, text)
    assert reply.kind == "answer" and reply.procedure_id == EXCHANGE
    assert procedure(live, EXCHANGE).name in reply.text
    assert procedure(live, EXCHANGE).deadline.split(";")[0] in reply.text


def test_exchanging_a_registration_fee_gives_the_range_and_the_digital_citizen_exemption(live):
    reply = ask(live, "doi cavet xe may het bao nhieu tien")
    assert reply.procedure_id == EXCHANGE
    for item in procedure(live, EXCHANGE).fee.items:
        assert (money(item.amount) if item.amount else "Miễn lệ phí") in reply.text


@pytest.mark.parametrize("text, case_id", [
    ("Đổi biển 4 số sang biển 5 số có bắt buộc không?", "bien-5-so"),
    ("xe bien 4 so co bat buoc doi sang bien 5 so khong", "bien-5-so"),
    ("Biển số xe máy bị mờ có phải đổi không?", "bien-mo-hong"),
    ("bien so xe may bi mo co phai doi khong", "bien-mo-hong"),
    ("Sáp nhập xã có phải đổi cà vẹt xe máy không?", "sap-nhap-dia-chi"),
    ("Xe ô tô đổi màu sơn có phải đổi giấy đăng ký không?", "doi-mau-son-cai-tao"),
])
def test_whether_an_exchange_is_required_gets_its_own_case(live, text, case_id):
    reply = ask(live, text)
    assert reply.procedure_id == EXCHANGE
    assert special_case(live, EXCHANGE, case_id).answer in reply.text


def test_exchanging_documents_are_listed(live):
    reply = ask(live, "doi bien so xe may can giay to gi")
    assert reply.procedure_id == EXCHANGE
    assert procedure(live, EXCHANGE).documents[0] in reply.text


@pytest.mark.parametrize("text, neighbour", [("mất cà vẹt xe máy làm lại ở đâu", "cap-lai-chung-nhan-dang-ky-xe"),
                                             ("mat bien so xe lam lai the nao", "cap-lai-chung-nhan-dang-ky-xe"),
                                             ("sang ten xe may mat bao lau", "dang-ky-sang-ten-xe"),
                                             ("đăng ký xe máy mới mua cần giấy tờ gì", "dang-ky-xe")])
def test_vehicle_neighbours_keep_their_questions(live, text, neighbour):
    assert ask(live, text).procedure_id == neighbour


ACCOUNT = "cap-tai-khoan-dinh-danh-dien-tu"


@pytest.mark.parametrize("text", ["Làm định danh mức 2 mất bao lâu?", "lam vneid muc 2 mat bao lau"])
def test_identification_account_deadline(live, text):
    reply = ask(live, text)
    assert reply.kind == "answer" and reply.procedure_id == ACCOUNT
    assert procedure(live, ACCOUNT).name in reply.text
    assert procedure(live, ACCOUNT).deadline.split(";")[0] in reply.text


@pytest.mark.parametrize("text", ["Đăng ký tài khoản định danh điện tử có mất tiền không?",
                                  "dang ky tai khoan vneid co mat phi khong"])
def test_identification_account_is_free(live, text):
    reply = ask(live, text)
    assert reply.procedure_id == ACCOUNT
    assert procedure(live, ACCOUNT).fee.is_free and "Miễn lệ phí" in reply.text
    assert procedure(live, ACCOUNT).fee.note.split(" (")[0] in reply.text  # a reply of two aspects drops the article


@pytest.mark.parametrize("text", ["Làm định danh mức 2 cần mang giấy tờ gì?", "lam dinh danh muc 2 can mang gi"])
def test_identification_account_documents(live, text):
    reply = ask(live, text)
    assert reply.procedure_id == ACCOUNT
    assert procedure(live, ACCOUNT).documents[0] in reply.text


@pytest.mark.parametrize("text, case_id", [
    ("Con tôi 10 tuổi làm định danh mức 2 thế nào?", "tre-em"),
    ("lam vneid cho con duoi 14 tuoi", "tre-em"),
    ("Quá 7 ngày chưa kích hoạt vneid thì sao?", "qua-han-kich-hoat"),
    ("qua 7 ngay chua kich hoat tai khoan dinh danh thi lam the nao", "qua-han-kich-hoat"),
    ("Cho người khác mượn tài khoản VNeID bị phạt bao nhiêu?", "cho-muon-tai-khoan"),
    ("Số điện thoại đứng tên người khác thì có đăng ký định danh mức 2 được không?", "so-dien-thoai-chinh-chu"),
    ("Chồng tôi người Hàn Quốc làm định danh mức 2 ở đâu?", "nguoi-nuoc-ngoai"),
])
def test_identification_account_cases(live, text, case_id):
    reply = ask(live, text)
    assert reply.procedure_id == ACCOUNT
    assert special_case(live, ACCOUNT, case_id).answer in reply.text


def test_level_two_does_not_depend_on_the_place_of_residence(live):
    reply = ask(live, "Tôi tạm trú ở Bình Dương, hộ khẩu ở Nghệ An, làm định danh mức 2 ở đây được không?")
    assert reply.procedure_id == ACCOUNT and "không phụ thuộc nơi cư trú" in reply.text


@pytest.mark.parametrize("text, neighbour", [("Làm thẻ căn cước lần đầu cần gì?", "cap-the-can-cuoc-lan-dau"),
                                             ("doi can cuoc het bao nhieu tien", "cap-doi-the-can-cuoc"),
                                             ("Làm căn cước cho con 10 tuổi ở đâu?", "cap-the-can-cuoc-lan-dau")])
def test_identity_card_neighbours_keep_their_questions(live, text, neighbour):
    assert ask(live, text).procedure_id == neighbour
