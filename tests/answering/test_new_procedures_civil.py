"""Civil-status and certification procedures added in issue 10 (part 4), through the whole answer path.

Each question is a citizen's own wording, with and without diacritics; the reply must carry the
procedure's name and the asked fact read from the loaded knowledge (not a copy of it here), and the
neighbouring procedures' questions must still reach the neighbours.
"""


import pytest

from tests.answering.real_knowledge import ask, first_clause, live, procedure  # noqa: F401  (live: a fixture)
from bot.knowledge.render import money


def first_sentence(text: str) -> str:
    return text.split(";")[0].split(". ")[0].strip()


@pytest.mark.parametrize("text, procedure_id", [
    ("Bố muốn nhận con ngoài giá thú thì mất bao lâu?", "nhan-cha-me-con"),
    ("nhan cha con mat bao lau", "nhan-cha-me-con"),
    ("Giấy khai sinh của tôi bị sai tên, sửa thì mất bao lâu?", "thay-doi-cai-chinh-ho-tich"),
    ("cai chinh giay khai sinh mat bao lau", "thay-doi-cai-chinh-ho-tich"),
    ("Đăng ký kết hôn với người Hàn Quốc mất bao lâu?", "dang-ky-ket-hon-co-yeu-to-nuoc-ngoai"),
    ("ket hon voi nguoi nuoc ngoai mat bao lau", "dang-ky-ket-hon-co-yeu-to-nuoc-ngoai"),
    ("Làm giấy khai sinh cho con có bố là người Mỹ mất bao lâu?", "dang-ky-khai-sinh-co-yeu-to-nuoc-ngoai"),
    ("Đăng ký giám hộ cho cháu mồ côi mất bao lâu?", "dang-ky-giam-ho"),
    ("dang ky giam ho mat bao lau", "dang-ky-giam-ho"),
    ("Nhận con nuôi thì bao lâu có kết quả?", "dang-ky-nuoi-con-nuoi-trong-nuoc"),
    ("Chứng thực chữ ký mất bao lâu?", "chung-thuc-chu-ky"),
    ("chung thuc hop dong mua ban dat mat bao lau", "chung-thuc-hop-dong-giao-dich"),
])
def test_the_deadline_question_gets_the_new_procedure_and_its_deadline(live, text, procedure_id):
    reply = ask(live, text)
    known = procedure(live, procedure_id)
    assert reply.procedure_id == procedure_id
    assert known.name in reply.text
    assert first_clause(known.deadline) in reply.text


@pytest.mark.parametrize("text, procedure_id", [
    ("Lệ phí đăng ký nuôi con nuôi là bao nhiêu?", "dang-ky-nuoi-con-nuoi-trong-nuoc"),
    ("le phi nhan con nuoi bao nhieu", "dang-ky-nuoi-con-nuoi-trong-nuoc"),
    ("Chứng thực chữ ký hết bao nhiêu tiền?", "chung-thuc-chu-ky"),
    ("chung thuc chu ky bao nhieu tien", "chung-thuc-chu-ky"),
    ("Chứng thực hợp đồng tặng cho đất ở xã mất bao nhiêu tiền?", "chung-thuc-hop-dong-giao-dich"),
])
def test_the_fee_question_gets_the_amount_from_the_knowledge(live, text, procedure_id):
    reply = ask(live, text)
    fee = procedure(live, procedure_id).fee
    assert reply.procedure_id == procedure_id
    assert money(fee.items[0].amount) in reply.text


def test_guardianship_is_free_and_says_so(live):
    reply = ask(live, "Đăng ký giám hộ có mất phí không?")
    assert reply.procedure_id == "dang-ky-giam-ho"
    assert procedure(live, "dang-ky-giam-ho").fee.items[0].amount == 0
    assert "miễn" in reply.text.lower() or "0 đồng" in reply.text or "không thu" in reply.text.lower()


def test_where_to_register_a_foreign_marriage_is_the_commune_now(live):
    reply = ask(live, "Lấy chồng người Nhật thì đăng ký kết hôn ở đâu?")
    assert reply.procedure_id == "dang-ky-ket-hon-co-yeu-to-nuoc-ngoai"
    assert "UBND cấp xã" in reply.text and "huyện" not in first_sentence(reply.text)


