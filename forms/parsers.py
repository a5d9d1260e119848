"""Parsers and validators for the values citizens type into a declaration.

Every parser takes the citizen's text and returns a :class:`Parsed`: either a clean value, or a
specific, friendly Vietnamese message saying what is wrong and how to type it. Some values are
accepted only after the citizen confirms them (``confirm``): a name typed without diacritics, an
old address converted to the units in force since 1/7/2025.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Dict, Optional, Sequence, Tuple

from bot.text import fold, normalize


@dataclass
class Parsed:
    value: Optional[str] = None
    error: Optional[str] = None
    # set when the value must be confirmed by the citizen before it is kept
    confirm: Optional[str] = None
    extra: Dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.value is not None and self.error is None


def ok(value: str, **extra: str) -> Parsed:
    return Parsed(value=value, extra=dict(extra))


def fail(message: str) -> Parsed:
    return Parsed(error=message)


NONE_WORDS = {"khong co", "chua co", "khong", "khong biet", "khong ro", "bo qua", "chua", "khong co a", "chua co a"}


def is_none_answer(text: str) -> bool:
    """"không có", "chưa có", "bỏ qua": the citizen has no value for an optional field."""
    key = " ".join(re.findall(r"[a-z0-9]+", fold(text)))
    return key in NONE_WORDS


def _strip(text: str) -> str:
    return normalize(text).strip(" \t.,;:-–\"'“”")


# ---------------------------------------------------------------- names

_VI_LETTERS = set("abcdefghijklmnopqrstuvwxyz")


def _is_vietnamese_letter(ch: str) -> bool:
    base = fold(ch)
    return len(base) == 1 and base in _VI_LETTERS


def capitalize_word(word: str) -> str:
    return word[:1].upper() + word[1:].lower()


def has_diacritics(text: str) -> bool:
    return fold(text) != text.lower()


def parse_name(text: str) -> Parsed:
    """A full Vietnamese name: letters only, at least two words, each word capitalised.

    Names typed without any diacritics are not guessed: the citizen must confirm or retype them.
    """
    raw = _strip(text)
    if not raw:
        return fail("Mình chưa thấy họ tên. Bạn nhập đầy đủ họ, chữ đệm và tên, ví dụ: Nguyễn Văn An.")
    words = raw.split()
    bad = sorted({ch for ch in raw if not (ch == " " or _is_vietnamese_letter(ch))})
    if bad:
        shown = " ".join(f"“{ch}”" for ch in bad[:5])
        return fail(
            f"Họ tên chỉ gồm chữ cái tiếng Việt, không có số hay ký hiệu (bạn đã nhập {shown}). "
            "Bạn nhập lại họ tên, ví dụ: Nguyễn Văn An."
        )
    if len(words) < 2:
        return fail("Bạn nhập đầy đủ cả họ và tên (ít nhất hai chữ), ví dụ: Nguyễn Văn An.")
    if len(words) > 8 or any(len(fold(w)) > 7 for w in words):
        return fail("Họ tên này có vẻ chưa đúng (chữ quá dài hoặc quá nhiều chữ). Bạn kiểm tra và nhập lại giúp mình.")
    value = " ".join(capitalize_word(w) for w in words)
    if not has_diacritics(raw):
        return Parsed(
            value=value,
            confirm=(
                f"Bạn vừa nhập “{value}” không có dấu. Mình không tự đoán dấu để tránh ghi sai tên. "
                "Bạn gõ lại họ tên có dấu (ví dụ: Nguyễn Văn An), hoặc trả lời “đúng” nếu tên thật sự không có dấu."
            ),
        )
    return ok(value)


# ---------------------------------------------------------------- dates

_DATE_NUMERIC = re.compile(r"^(\d{1,2})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{2}|\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DATE_WORDS = re.compile(r"^(?:ngay\s*)?(\d{1,2})\s*(?:thang|/|-|\.|\s)\s*(\d{1,2})\s*(?:nam|/|-|\.|,|\s)\s*(\d{2}|\d{4})$")


def _year(two_or_four: str, today: dt.date) -> int:
    year = int(two_or_four)
    if len(two_or_four) == 2:
        year += 2000 if year <= today.year % 100 else 1900
    return year


def parse_date(text: str, today: Optional[dt.date] = None, birth: bool = True) -> Parsed:
    """A date as people type it: 12/3/2024, 12-03-2024, 12.3.24, "ngày 12 tháng 3 năm 2024",
    "12 thang 3 2024". Birth dates cannot be in the future nor more than 130 years ago."""
    today = today or dt.date.today()
    raw = _strip(text)
    key = re.sub(r"\s+", " ", fold(raw)).strip()
    key = re.sub(r"\s*,\s*", " ", key)
    match = _DATE_NUMERIC.match(key)
    if match:
        day, month, year = match.group(1), match.group(3), match.group(4)
    elif _DATE_ISO.match(key):
        year, month, day = _DATE_ISO.match(key).groups()
    elif _DATE_WORDS.match(key):
        day, month, year = _DATE_WORDS.match(key).groups()
    else:
        return fail(
            "Mình chưa đọc được ngày này. Bạn nhập theo dạng ngày/tháng/năm, ví dụ: 12/3/2024 "
            "hoặc “ngày 12 tháng 3 năm 2024”."
        )
    d, m, y = int(day), int(month), _year(year, today)
    if not 1 <= m <= 12:
        return fail(f"Tháng {m} không có (tháng chỉ từ 1 đến 12). Bạn nhập lại ngày theo dạng ngày/tháng/năm, ví dụ: 12/3/2024.")
    try:
        value = dt.date(y, m, d)
    except ValueError:
        return fail(f"Ngày {d}/{m}/{y} không có trên lịch (tháng {m} năm {y} không có ngày {d}). Bạn kiểm tra và nhập lại giúp mình.")
    if birth and value > today:
        return fail(f"Ngày sinh {value:%d/%m/%Y} nằm ở tương lai. Bạn kiểm tra lại năm sinh giúp mình.")
    if birth and value.year < today.year - 130:
        return fail(f"Năm sinh {value.year} có vẻ chưa đúng (hơn 130 năm trước). Bạn kiểm tra và nhập lại giúp mình.")
    return ok(value.strftime("%d/%m/%Y"), year=str(value.year))


def parse_date_or_year(text: str, today: Optional[dt.date] = None) -> Parsed:
    """A full birth date, or only the year of birth (the birth registration form asks the parents'
    year of birth; a full date is kept when given)."""
    today = today or dt.date.today()
    key = fold(_strip(text))
    match = re.fullmatch(r"(?:nam\s*)?(\d{4})", key)
    if match:
        year = int(match.group(1))
        if year > today.year:
            return fail(f"Năm sinh {year} nằm ở tương lai. Bạn kiểm tra lại giúp mình.")
        if year < today.year - 130:
            return fail(f"Năm sinh {year} có vẻ chưa đúng (hơn 130 năm trước). Bạn kiểm tra và nhập lại giúp mình.")
        return ok(str(year), year=str(year))
    parsed = parse_date(text, today)
    if parsed.error and "chưa đọc được" in parsed.error:
        return fail("Mình chưa đọc được năm sinh. Bạn nhập năm sinh (ví dụ: 1990) hoặc ngày sinh đầy đủ (ví dụ: 5/6/1990).")
    return parsed


def birth_year(value: Optional[str]) -> Optional[int]:
    """The year of a stored date ("05/06/1990") or year ("1990")."""
    if not value:
        return None
    match = re.search(r"(\d{4})$", value)
    return int(match.group(1)) if match else None


# ---------------------------------------------------------------- identification numbers

# Place codes of the 12-digit personal identification number (Thông tư 59/2021/TT-BCA, Phụ lục):
# the 63 provinces as they were when the numbers were issued.
PLACE_CODES = {
    "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019", "020", "022",
    "024", "025", "026", "027", "030", "031", "033", "034", "035", "036", "037", "038", "040", "042",
    "044", "045", "046", "048", "049", "051", "052", "054", "056", "058", "060", "062", "064", "066",
    "067", "068", "070", "072", "074", "075", "077", "079", "080", "082", "083", "084", "086", "087",
    "089", "091", "092", "093", "094", "095", "096",
}


def century_gender_digit(year: int, gender: str) -> int:
    """Digit 4 of the number: 0/1 for men/women born 1900-1999, 2/3 for 2000-2099, 4/5 for 2100-2199…"""
    century_index = (year // 100) - 19
    return century_index * 2 + (1 if gender == "Nữ" else 0)


def parse_id_number(text: str, year: Optional[int] = None, gender: Optional[str] = None) -> Parsed:
    """A 12-digit personal identification number (số định danh cá nhân / số căn cước).

    Checked: 12 digits, a known place code, and, when known, the birth year (digits 5-6) and the
    century/gender digit (digit 4)."""
    digits = re.sub(r"[\s.\-]", "", _strip(text))
    if not digits.isdigit():
        return fail("Số định danh cá nhân chỉ gồm 12 chữ số (in trên thẻ căn cước). Bạn nhập lại giúp mình.")
    if len(digits) == 9:
        return fail(
            "Đây là số chứng minh nhân dân cũ (9 số). Tờ khai cần số định danh cá nhân 12 số, in trên thẻ căn cước "
            "hoặc xem trong ứng dụng VNeID. Bạn nhập số 12 chữ số giúp mình."
        )
    if len(digits) != 12:
        return fail(f"Số định danh cá nhân phải có đúng 12 chữ số, bạn đã nhập {len(digits)} chữ số. Bạn kiểm tra và nhập lại giúp mình.")
    if digits[:3] not in PLACE_CODES:
        return fail(f"Ba số đầu “{digits[:3]}” không phải mã tỉnh nơi đăng ký khai sinh. Bạn kiểm tra lại số định danh giúp mình.")
    century_digit, year_digits = int(digits[3]), digits[4:6]
    if year is not None:
        if year_digits != f"{year % 100:02d}":
            return fail(
                f"Số định danh này không khớp năm sinh {year}: chữ số thứ 5 và 6 phải là “{year % 100:02d}” "
                f"(bạn nhập “{year_digits}”). Bạn kiểm tra lại số định danh hoặc năm sinh giúp mình."
            )
        if gender in ("Nam", "Nữ"):
            expected = century_gender_digit(year, gender)
            if century_digit != expected:
                return fail(
                    f"Số định danh này không khớp giới tính {gender.lower()} và năm sinh {year}: chữ số thứ 4 phải là "
                    f"“{expected}” (bạn nhập “{century_digit}”). Bạn kiểm tra lại giúp mình."
                )
        elif century_digit // 2 != (year // 100) - 19:
            return fail(f"Chữ số thứ 4 của số định danh không khớp thế kỷ của năm sinh {year}. Bạn kiểm tra lại giúp mình.")
    return ok(digits)


def id_number_mismatch(number: str, year: Optional[int], gender: Optional[str]) -> Optional[str]:
    """The error message when a stored number no longer fits a birth year / gender typed later."""
    if not number or not number.isdigit():
        return None
    parsed = parse_id_number(number, year, gender)
    return parsed.error


# ---------------------------------------------------------------- phones and e-mail

MOBILE_PREFIXES = {
    "032", "033", "034", "035", "036", "037", "038", "039",  # Viettel
    "052", "055", "056", "058", "059",  # Vietnamobile, Reddi, Gmobile…
    "070", "076", "077", "078", "079",  # MobiFone
    "081", "082", "083", "084", "085", "086", "087", "088", "089",
    "090", "091", "092", "093", "094", "096", "097", "098", "099",
}


def parse_phone(text: str) -> Parsed:
    """A Vietnamese mobile number, typed 0xx… or +84…/84…; kept as 0xxxxxxxxx."""
    raw = _strip(text)
    digits = re.sub(r"[\s.\-()]", "", raw)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not digits.isdigit():
        return fail("Số điện thoại chỉ gồm chữ số, ví dụ: 0912 345 678 hoặc +84 912 345 678. Bạn nhập lại giúp mình.")
    if len(digits) != 10 or not digits.startswith("0"):
        return fail(
            f"Số điện thoại di động có 10 chữ số, bắt đầu bằng 0 (hoặc +84), bạn đã nhập {len(digits)} chữ số. "
            "Bạn kiểm tra và nhập lại giúp mình."
        )
    if digits[:3] not in MOBILE_PREFIXES:
        return fail(f"Đầu số “{digits[:3]}” không phải đầu số di động Việt Nam. Bạn kiểm tra lại số điện thoại giúp mình.")
    return ok(digits)


_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")


def parse_email(text: str) -> Parsed:
    raw = _strip(text).replace(" ", "")
    if not _EMAIL.match(raw):
        return fail("Địa chỉ email chưa đúng dạng, ví dụ: ten@gmail.com. Bạn nhập lại, hoặc trả lời “không có”.")
    return ok(raw.lower())


# ---------------------------------------------------------------- addresses

_OLD_DISTRICT = re.compile(r"\b(quan|huyen|thi xa)\b")
_ADDRESS_ABBREVIATIONS = [
    (re.compile(r"\b(tp\.?\s*hcm|tphcm|hcm|tp\.?\s*ho chi minh)\b", re.I), "Thành phố Hồ Chí Minh"),
    (re.compile(r"\b(tp\.?\s*hn|hn)\b", re.I), "Hà Nội"),
    (re.compile(r"\bq\.\s*", re.I), "quận "),
    (re.compile(r"\bq(?=\d)", re.I), "quận "),
    (re.compile(r"\bp\.\s*", re.I), "phường "),
    (re.compile(r"\btx\.\s*", re.I), "thị xã "),
    (re.compile(r"\btt\.\s*", re.I), "thị trấn "),
    (re.compile(r"\btp\.?\s+", re.I), "thành phố "),
    (re.compile(r"\bh\.\s*", re.I), "huyện "),
]


def expand_address(text: str) -> str:
    """Common abbreviations in addresses ("P. Bến Thành, Q.1, TP.HCM") written out."""
    for pattern, replacement in _ADDRESS_ABBREVIATIONS:
        text = pattern.sub(replacement, text)
    return re.sub(r"\s+", " ", text).strip()


def _case_street(original: str, street: str) -> str:
    """underthesea lower-cases the street part; take the citizen's own spelling of it back."""
    if not street:
        return ""
    first = original.split(",")[0].strip()
    if fold(first) == fold(street):
        return first[:1].upper() + first[1:]
    return street[:1].upper() + street[1:]


