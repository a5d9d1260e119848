"""Fee amounts: the record's number or words -> VND as an integer.

``amount(value)``: a field meant to hold an amount (JSON ``SOTIEN``, an Excel fee cell holding only a
number). ``None``/"" -> None (no amount given); a number, or a text "50.000", "50,000 đồng", "50000đ"
-> 50000; "không", "0", "miễn phí", "miễn lệ phí", "không thu" -> 0; anything else is a
``ValueError`` (a bad amount: the caller reports ``record N: field: problem``).

``amount_in_text(text)``: a free description ("Lệ phí: 8.000 đồng/bản sao", "Miễn lệ phí"): the one
amount it states, 0 when it only says free, None when it states none or several (the text becomes the
fee's note: we never guess).
"""

from __future__ import annotations

import re
from typing import Any, Optional

from bot.text import search_key

FREE_WORDS = {"khong", "mien phi", "mien le phi", "khong thu", "khong co", "mien", "0", "khong mat phi",
              "mien phi le phi", "khong thu phi", "khong thu le phi", "khong quy dinh"}
_NUMBER = re.compile(r"^\s*(\d{1,3}(?:[.,]\d{3})+|\d+)(?:[.,]0+)?\s*(?:đồng|dong|vnđ|vnd|đ|d)?\s*(?:/.*)?$", re.I)
_IN_TEXT = re.compile(r"(\d{1,3}(?:[.,]\d{3})+|\d{4,})\s*(?:đồng|vnđ|vnd|đ\b)", re.I)


def _digits(text: str) -> int:
    return int(re.sub(r"[.,]", "", text))


def amount(value: Any) -> Optional[int]:
    """The amount in a field that should hold one (see the module docstring)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"not an amount: {value!r}")
    if isinstance(value, (int, float)):
        if value < 0 or value != int(value):
            raise ValueError(f"not an amount in đồng: {value!r}")
        return int(value)
    text = str(value).strip()
    if not text:
        return None
    if search_key(text).strip(" .") in FREE_WORDS:
        return 0
    match = _NUMBER.match(text)
    if match:
        return _digits(match.group(1))
    raise ValueError(f"not an amount: “{text}”")


def amount_in_text(text: str) -> Optional[int]:
    """The single amount a free text states, 0 when it only says free, else None."""
    if not text or not text.strip():
        return None
    try:
        return amount(text)
    except ValueError:
        pass
    found = {_digits(m.group(1)) for m in _IN_TEXT.finditer(text)}
    if len(found) == 1:
        return found.pop()
    key = search_key(text)
    if not found and ("mien" in key or "khong thu" in key) and "theo muc thu" not in key and "quy dinh" not in key:
        return 0
    return None