@pytest.mark.parametrize("text, procedure_id", [
    ("Đăng ký kết hôn cần giấy tờ gì?", "dang-ky-ket-hon"),
    ("dang ky ket hon o dau", "dang-ky-ket-hon"),
    ("Làm giấy khai sinh cho con cần giấy tờ gì?", "dang-ky-khai-sinh"),
    ("Chưa đăng ký kết hôn thì làm giấy khai sinh cho con thế nào?", "dang-ky-khai-sinh"),
    ("Mất giấy khai sinh thì làm lại thế nào?", "ban-sao-trich-luc-ho-tich"),
    ("xin ban sao giay khai sinh", "ban-sao-trich-luc-ho-tich"),
    ("Sao y bản chính hết bao nhiêu tiền?", "chung-thuc-ban-sao"),
    ("Thẻ căn cước bị sai thông tin thì làm sao?", "cap-doi-the-can-cuoc"),
    ("Nhờ người khác đi làm khai sinh có cần giấy ủy quyền không?", "dang-ky-khai-sinh"),
])
def test_neighbouring_questions_still_go_to_the_neighbours(live, text, procedure_id):
    assert ask(live, text).procedure_id == procedure_id


def test_a_title_transfer_of_land_is_not_taken_for_certifying_a_contract(live):
    reply = ask(live, "Sang tên sổ đỏ cần giấy tờ gì?")
    assert reply.procedure_id != "chung-thuc-hop-dong-giao-dich"


def test_adoption_is_not_taken_for_recognising_a_child(live):
    assert ask(live, "Tôi muốn nhận con riêng của vợ làm con nuôi").procedure_id == "dang-ky-nuoi-con-nuoi-trong-nuoc"
    assert ask(live, "Bố muốn nhận con thì cần giấy tờ gì?").procedure_id == "nhan-cha-me-con"


def test_re_registering_a_birth_is_its_own_procedure(live):
    reply = ask(live, "Đăng ký lại khai sinh cần giấy tờ gì?")
    known = procedure(live, "dang-ky-lai-khai-sinh")
    assert reply.procedure_id == "dang-ky-lai-khai-sinh"
    assert known.documents[0].split(" (")[0] in reply.text


@pytest.mark.parametrize("text, procedure_id", [
    ("Kết hôn ở Hàn Quốc rồi, về Việt Nam ghi chú kết hôn ở đâu?", "ghi-vao-so-ket-hon-o-nuoc-ngoai"),
    ("ghi chu ket hon o dau", "ghi-vao-so-ket-hon-o-nuoc-ngoai"),
    ("Ghi chú ly hôn làm ở đâu?", "ghi-vao-so-ly-hon-o-nuoc-ngoai"),
    ("ly hon o nhat ve viet nam ghi chu ly hon o dau", "ghi-vao-so-ly-hon-o-nuoc-ngoai"),
])
def test_records_of_marriage_and_divorce_abroad_are_at_the_commune(live, text, procedure_id):
    reply = ask(live, text)
    assert reply.procedure_id == procedure_id
    assert "UBND cấp xã" in reply.text


def test_a_divorce_in_court_at_home_is_still_not_covered(live):
    reply = ask(live, "Thủ tục ly hôn thuận tình nộp ở đâu?")
    assert reply.procedure_id not in {"ghi-vao-so-ly-hon-o-nuoc-ngoai", "dang-ky-ket-hon-co-yeu-to-nuoc-ngoai"}


@pytest.mark.parametrize("text, procedure_id", [
    # the domestic procedure is named, the foreign element only told: the variant of its own answers
    ("Chồng sắp cưới của tôi quốc tịch Hàn Quốc, chúng tôi muốn đăng ký kết hôn ở Việt Nam thì cần giấy tờ gì?",
     "dang-ky-ket-hon-co-yeu-to-nuoc-ngoai"),
    ("con toi sinh ra o Nhat Ban, gio ve nuoc muon dang ky khai sinh cho chau thi can giay to gi",
     "dang-ky-khai-sinh-co-yeu-to-nuoc-ngoai"),
    ("Tôi muốn đăng ký kết hôn, cần giấy tờ gì?", "dang-ky-ket-hon"),
    ("ket hon voi nguoi trung quoc can giay to gi", "dang-ky-ket-hon-co-yeu-to-nuoc-ngoai"),
])
def test_a_foreign_element_told_in_the_story_gets_the_procedure_with_a_foreign_element(live, text, procedure_id):
    reply = ask(live, text)
    assert reply.kind == "answer"
    assert reply.procedure_id == procedure_id
    assert procedure(live, procedure_id).name in reply.text


