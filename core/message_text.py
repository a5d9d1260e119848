"""Text of outgoing messages, for any channel and for notifications (pure functions, no I/O).

* ``strip_diacritics`` / ``to_gsm7``: Vietnamese text as plain GSM-7 (what every SMS gateway sends at
  160 characters a part), case kept: "Hồ sơ đã được tiếp nhận" -> "Ho so da duoc tiep nhan".
* ``gsm7_length`` and ``sms_parts``: at most ``max_parts`` parts of at most 160 GSM-7 characters,
  marked "(1/2)" when there is more than one; text that does not fit is cut at a word and ends "...".
* ``split_message``: long text cut at paragraph, line, sentence or word boundaries (Telegram: 4096).
* ``numbered_options`` and ``option_choice``: buttons as a numbered list the citizen answers with a
  digit; ``options_hint`` says so.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Callable, Dict, List, Optional, Sequence

# --- GSM-7 ------------------------------------------------------------------------------------

GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = "^{}\\[~]|€\f"
_GSM7_BASIC_SET = frozenset(GSM7_BASIC) - {"\x1b"}
_GSM7_EXTENSION_SET = frozenset(GSM7_EXTENSION)

# Typography and symbols that have a plain equivalent; anything else outside GSM-7 is dropped.
_ASCII_EQUIVALENTS = {
    "“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'", "`": "'",
    "–": "-", "—": "-", "‑": "-", "−": "-", "…": "...", "•": "-", "·": "-", "→": "->", "←": "<-",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\t": " ", "×": "x", "÷": "/", "≤": "<=", "≥": ">=",
    "°": " do ", "№": "No", "©": "(c)", "®": "(R)", "™": "(TM)", "₫": "d", "đ": "d", "Đ": "D",
}


def strip_diacritics(text: str) -> str:
    """Vietnamese (and other Latin) letters without their marks, case kept; "đ"/"Đ" -> "d"/"D"."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn"))


def to_gsm7(text: str) -> str:
    """Plain GSM-7 text: diacritics removed, typographic signs made plain, anything else dropped
    (emoji, CJK...). Runs of spaces left by dropped characters are collapsed."""
    plain = strip_diacritics(text)
    out = []
    for ch in plain:
        if ch in _ASCII_EQUIVALENTS:
            out.append(_ASCII_EQUIVALENTS[ch])
        elif ch in _GSM7_BASIC_SET or ch in _GSM7_EXTENSION_SET:
            out.append(ch)
        elif ch == "\r":
            continue
        # everything else (emoji, symbols, other scripts) is dropped
    result = "".join(out)
    # GSM-7 has accented letters (é, à, ä...) but Vietnamese readers expect them plain too.
    result = strip_diacritics(result.replace("Ø", "O").replace("ø", "o").replace("ß", "ss"))
    result = re.sub(r"[ ]{2,}", " ", result)
    result = re.sub(r" +([.,;:!?)])", r"\1", result)
    result = re.sub(r" *\n *", "\n", result)
    return re.sub(r"\n{3,}", "\n\n", result).strip()


def gsm7_length(text: str) -> int:
    """Septets the text takes in an SMS: extension characters (^{}\\[~]|€) count twice."""
    return sum(2 if ch in _GSM7_EXTENSION_SET else 1 for ch in text)


def is_gsm7(text: str) -> bool:
    return all(ch in _GSM7_BASIC_SET or ch in _GSM7_EXTENSION_SET for ch in text)


def _cut(text: str, budget: int, length: Callable[[str], int]) -> int:
    """Index where ``text`` is best cut so that ``text[:index]`` fits ``budget``: the last paragraph,
    line, sentence or word boundary in the second half of the budget, else a hard cut."""
    hard = 0
    while hard < len(text) and length(text[: hard + 1]) <= budget:
        hard += 1
    if hard >= len(text):
        return len(text)
    window = text[:hard]
    floor = hard // 2
    for pattern in ("\n\n", "\n", ". ", "! ", "? ", "; ", ", ", " "):
        at = window.rfind(pattern)
        if at >= floor and at > 0:
            return at + len(pattern.rstrip()) if pattern.strip() else at
    return max(hard, 1)


def split_message(text: str, limit: int = 4096, length: Callable[[str], int] = len) -> List[str]:
    """``text`` as parts of at most ``limit`` (as measured by ``length``), cut at sensible places."""
    parts: List[str] = []
    rest = (text or "").strip()
    while rest:
        if length(rest) <= limit:
            parts.append(rest)
            break
        at = _cut(rest, limit, length)
        part = rest[:at].rstrip()
        if part:
            parts.append(part)
        rest = rest[at:].lstrip()
    return parts


def sms_parts(text: str, limit: int = 160, max_parts: int = 3) -> List[str]:
    """GSM-7 SMS parts of at most ``limit`` septets each, at most ``max_parts`` of them; "(1/2) "
    marks each part when there are several. Text that does not fit ends with "..."."""
    plain = to_gsm7(text)
    if gsm7_length(plain) <= limit:
        return [plain] if plain else []
    for count in range(2, max_parts + 1):
        marker = len(f"({count}/{count}) ")
        parts = split_message(plain, limit - marker, gsm7_length)
        if len(parts) <= count:
            return [f"({i}/{len(parts)}) {p}" for i, p in enumerate(parts, 1)]
    marker = len(f"({max_parts}/{max_parts}) ")
    parts = split_message(plain, limit - marker, gsm7_length)[:max_parts]
    last = split_message(parts[-1], limit - marker - 3, gsm7_length)[0].rstrip(" .,;:-")
    parts[-1] = last + "..."
    return [f"({i}/{max_parts}) {p}" for i, p in enumerate(parts, 1)]


# --- buttons as numbered options ----------------------------------------------------------------


def numbered_options(buttons: Sequence[Dict], plain: bool = False) -> str:
    """"1. Đăng ký khai sinh\\n2. ..." for a list of Rasa buttons (``title``/``payload``).
    ``plain`` gives the GSM-7 version for SMS, with parenthesised details left out of the titles
    ("Đăng ký kết hôn (công dân Việt Nam cư trú trong nước)" -> "Dang ky ket hon") to save room."""

    def title(button: Dict) -> str:
        text = str(button.get("title") or button.get("payload") or "")
        short = re.sub(r"\s*\([^)]*\)", "", text).strip() if plain else text
        return short or text

    lines = [f"{i}. {title(b)}".strip() for i, b in enumerate(buttons, 1)]
    text = "\n".join(lines)
    return to_gsm7(text) if plain else text


def options_hint(count: int, plain: bool = False) -> str:
    text = (
        "Trả lời bằng số 1 để chọn." if count == 1 else f"Trả lời bằng một số từ 1 đến {count} để chọn."
    )
    return to_gsm7(text) if plain else text


def option_choice(text: str, options: Sequence[str]) -> Optional[str]:
    """The payload chosen when the citizen answers a numbered list with its number ("2", " 2.")."""
    match = re.fullmatch(r"\s*(\d{1,2})\s*[.)]?\s*", text or "")
    if not match or not options:
        return None
    index = int(match.group(1))
    return options[index - 1] if 1 <= index <= len(options) else None
