"""Unit tests of every parser/validator, with the tricky cases of issue 5."""

from __future__ import annotations

import datetime as dt

import pytest

from forms import parsers
from forms.spec import choices

TODAY = dt.date(2026, 11, 24)


# ---------------------------------------------------------------- names

@pytest.mark.parametrize(
    "typed, expected",
    [
        ("nguyễn văn an", "Nguyễn Văn An"),
        ("NGUYỄN VĂN AN", "Nguyễn Văn An"),
        ("  trần   thị bích ngọc ", "Trần Thị Bích Ngọc"),
        ("đặng thùy dương", "Đặng Thùy Dương"),
        ("Nguyễn Văn An.", "Nguyễn Văn An"),
    ],
)
def test_names_are_capitalised(typed, expected):
    assert parsers.parse_name(typed).value == expected
    assert parsers.parse_name(typed).confirm is None


def test_name_without_diacritics_is_not_guessed_but_confirmed():
    parsed = parsers.parse_name("nguyen van an")
    assert parsed.value == "Nguyen Van An"  # capitalised, never "Nguyễn Văn An"
    assert parsed.confirm and "không có dấu" in parsed.confirm and "gõ lại" in parsed.confirm


@pytest.mark.parametrize("typed", ["Nguyễn Văn 2", "an@gmail", "Nguyễn_Văn", "Lê Văn A1"])
def test_names_with_digits_or_symbols_are_rejected(typed):
    parsed = parsers.parse_name(typed)
    assert not parsed.ok and "chữ cái tiếng Việt" in parsed.error


def test_single_word_name_is_rejected():
    assert "họ và tên" in parsers.parse_name("An").error


# ---------------------------------------------------------------- dates

@pytest.mark.parametrize(
    "typed",
    ["12/3/2024", "12-03-2024", "12.3.24", "ngày 12 tháng 3 năm 2024", "12 thang 3 2024", "12 tháng 3, 2024",
     "ngay 12 thang 3 nam 2024", "2024-03-12", "12 / 03 / 2024"],
)
def test_dates_in_the_forms_people_type(typed):
    parsed = parsers.parse_date(typed, TODAY)
    assert parsed.value == "12/03/2024", typed


def test_two_digit_years_pick_the_right_century():
    assert parsers.parse_date("5.6.90", TODAY).value == "05/06/1990"
    assert parsers.parse_date("5.6.24", TODAY).value == "05/06/2024"


@pytest.mark.parametrize(
    "typed, words",
    [
        ("31/2/2024", "không có trên lịch"),
        ("29/2/2023", "không có trên lịch"),
        ("12/13/2024", "Tháng 13 không có"),
        ("1/1/2030", "tương lai"),
        ("25/12/2026", "tương lai"),
        ("1/1/1850", "130 năm"),
        ("hôm qua", "chưa đọc được"),
    ],
)
def test_impossible_future_or_unreadable_birth_dates_are_rejected(typed, words):
    parsed = parsers.parse_date(typed, TODAY)
    assert not parsed.ok and words in parsed.error


def test_leap_day_is_fine():
    assert parsers.parse_date("29/2/2024", TODAY).value == "29/02/2024"


def test_date_or_year():
    assert parsers.parse_date_or_year("1990", TODAY).value == "1990"
    assert parsers.parse_date_or_year("năm 1988", TODAY).value == "1988"
    assert parsers.parse_date_or_year("5/6/1990", TODAY).value == "05/06/1990"
    assert "tương lai" in parsers.parse_date_or_year("2030", TODAY).error
    assert "năm sinh" in parsers.parse_date_or_year("abc", TODAY).error


# ---------------------------------------------------------------- identification numbers

def test_id_number_format():
    assert parsers.parse_id_number("001 090 012 345").value == "001090012345"
    assert "12 chữ số" in parsers.parse_id_number("00109001234").error
    assert "chứng minh nhân dân cũ" in parsers.parse_id_number("123456789").error
    assert "mã tỉnh" in parsers.parse_id_number("003090012345").error
    assert "chữ số" in parsers.parse_id_number("00109001234a").error


