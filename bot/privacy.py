"""Masking of personal data before anything is logged or stored for officers.

Phone numbers, identity numbers (9 or 12 digits), e-mail addresses and long digit runs are masked,
keeping only what helps a human read the text ("0912345678" -> "09******78").
"""

from __future__ import annotations

import re

# The slot that marks a finished form's stretch of conversation for erasure from the stored history
# (set by actions/forms.py, applied by bot/tracker_store.py).
ERASE_SLOT = "form_erase_from"
# The slot whose setting erases the whole stored conversation before it ("xóa dữ liệu của tôi", set by
# actions/privacy.py, applied by bot/tracker_store.py).
ERASE_ALL_SLOT = "personal_data_erased_at"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w.])(?:\+?84|0)[\s.]?(?:\d[\s.]?){8,10}(?!\w)")
_DIGITS = re.compile(r"(?<![\w.-])\d{6,}(?![\w-])")


def _keep_ends(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    return digits[:2] + "*" * max(len(digits) - 4, 2) + digits[-2:]


def mask(text: str) -> str:
    """The text with personal data masked; safe to log or show to officers."""
    text = _EMAIL.sub(lambda m: m.group(0)[0] + "***@" + m.group(0).split("@")[1], text or "")
    text = _PHONE.sub(lambda m: _keep_ends(m.group(0)), text)
    return _DIGITS.sub(lambda m: _keep_ends(m.group(0)), text)


def mask_phone(phone: str) -> str:
    return _keep_ends(phone) if phone else ""


def mask_name(name: str) -> str:
    """Initials only: "Nguyễn Văn An" -> "N. V. A."."""
    return " ".join(word[0] + "." for word in (name or "").split()) if name else ""


def mask_value(kind: str, value: object) -> str:
    """A form value as it may appear in a log: names as initials, dates as the year, addresses as
    their last part (the province), numbers with their ends only."""
    text = "" if value is None else str(value)
    if not text:
        return text
    if kind == "name":
        return mask_name(text)
    if kind in ("date", "date_or_year"):
        return "**/**/" + text[-4:]
    if kind == "address":
        return "***, " + text.split(",")[-1].strip()
    if kind in ("id_number", "phone", "email"):
        return mask(text)
    if kind in ("text", "agency"):
        return f"<{len(text)} ký tự>"
    return mask(text)
