from bot.knowledge.matcher import ProcedureMatcher
from tests.knowledge.factories import procedure

MATCHER = ProcedureMatcher(
    [
        procedure("cap-doi-gplx", "Cấp đổi giấy phép lái xe", ["đổi bằng lái xe", "đổi gplx", "bằng lái xe"]),
        procedure("cap-lai-gplx", "Cấp lại giấy phép lái xe", ["mất bằng lái xe", "làm lại bằng lái xe", "bằng lái xe"]),
        procedure("cap-lai-can-cuoc", "Cấp lại thẻ căn cước", ["làm lại căn cước", "mất căn cước", "mất cccd"]),
        procedure("dang-ky-xe", "Đăng ký xe", ["đăng ký xe máy", "đăng ký ô tô", "làm cà vẹt xe"]),
        procedure("dang-ky-khai-sinh", "Đăng ký khai sinh", ["làm giấy khai sinh", "khai sinh cho con"]),
        procedure("dang-ky-khai-tu", "Đăng ký khai tử", ["làm giấy chứng tử", "khai tử"]),
        procedure("dang-ky-bien-dong", "Đăng ký biến động đất đai", ["đăng ký biến động", "sang tên sổ đỏ"]),
    ]
)


def test_with_and_without_diacritics_and_abbreviations():
    for text in ["Làm lại căn cước bị mất cần giấy tờ gì?", "lam lai can cuoc bi mat can giay to gi",
                 "mat cccd lam lai o dau", "MẤT CĂN CƯỚC thì làm sao"]:
        assert MATCHER.match(text).best == "cap-lai-can-cuoc", text


def test_most_specific_alias_wins():
    assert MATCHER.match("doi bang lai xe het bao nhieu tien").best == "cap-doi-gplx"
    assert MATCHER.match("Lệ phí cấp đổi giấy phép lái xe bao nhiêu?").best == "cap-doi-gplx"
    assert MATCHER.match("bị mất bằng lái xe thì làm sao").best == "cap-lai-gplx"


def test_generic_term_shared_by_two_procedures_is_ambiguous():
    result = MATCHER.match("bằng lái xe hết bao nhiêu")
    assert result.best is None and result.ambiguous
    assert set(result.tied) == {"cap-doi-gplx", "cap-lai-gplx"}


def test_one_typo_in_a_long_syllable_is_tolerated():
    assert MATCHER.match("lam lai can cuco").best == "cap-lai-can-cuoc"
    assert MATCHER.match("dang ky khai sinhh cho be").best == "dang-ky-khai-sinh"


def test_a_typo_after_a_gap_does_not_make_a_name_of_unrelated_words():
    # "biết" is one typo from "biến" and "đúng" from "động", each two words further on
    heard = "ông bà cũng đi đăng ký được, không biết có đúng không?"
    assert "dang-ky-bien-dong" not in {c.procedure_id for c in MATCHER.match(heard).candidates}
    assert MATCHER.match("dang ky bien dnog dat dai can giay gi").best == "dang-ky-bien-dong"


def test_unrelated_or_too_vague_text_matches_nothing():
    assert MATCHER.match("thời tiết hôm nay thế nào").candidates == []
    assert MATCHER.match("xe").candidates == []
    assert MATCHER.match("").candidates == []


def test_partial_mentions_become_suggestions_not_answers():
    result = MATCHER.match("thủ tục giấy phép lái")
    assert result.best is None
    assert {s.procedure_id for s in result.suggestions} >= {"cap-doi-gplx", "cap-lai-gplx"}


def test_a_missing_last_syllable_never_picks_a_sibling_procedure():
    assert MATCHER.match("đăng ký khai sinh cho con mất mấy ngày").best == "dang-ky-khai-sinh"
    assert MATCHER.match("đăng ký khai mất mấy ngày").best is None


def test_a_long_alias_may_miss_one_inner_syllable():
    assert MATCHER.match("cấp lại thẻ cước bị mất").best == "cap-lai-can-cuoc"


# --- synonyms (knowledge/lexicon/synonyms.yml) ------------------------------------------------------

from bot.knowledge.model import Synonym  # noqa: E402

WITH_SYNONYMS = ProcedureMatcher(
    [
        procedure("cap-lai-can-cuoc", "Cấp lại thẻ căn cước", ["mất thẻ căn cước", "làm lại thẻ căn cước"]),
        procedure("dang-ky-thuong-tru", "Đăng ký thường trú", ["đăng ký thường trú", "làm thường trú"]),
        procedure("cap-gcn", "Cấp giấy chứng nhận quyền sử dụng đất lần đầu", ["làm sổ đỏ", "cấp sổ đỏ lần đầu"]),
        procedure("cap-doi-gplx", "Cấp đổi giấy phép lái xe", ["đổi giấy phép lái xe", "đổi bằng lái"]),
    ],
    [
        Synonym(means="thẻ căn cước", said=["chứng minh thư", "chứng minh nhân dân", "thẻ căn cước công dân"]),
        Synonym(means="đăng ký thường trú", said=["nhập hộ khẩu"]),
        Synonym(means="giấy chứng nhận quyền sử dụng đất", said=["sổ đỏ", "sổ hồng"]),
        Synonym(means="giấy phép lái xe", said=["bằng lái xe", "bằng lái"]),
    ],
)


def test_an_old_name_meets_the_alias_written_with_the_new_one():
    assert WITH_SYNONYMS.match("hôm qua tôi làm mất chứng minh thư ở chợ").best == "cap-lai-can-cuoc"
    assert WITH_SYNONYMS.match("mat cmnd").best == "cap-lai-can-cuoc"  # cmnd -> chứng minh nhân dân -> thẻ căn cước
    assert WITH_SYNONYMS.match("muốn nhập hộ khẩu cho con").best == "dang-ky-thuong-tru"


def test_an_alias_written_with_the_old_name_meets_the_new_one():
    assert WITH_SYNONYMS.match("cấp giấy chứng nhận quyền sử dụng đất lần đầu cần gì").best == "cap-gcn"
    assert WITH_SYNONYMS.match("làm sổ hồng ở đâu").best == "cap-gcn"


def test_a_name_already_in_its_modern_form_is_not_doubled():
    assert WITH_SYNONYMS.words("đổi giấy phép lái xe") == ["doi", "giay", "phep", "lai", "xe"]
    assert WITH_SYNONYMS.words("đổi bằng lái xe") == ["doi", "giay", "phep", "lai", "xe"]


def test_an_old_name_that_begins_with_the_new_one_is_rewritten_whole():
    # "thẻ căn cước công dân" is today's "thẻ căn cước": nothing of the old name is left behind
    assert WITH_SYNONYMS.words("thẻ căn cước công dân, bằng lái") == ["the", "can", "cuoc", "giay", "phep", "lai", "xe"]


def test_a_short_old_name_made_long_does_not_outweigh_another_procedure_named_in_full():
    result = WITH_SYNONYMS.match("chưa có sổ đỏ thì có đăng ký thường trú được không")
    assert result.candidates[0].procedure_id == "dang-ky-thuong-tru"