@pytest.mark.parametrize(
    "number, year, gender, good",
    [
        ("001090012345", 1990, "Nam", True),   # 0: man, 1900s
        ("001190012345", 1990, "Nữ", True),    # 1: woman, 1900s
        ("079224012345", 2024, "Nam", True),   # 2: man, 2000s
        ("079324012345", 2024, "Nữ", True),    # 3: woman, 2000s
        ("001190012345", 1990, "Nam", False),  # woman's digit for a man
        ("079224012345", 2024, "Nữ", False),
        ("001088012345", 1990, "Nam", False),  # year digits 88 != 90
        ("001290012345", 1990, None, False),   # century digit 2 for 1990
        ("001090012345", 1990, None, True),
    ],
)
def test_id_number_against_birth_year_and_gender(number, year, gender, good):
    parsed = parsers.parse_id_number(number, year, gender)
    assert parsed.ok is good, parsed.error


def test_century_gender_digit():
    assert parsers.century_gender_digit(1999, "Nam") == 0
    assert parsers.century_gender_digit(1999, "Nữ") == 1
    assert parsers.century_gender_digit(2000, "Nam") == 2
    assert parsers.century_gender_digit(2100, "Nữ") == 5


# ---------------------------------------------------------------- phones and e-mail

@pytest.mark.parametrize(
    "typed", ["0912345678", "0912 345 678", "0912.345.678", "+84912345678", "+84 912 345 678", "84912345678", "(+84) 912-345-678"]
)
def test_phone_forms(typed):
    assert parsers.parse_phone(typed).value == "0912345678"


@pytest.mark.parametrize("typed", ["0321234567", "0868123456", "0707123456", "0592123456"])
def test_valid_mobile_prefixes(typed):
    assert parsers.parse_phone(typed).ok


@pytest.mark.parametrize(
    "typed, words",
    [("0112345678", "đầu số"), ("0243826888", "đầu số"), ("091234567", "10 chữ số"), ("09123456789", "10 chữ số"), ("09l2345678", "chữ số")],
)
def test_invalid_phones(typed, words):
    parsed = parsers.parse_phone(typed)
    assert not parsed.ok and words in parsed.error


def test_email():
    assert parsers.parse_email("Ten.Ho@Gmail.com").value == "ten.ho@gmail.com"
    assert not parsers.parse_email("ten@gmail").ok


# ---------------------------------------------------------------- addresses

def test_old_three_level_address_is_converted_and_must_be_confirmed():
    parsed = parsers.parse_address("Số 12 Nguyễn Huệ, phường Bến Nghé, quận 1, TP Hồ Chí Minh")
    assert parsed.value == "Số 12 Nguyễn Huệ, Phường Sài Gòn, Thành phố Hồ Chí Minh"
    assert parsed.confirm and "Phường Sài Gòn" in parsed.confirm and "đúng" in parsed.confirm


def test_abbreviated_old_address_is_converted():
    parsed = parsers.parse_address("123 Lê Lợi, P. Bến Thành, Q.1, TP.HCM")
    assert parsed.confirm and parsed.value.endswith("Thành phố Hồ Chí Minh")
    assert "quận" not in parsed.value.lower()


def test_address_without_diacritics_is_converted():
    parsed = parsers.parse_address("thon 3, xa Hoa Binh, huyen Kim Boi, tinh Hoa Binh")
    assert parsed.confirm and "Tỉnh Phú Thọ" in parsed.value


def test_split_ward_is_flagged():
    parsed = parsers.parse_address("12 Tran Hung Dao, phuong Cua Nam, quan Hoan Kiem, Ha Noi")
    assert parsed.confirm and "chia" in parsed.confirm


