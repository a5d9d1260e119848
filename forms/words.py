"""Dates written in Vietnamese words, as birth registration papers print them next to the digits
("ghi bằng chữ"): 12/03/2024 -> "Ngày mười hai, tháng ba, năm hai nghìn không trăm hai mươi bốn"."""

from __future__ import annotations

from typing import Optional

DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]


def _tens(n: int) -> str:
    """0-99."""
    if n < 10:
        return DIGITS[n]
    tens, unit = divmod(n, 10)
    head = "mười" if tens == 1 else f"{DIGITS[tens]} mươi"
    if unit == 0:
        return head
    if unit == 1 and tens > 1:
        return f"{head} mốt"
    if unit == 5:
        return f"{head} lăm"
    return f"{head} {DIGITS[unit]}"


def _hundreds(n: int, full: bool) -> str:
    """0-999; ``full``: say "không trăm" / "linh" as in the middle of a bigger number."""
    hundreds, rest = divmod(n, 100)
    parts = []
    if hundreds or full:
        parts.append(f"{DIGITS[hundreds]} trăm")
    if rest:
        if rest < 10 and parts:
            parts.append(f"linh {DIGITS[rest]}")
        else:
            parts.append(_tens(rest))
    return " ".join(parts)


def number_in_words(n: int) -> str:
    """0-9999 in words."""
    if n < 100:
        return _tens(n)
    thousands, rest = divmod(n, 1000)
    if not thousands:
        return _hundreds(rest, False)
    head = f"{DIGITS[thousands]} nghìn"
    return head if rest == 0 else f"{head} {_hundreds(rest, True)}"


MONTHS = {1: "một", 4: "tư"}


def date_in_words(value: Optional[str]) -> str:
    """"12/03/2024" -> "Ngày mười hai, tháng ba, năm hai nghìn không trăm hai mươi bốn"; "" if not a date."""
    try:
        day, month, year = (int(p) for p in (value or "").split("/"))
    except ValueError:
        return ""
    month_words = MONTHS.get(month, _tens(month))
    return f"Ngày {_tens(day)}, tháng {month_words}, năm {number_in_words(year)}"
