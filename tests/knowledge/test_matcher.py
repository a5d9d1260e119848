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
