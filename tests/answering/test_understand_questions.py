from bot.answering.understand import understand
from bot.answering.understand.questions import split
from tests.answering.understand_fixtures import MATCHER


def test_the_question_is_found_after_a_long_story():
    text = ("Chào anh chị. Năm ngoái tôi chuyển từ Nghệ An vào Bình Dương làm công nhân, ở trọ cùng em gái. "
            "Tháng trước chủ nhà bảo tôi phải khai báo với công an. Vậy đăng ký tạm trú thì cần mang theo giấy tờ gì ạ")
    assert split(text) == ("Vậy đăng ký tạm trú thì cần mang theo giấy tờ gì ạ",)


def test_several_questions_in_one_sentence_are_each_kept():
    assert split("Làm giấy khai sinh cho bé cần giấy gì, nộp ở đâu, mấy ngày thì xong?") == (
        "Làm giấy khai sinh cho bé cần giấy gì", "nộp ở đâu", "mấy ngày thì xong?")


def test_a_message_without_a_question_mark_or_word_is_its_own_question():
    assert split("mat cccd") == ("mat cccd",)
    assert split("") == ()


def test_codes_and_abbreviations_with_full_stops_are_not_cut():
    assert split("Hồ sơ mã 1.001193 ở TP.HCM nộp ở đâu?") == ("Hồ sơ mã 1.001193 ở TP.HCM nộp ở đâu?",)


def test_words_of_the_story_do_not_become_aspects():
    text = "Tôi đã nộp hồ sơ ở phường và đóng lệ phí rồi. Cho hỏi bao lâu thì có kết quả?"
    assert [a.value for a in understand(text, MATCHER).asked] == ["deadline"]


def test_a_story_around_the_question_is_the_citizens_own_case_a_bare_question_is_not():
    story = ("Chào anh chị. Năm ngoái tôi chuyển từ Nghệ An vào Bình Dương làm công nhân, ở trọ cùng em gái. "
             "Tháng trước chủ nhà bảo tôi phải khai báo với công an. Vậy đăng ký tạm trú thì cần mang theo giấy tờ gì ạ")
    assert understand(story, MATCHER).situation
    assert not understand("Đăng ký tạm trú cần mang theo giấy tờ gì ạ?", MATCHER).situation


def test_a_question_about_what_was_just_said_keeps_the_sentence_that_says_it():
    text = "Tôi nghe nói đủ 40 tuổi phải đổi thẻ căn cước. Thông tin này có chính xác không?"
    assert split(text) == ("Tôi nghe nói đủ 40 tuổi phải đổi thẻ căn cước. Thông tin này có chính xác không?",)
    # a question that says what it asks stands alone
    assert split("Tôi ở Hà Nội. Làm căn cước ở đâu thì đúng, có đúng không?") == (
        "Làm căn cước ở đâu thì đúng, có đúng không?",)
