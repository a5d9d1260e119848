"""The reusable text helpers: GSM-7 conversion, SMS parts, message splitting, options, keywords."""

from __future__ import annotations

import json

import pytest

from channels.formatting import keyword_message, sms_with_options
from core.message_text import (
    gsm7_length, is_gsm7, numbered_options, option_choice, sms_parts, split_message, strip_diacritics, to_gsm7,
)

LONG_VI = (
    "Hồ sơ đăng ký khai sinh gồm: Tờ khai đăng ký khai sinh theo mẫu; Giấy chứng sinh do cơ sở y tế cấp. "
    "Lệ phí: miễn phí nếu đăng ký đúng hạn. Thời hạn giải quyết: ngay trong ngày làm việc. "
    "Nơi nộp: UBND cấp xã nơi cư trú của cha hoặc mẹ. Bạn có thể nộp trực tuyến tại “dichvucong.gov.vn” — nhanh hơn 😀."
)


def test_strip_diacritics_keeps_case_and_handles_d():
    assert strip_diacritics("Đăng ký KHAI SINH, đổi bằng lái") == "Dang ky KHAI SINH, doi bang lai"
    assert strip_diacritics("Ướt ượt Ữ ỹ") == "Uot uot U y"


def test_to_gsm7_is_plain_and_readable():
    text = to_gsm7(LONG_VI)
    assert is_gsm7(text)
    assert text.isascii()
    assert 'tai "dichvucong.gov.vn" - nhanh hon.' in text
    assert "😀" not in text and "  " not in text


def test_gsm7_length_counts_extension_twice():
    assert gsm7_length("a{b}") == 6
    assert gsm7_length("€") == 2


def test_short_sms_is_one_part_without_marker():
    assert sms_parts("Xin chào bạn") == ["Xin chao ban"]


def test_long_sms_split_with_markers_within_160():
    parts = sms_parts(LONG_VI)
    assert 2 <= len(parts) <= 3
    for index, part in enumerate(parts, 1):
        assert part.startswith(f"({index}/{len(parts)}) ")
        assert gsm7_length(part) <= 160 and is_gsm7(part)
    # nothing lost: the parts, markers removed, give back the text
    joined = " ".join(p.split(") ", 1)[1] for p in parts)
    assert joined.split() == to_gsm7(LONG_VI).split()


def test_too_long_sms_is_cut_at_three_parts_with_ellipsis():
    parts = sms_parts(LONG_VI * 4)
    assert len(parts) == 3
    assert parts[-1].endswith("...")
    assert all(gsm7_length(p) <= 160 for p in parts)
    assert parts[0].startswith("(1/3) ")


def test_sms_with_options_keeps_the_options_whole():
    buttons = [{"title": "Đăng ký khai sinh", "payload": "/a"}, {"title": "Đăng ký kết hôn", "payload": "/b"}]
    parts = sms_with_options(LONG_VI * 4, buttons)
    assert len(parts) <= 3 and all(gsm7_length(p) <= 160 for p in parts)
    whole = "\n".join(parts)
    assert "1. Dang ky khai sinh" in whole and "2. Dang ky ket hon" in whole
    assert "Tra loi bang mot so tu 1 den 2 de chon." in whole


def test_split_message_prefers_paragraphs_then_sentences():
    paragraph = "Câu một dài vừa phải. " * 30
    text = "\n\n".join([paragraph.strip()] * 10)
    parts = split_message(text, 1000)
    assert all(len(p) <= 1000 for p in parts)
    assert all(p.endswith(".") for p in parts)
    assert "".join(parts).replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(" ", "")


def test_split_message_hard_cuts_a_single_huge_word():
    parts = split_message("x" * 9000, 4096)
    assert [len(p) for p in parts] == [4096, 4096, 808]


def test_split_message_short_text_untouched():
    assert split_message("  ngắn  ", 4096) == ["ngắn"]
    assert split_message("", 4096) == []


def test_numbered_options_and_choice():
    buttons = [{"title": "Làm lại căn cước", "payload": "/x"}, {"title": "Đổi GPLX", "payload": "/y"}]
    assert numbered_options(buttons) == "1. Làm lại căn cước\n2. Đổi GPLX"
    assert numbered_options(buttons, plain=True) == "1. Lam lai can cuoc\n2. Doi GPLX"
    assert numbered_options([{"title": "Đăng ký kết hôn (trong nước)", "payload": "/z"}], plain=True) == "1. Dang ky ket hon"
    assert option_choice("2", ["/x", "/y"]) == "/y"
    assert option_choice(" 1. ", ["/x", "/y"]) == "/x"
    assert option_choice("3", ["/x", "/y"]) is None
    assert option_choice("12 giờ", ["/x", "/y"]) is None
    assert option_choice("1", []) is None


@pytest.mark.parametrize("text", ["TRACUU ABC-123", "tracuu abc-123", "Tra cứu ABC-123", "TRA CUU: abc-123", " tRaCuU   ABC-123 "])
def test_tracuu_keyword_any_case_and_diacritics(text):
    message = keyword_message(text)
    assert message.startswith("/check_status")
    assert json.loads(message[len("/check_status"):]) == {"application_code": "ABC-123"}


@pytest.mark.parametrize("text,expected", [
    ("HD", "/greet"), ("hd", "/greet"), ("Trợ giúp", "/greet"), ("HUY", "/unsubscribe"), ("hủy", "/unsubscribe"),
    ("Huỷ", "/unsubscribe"), ("TRACUU", "/check_status"), ("hd thủ tục khai sinh", None), ("làm căn cước", None),
    ('TRACUU x"}{', None),
])
def test_other_keywords(text, expected):
    assert keyword_message(text) == expected


def test_tracuu_code_cannot_inject_json():
    assert keyword_message('TRACUU A1"}, "x": "y') is None