_UNIT_WORDS = re.compile(r"\s+(?=(?:xa|phuong|thi tran|tinh|thanh pho|quan|huyen|thi xa)\s)")


def _with_commas(raw: str) -> str:
    """Commas before each administrative unit word, found on the folded text (same length)."""
    folded = fold(raw)
    if len(folded) != len(raw):
        return raw
    cuts = [m.start() for m in _UNIT_WORDS.finditer(folded)]
    out, last = [], 0
    for cut in cuts:
        out.append(raw[last:cut].rstrip())
        last = cut
    out.append(raw[last:].strip())
    return ", ".join(part.strip() for part in out if part.strip())


def _convert(raw: str):
    try:
        from underthesea.address import convert_address

        return convert_address(raw)
    except Exception:  # noqa: BLE001 - the converter is a convenience (its models may be absent offline); never block the form on it
        return None


def _status(result) -> str:
    return getattr(getattr(result, "status", None), "value", "") if result else ""


def parse_address(text: str) -> Parsed:
    """An address. An old three-level address (with quận/huyện/thị xã) is converted to the units in
    force since 1/7/2025 (underthesea) and must be confirmed by the citizen."""
    raw = expand_address(_strip(text))
    if len(fold(raw).split()) < 3:
        return fail(
            "Địa chỉ cần đủ số nhà hoặc thôn/xóm, xã/phường và tỉnh/thành phố, ví dụ: "
            "“Số 12 Nguyễn Huệ, phường Sài Gòn, Thành phố Hồ Chí Minh”. Bạn nhập lại giúp mình."
        )
    result = _convert(raw)
    if _status(result) == "not_found" and "," not in raw:
        # "thon 3 xa hoa binh tinh phu tho": the converter needs the parts separated
        raw = _with_commas(raw)
        result = _convert(raw)
    status = getattr(getattr(result, "status", None), "value", "") if result else ""
    old = getattr(result, "old", None)
    new = getattr(result, "new", None)
    has_district = bool(_OLD_DISTRICT.search(fold(raw)))
    if result is None or status == "not_found" or not (new and new.province):
        return fail(
            "Mình chưa nhận ra tỉnh/thành phố trong địa chỉ này. Bạn nhập đủ xã/phường và tỉnh/thành phố, ví dụ: "
            "“Thôn 3, xã Hòa Bình, tỉnh Phú Thọ”."
        )
    if not has_district:
        # already written with the two-level units: keep the citizen's spelling
        value = raw[:1].upper() + raw[1:]
        if not has_diacritics(raw):
            return Parsed(
                value=value,
                confirm=(
                    f"Bạn vừa nhập địa chỉ không có dấu: “{value}”. Tờ khai cần ghi đúng tên địa danh, bạn gõ lại "
                    "có dấu giúp mình (ví dụ: “Thôn 3, xã Hòa Bình, tỉnh Phú Thọ”), hoặc trả lời “đúng” để giữ nguyên."
                ),
            )
        return ok(value)
    if status != "success" or not new.ward:
        return fail(
            "Địa chỉ này có quận/huyện (đơn vị đã bỏ từ 1/7/2025) nhưng mình chưa tìm được xã/phường mới tương ứng. "
            "Bạn nhập địa chỉ theo đơn vị hành chính mới (xã/phường, tỉnh/thành phố), ví dụ: "
            "“Số 12 Nguyễn Huệ, phường Sài Gòn, Thành phố Hồ Chí Minh”."
        )
    parts = [p for p in [_case_street(raw, new.street), new.ward, new.province] if p]
    value = ", ".join(parts)
    note = ""
    if "split" in (getattr(result, "note", "") or "").lower():
        note = f" Lưu ý: {old.ward.title()} cũ đã được chia cho nhiều xã/phường; bạn kiểm tra kỹ xã/phường mới giúp mình."
    return Parsed(
        value=value,
        confirm=(
            f"Từ 1/7/2025 không còn cấp huyện, địa chỉ bạn nhập đổi theo đơn vị hành chính mới là:\n“{value}”.{note}\n"
            "Địa chỉ này đúng chưa? Trả lời “đúng” để dùng, hoặc nhập lại địa chỉ mới."
        ),
        extra={"old": raw},
    )