def test_new_two_level_address_is_kept_as_typed():
    parsed = parsers.parse_address("Thôn 3, xã Hòa Bình, tỉnh Phú Thọ")
    assert parsed.ok and parsed.confirm is None and parsed.value == "Thôn 3, xã Hòa Bình, tỉnh Phú Thọ"


@pytest.mark.parametrize("typed", ["abc def ghi", "ở nhà", "Hà Nội"])
def test_unusable_addresses(typed):
    assert not parsers.parse_address(typed).ok


# ---------------------------------------------------------------- choices and free text

@pytest.mark.parametrize(
    "key, typed, expected",
    [
        ("gender", "nam", "Nam"), ("gender", "Nữ", "Nữ"), ("gender", "nu", "Nữ"), ("gender", "bé gái", "Nữ"),
        ("gender", "con trai", "Nam"),
        ("ethnicity", "kinh", "Kinh"), ("ethnicity", "dân tộc Tày", "Tày"), ("ethnicity", "hmong", "Mông"),
        ("ethnicity", "Ê-đê", "Ê Đê"), ("ethnicity", "ede", "Ê Đê"), ("ethnicity", "khơ me", "Khmer"),
        ("nationality", "VN", "Việt Nam"), ("nationality", "viet nam", "Việt Nam"), ("nationality", "Mỹ", "Hoa Kỳ"),
        ("relationship_child", "tôi là bố cháu", "Cha"), ("relationship_child", "me", "Mẹ"),
        ("relationship_child", "bà ngoại", "Bà"),
        ("relationship_person", "cho tôi", "Bản thân"), ("relationship_person", "chinh toi", "Bản thân"),
        ("relationship_head", "thuê trọ", "Người thuê nhà"), ("relationship_head", "con gai", "Con"),
        ("marital_status", "độc thân", "Chưa kết hôn"), ("marital_status", "da ly hon", "Đã ly hôn"),
        ("marital_status", "đã có chồng", "Đang có vợ/chồng"),
        ("residence_request", "đăng ký tạm trú", "Đăng ký tạm trú"), ("residence_request", "nhap ho khau", "Đăng ký thường trú"),
        ("residence_request", "xoa tam tru", "Xóa đăng ký tạm trú"),
    ],
)
def test_choices_from_free_text_and_abbreviations(key, typed, expected):
    assert parsers.parse_choice(typed, choices()[key], key).value == expected


def test_every_one_of_the_54_ethnic_groups_is_listed():
    assert len(choices()["ethnicity"]) == 54


def test_unknown_choice_lists_the_options():
    parsed = parsers.parse_choice("xyz", choices()["gender"], "giới tính")
    assert not parsed.ok and "Nam" in parsed.error


@pytest.mark.parametrize("typed", ["không có", "Chưa có", "khong co", "bỏ qua"])
def test_none_answers(typed):
    assert parsers.is_none_answer(typed)


def test_text_and_agency():
    assert parsers.parse_text("để đăng ký kết hôn").value == "Để đăng ký kết hôn"
    assert not parsers.parse_text("x").ok
    assert parsers.parse_agency("công an phường Sài Gòn").value == "Công an phường Sài Gòn"


@pytest.mark.parametrize(
    "value, words",
    [
        ("12/03/2024", "Ngày mười hai, tháng ba, năm hai nghìn không trăm hai mươi bốn"),
        ("21/04/1990", "Ngày hai mươi mốt, tháng tư, năm một nghìn chín trăm chín mươi"),
        ("05/10/2005", "Ngày năm, tháng mười, năm hai nghìn không trăm linh năm"),
        ("15/12/2015", "Ngày mười lăm, tháng mười hai, năm hai nghìn không trăm mười lăm"),
        ("31/01/2000", "Ngày ba mươi mốt, tháng một, năm hai nghìn"),
        ("25/11/2025", "Ngày hai mươi lăm, tháng mười một, năm hai nghìn không trăm hai mươi lăm"),
        ("1990", ""),
    ],
)
def test_dates_in_words(value, words):
    from forms.words import date_in_words

    assert date_in_words(value) == words
