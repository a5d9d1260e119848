from bot.text import expand_abbreviations, fold, normalize, search_key, syllables


def test_normalize_puts_tone_marks_in_place_and_keeps_codes():
    assert normalize("Ðảm baỏ chất lựơng hoá học") == "Đảm bảo chất lượng hóa học"
    assert normalize("tra cứu hồ sơ H56.22-250315-0001  nhé") == "tra cứu hồ sơ H56.22-250315-0001 nhé"


def test_normalize_composes_decomposed_unicode():
    decomposed = "Le\u0302\u0323 phi\u0301"  # "Lệ phí" typed as base letters + combining marks
    assert normalize(decomposed) == "Lệ phí"


def test_fold_removes_diacritics_and_d_stroke():
    assert fold("Đăng ký Khai Sinh") == "dang ky khai sinh"


def test_abbreviations_expand_as_whole_words_only():
    assert expand_abbreviations("mat cccd ko biet lam sao") == "mat căn cước công dân không biet lam sao"
    assert expand_abbreviations("đổi GPLX hết bn") == "đổi giấy phép lái xe hết bao nhiêu"
    # "k" inside "135k" or "kết" is not an abbreviation
    assert expand_abbreviations("phí 135k kết hôn") == "phí 135k kết hôn"


def test_search_key_meets_text_with_and_without_diacritics():
    assert search_key("Làm lại căn cước") == search_key("lam lai can cuoc")
    assert search_key("đổi gplx") == "doi giay phep lai xe"
    assert syllables("Giấy tờ gì?") == ["giay", "to", "gi"]


def test_bn_means_bao_nhieu_or_ban_by_its_neighbours():
    assert expand_abbreviations("đổi gplx hết bn") == "đổi giấy phép lái xe hết bao nhiêu"
    assert expand_abbreviations("bn tiền vậy") == "bao nhiêu tiền vậy"
    assert expand_abbreviations("chào bn nha") == "chào bạn nha"
    assert expand_abbreviations("bn là bot à") == "bạn là bot à"