# ---------------------------------------------------------------- choices

def _alias_key(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9']+", fold(text).replace("-", " ")))


def parse_choice(text: str, options: Dict[str, Sequence[str]], what: str) -> Parsed:
    """One value of a list, from free text or an abbreviation: the longest alias found as whole words wins."""
    key = _alias_key(text)
    if not key:
        return fail(f"Bạn chọn {what} giúp mình.")
    best: Optional[Tuple[int, str]] = None
    for value, aliases in options.items():
        for alias in [value, *aliases]:
            alias_key = _alias_key(alias)
            if alias_key and re.search(rf"(?<![a-z0-9']){re.escape(alias_key)}(?![a-z0-9'])", key):
                if best is None or len(alias_key) > best[0]:
                    best = (len(alias_key), value)
    if best is None:
        examples = ", ".join(list(options)[:6])
        return fail(f"Mình chưa nhận ra {what} “{_strip(text)}”. Bạn chọn một trong: {examples}…")
    return ok(best[1])


def parse_text(text: str, min_words: int = 2) -> Parsed:
    raw = _strip(text)
    if len(raw.split()) < min_words:
        return fail("Bạn ghi rõ hơn một chút giúp mình (vài chữ là đủ).")
    return ok(raw[:1].upper() + raw[1:])


def parse_agency(text: str) -> Parsed:
    raw = _strip(text)
    if len(raw.split()) < 2:
        return fail("Bạn ghi tên cơ quan đăng ký cư trú, ví dụ: “Công an phường Sài Gòn”.")
    return ok(raw[:1].upper() + raw[1:])
