import pytest

from bot.answering.types import Asked
from bot.answering.understand import understand
from tests.answering.understand_fixtures import MATCHER


def asked(text, intent=None):
    return [a.value for a in understand(text, MATCHER, intent=intent).asked]


def test_every_aspect_is_found_in_the_order_asked():
    assert asked("Đăng ký kết hôn nộp ở đâu, cần giấy tờ gì và bao lâu thì có?") == ["authority", "documents", "deadline"]


def test_without_diacritics_and_with_abbreviations():
    assert asked("dang ky tam tru het bao nhieu tien, lam online dc ko") == ["fee", "online"]


@pytest.mark.parametrize("text", [
    "Theo quy định pháp luật hiện hành thì đăng ký thường trú gồm những bước nào?",
    "Pháp luật quy định trình tự đăng ký khai tử ra sao?",
])
def test_words_about_the_law_in_general_do_not_ask_for_the_legal_basis(text):
    assert asked(text) == ["steps"]


def test_the_legal_basis_when_the_law_itself_is_asked():
    assert asked("Văn bản nào quy định lệ phí đăng ký tạm trú?") == ["legal_basis", "fee"]
    assert asked("đăng ký khai sinh căn cứ nghị định nào") == ["legal_basis"]


def test_a_yes_no_question_asks_about_a_condition_never_a_status():
    assert asked("Con tôi 10 tuổi có làm căn cước được không?") == ["minor", "conditions"]
    assert asked("Tôi nhờ chị gái đi nộp hồ sơ thay được không?") == ["delegation"]
    assert asked("Đăng ký tạm trú qua VNeID được không?") == ["online"]


def test_mat_as_time_is_the_deadline_and_as_loss_is_the_lost_case():
    assert asked("Đổi căn cước mất bao lâu?") == ["deadline"]
    assert asked("Đổi căn cước mất bao nhiêu tiền?") == ["fee"]
    assert asked("Tôi làm mất giấy khai sinh bản chính thì phải làm sao?") == ["lost", "steps"]


def test_validity_and_obligation_are_not_taken_for_the_deadline():
    assert asked("Giấy xác nhận tình trạng hôn nhân có giá trị bao lâu?") == ["validity"]
    assert asked("Sinh con bao lâu phải đi đăng ký khai sinh?") == ["obligation"]


def test_the_intent_is_the_fallback_when_no_aspect_is_said():
    assert asked("đăng ký khai tử", intent="ask_fee") == ["fee"]
    assert asked("đăng ký khai tử") == []
    assert understand("đăng ký khai tử", MATCHER, intent="check_status").asked == ()


def test_a_penalty_question_is_not_a_fee_question():
    assert asked("Khai sinh quá hạn thì bị phạt bao nhiêu tiền?") == ["late", "penalty"]
    assert Asked.fee not in understand("Khai sinh quá hạn thì bị phạt bao nhiêu tiền?", MATCHER).asked


def test_the_loss_is_not_an_extra_aspect_when_the_procedure_is_the_reissue_for_a_loss():
    found = understand("Tôi bị mất thẻ căn cước, làm lại cần giấy tờ gì?", MATCHER)
    assert found.resolution.procedure_id == "cap-lai-the-can-cuoc"
    assert [a.value for a in found.asked] == ["documents"]


def test_a_procedure_question_asks_for_documents_and_how_for_steps_too():
    assert asked("Đăng ký tạm trú cần những thủ tục gì?") == ["documents"]
    assert asked("Thủ tục đăng ký tạm trú như thế nào?") == ["documents", "steps"]
    assert asked("Tôi muốn đăng ký tạm trú cho cả nhà thì làm thế nào?") == ["steps"]


def test_a_yes_no_question_about_a_lost_document_asks_the_lost_case_itself():
    assert asked("Làm mất giấy khai sinh bản chính thì có xin lại được không?") == ["lost"]


def test_the_surname_is_not_someone_collecting_for_you():
    # folded, "lấy họ" (the surname) and "lấy hộ" (collect on someone's behalf) are the same syllables
    assert "delegation" not in asked("Tôi muốn lấy họ của mình để đặt tên cho con có được không?")
    assert "delegation" in asked("Tôi nhờ em gái lấy hộ giấy khai sinh được không?")


def test_what_will_become_of_something_is_not_a_question_about_the_steps():
    assert "steps" not in asked("Đổi thẻ căn cước thì giấy tờ ghi số CMND cũ sẽ như thế nào?")
    assert asked("Đổi thẻ căn cước như thế nào?") == ["steps"]


def test_who_the_citizen_is_is_the_story_not_a_question_about_the_fee():
    assert "exemption" not in asked("Tôi là người khuyết tật, muốn đăng ký thường trú ở nhà con gái thì cần giấy gì?")
    assert "exemption" in asked("Người khuyết tật có phải nộp lệ phí làm căn cước không?")


def test_somewhere_in_the_story_is_not_where_to_apply():
    assert "authority" not in asked("Tôi định làm hộ chiếu để sau này đi đâu đó du lịch, hồ sơ gồm những gì?")


def test_the_longest_term_and_what_happens_if_not_done():
    assert "validity" in asked("Tạm trú được dài nhất là bao lâu?")
    assert "penalty" in asked("Mất hộ chiếu mà không báo thì có bị sao không?")


def test_checking_what_one_heard_asks_whether_it_holds_not_who_does_it():
    # "thuộc nhóm đối tượng phải đổi" tells the case; "… có đúng không?" asks whether it is so
    said = asked("Tôi 25 tuổi, thuộc nhóm đối tượng phải đổi căn cước năm nay, có đúng không?")
    assert "subjects" not in said and "conditions" in said
    assert asked("Những đối tượng nào được miễn lệ phí?")[:1] == ["subjects"]


def test_whether_a_paper_must_be_brought_is_the_documents_not_an_obligation():
    assert asked("Mất căn cước thì có phải xin giấy xác nhận mất ở công an không?") == ["documents"]
    # whether to apply at all stays the obligation
    building = asked("Nhà 2 tầng có cần xin giấy phép xây dựng không?")
    assert "obligation" in building and "documents" not in building


def test_whether_this_person_may_do_it_asks_who_does_it():
    assert "subjects" in asked("Tôi là cháu ngoại thì có được đi khai tử cho bà không?")


def test_where_the_citizen_stays_now_asks_where_to_apply():
    assert "authority" in asked("Đang tạm trú ở địa phương khác thì làm căn cước ở đây luôn được không?")