def test_a_foreign_element_no_procedure_covers_is_still_an_honest_dont_know(live):
    reply = ask(live, "Chồng tôi là người Hàn Quốc đã mất, làm giấy chứng tử thế nào?")
    assert reply.kind == "not_covered"
    assert reply.procedure_id is None
    assert "1800" in reply.text.replace(" ", "")


def test_a_question_told_as_hearsay_gets_the_special_case_it_asks_about(live):
    # "tôi nghe nói …, không biết có đúng không" is how the citizen asks, not what about
    reply = ask(live, "Thẻ căn cước của tôi sắp hết hạn, tôi đang đi làm xa nhà. Tôi nghe nói đổi thẻ ở nơi "
                      "tạm trú cũng được, không biết có đúng không?")
    case = next(c for c in procedure(live, "cap-doi-the-can-cuoc").special_cases if "tạm trú" in c.question)
    assert reply.procedure_id == "cap-doi-the-can-cuoc"
    assert first_sentence(case.answer) in reply.text


def test_a_story_that_heard_something_is_not_taken_for_another_procedure(live):
    reply = ask(live, "Bà ngoại muốn đi làm giấy khai sinh cho cháu. Tôi nghe nói ông bà cũng đi đăng ký được, "
                      "không biết có đúng không?")
    assert reply.procedure_id == "dang-ky-khai-sinh"


def test_registering_a_marriage_abroad_offers_both_siblings_and_the_chosen_one_names_the_mission(live):
    reply = ask(live, "Đăng ký kết hôn tại đại sứ quán Việt Nam ở Nhật được không?")
    offered = [b.payload for b in reply.buttons]
    assert reply.kind == "which_procedure"
    assert any("dang-ky-ket-hon-co-yeu-to-nuoc-ngoai" in p for p in offered)
    assert any("ghi-vao-so-ket-hon-o-nuoc-ngoai" in p for p in offered)
    chosen = ask(live, next(p for p in offered if "dang-ky-ket-hon-co-yeu-to-nuoc-ngoai" in p))
    case = next(c for c in procedure(live, "dang-ky-ket-hon-co-yeu-to-nuoc-ngoai").special_cases
                if c.id == "chua-ket-hon-dang-o-nuoc-ngoai")
    assert first_sentence(case.answer) in chosen.text
    assert "Cơ quan đại diện" in chosen.text


@pytest.mark.parametrize("text", ["Tôi muốn nhận đứa cháu gọi tôi bằng cô làm con nuôi thì thủ tục thế nào?",
                                  "toi muon nhan be trai hang xom lam con nuoi duoc khong"])
def test_taking_a_named_child_as_ones_own_is_the_adoption(live, text):
    reply = ask(live, text)
    assert reply.kind == "answer" and reply.procedure_id == "dang-ky-nuoi-con-nuoi-trong-nuoc"


@pytest.mark.parametrize("text", ["Chồng tôi là người Hàn Quốc, xin cấp giấy khai sinh cho con ở đâu?",
                                  "chong toi nguoi han quoc, cap giay khai sinh cho con o dau"])
def test_a_birth_certificate_with_a_foreign_parent_is_the_foreign_birth_registration(live, text):
    reply = ask(live, text)
    assert reply.procedure_id == "dang-ky-khai-sinh-co-yeu-to-nuoc-ngoai"


def test_a_birth_certificate_asked_as_cap_giay_is_the_birth_registration(live):
    reply = ask(live, "cấp giấy khai sinh cho con cần những giấy tờ gì")
    assert reply.procedure_id == "dang-ky-khai-sinh"
    assert procedure(live, "dang-ky-khai-sinh").documents[0] in reply.text
