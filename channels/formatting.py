"""Small text helpers shared by the channels (and by anything that pushes messages to citizens).

* ``strip_diacritics`` / ``to_gsm7``: Vietnamese text as plain GSM-7 (what every SMS gateway sends at
  160 characters a part), case kept: "Hồ sơ đã được tiếp nhận" -> "Ho so da duoc tiep nhan".
* ``gsm7_length`` and ``sms_parts``: at most ``max_parts`` parts of at most 160 GSM-7 characters,
  marked "(1/2)" when there is more than one; text that does not fit is cut at a word and ends "...".
* ``split_message``: long text cut at paragraph, line, sentence or word boundaries (Telegram: 4096).
* ``numbered_options`` and ``option_choice``: buttons as a numbered list the citizen answers with a digit.
* ``keyword_message``: the SMS keyword syntax (TRACUU <ma>, HD, HUY), in any case, with or without
  diacritics, as the message to hand to the assistant.
"""

from __future__ import annotations

import json
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


# --- keyword syntax -------------------------------------------------------------------------------

HELP_MESSAGE = "/greet"
UNSUBSCRIBE_MESSAGE = "/unsubscribe"
ERASE_MESSAGE = "/erase_my_data"
# what a chat channel sends instead of a photo it received (the photo itself is never fetched or kept)
PHOTO_MESSAGE = "/sent_photo"
# keywords that are SMS syntax only: in a chat "hủy" cancels a form and "xóa" is ordinary text
SMS_ONLY_MESSAGES = {UNSUBSCRIBE_MESSAGE, ERASE_MESSAGE}
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-_/]{1,39}")


def _keyword_key(text: str) -> str:
    return re.sub(r"\s+", " ", strip_diacritics(text or "").strip()).upper()


def keyword_message(text: str) -> Optional[str]:
    """The message for the assistant when ``text`` is keyword syntax, else ``None``.

    ``HD`` (or ``HELP``, ``TRO GIUP``) -> "/greet"; ``HUY`` -> "/unsubscribe"; ``XOA`` (or ``XOA DU LIEU``)
    -> "/erase_my_data";
    ``TRACUU <ma ho so>`` (also ``TRA CUU``) -> '/check_status{"application_code": "<MA>"}';
    ``TRACUU`` alone -> "/check_status". Any case, with or without diacritics ("Tra cứu", "hủy").
    """
    key = _keyword_key(text)
    if key in {"HD", "HELP", "TRO GIUP", "HUONG DAN"}:
        return HELP_MESSAGE
    if key in {"HUY", "HUY DK", "HUY DANG KY", "STOP"}:
        return UNSUBSCRIBE_MESSAGE
    if key in {"XOA", "XOA DU LIEU", "XOA DL", "XOA DU LIEU CUA TOI"}:
        return ERASE_MESSAGE
    match = re.fullmatch(r"TRA ?CUU(?:[ :]+(.+))?", key)
    if not match:
        return None
    code = (match.group(1) or "").strip()
    if not code:
        return "/check_status"
    if not _CODE.fullmatch(code):
        return None
    return "/check_status" + json.dumps({"application_code": code}, ensure_ascii=True)


def sms_with_options(text: str, buttons: Sequence[Dict] = (), limit: int = 160, max_parts: int = 3) -> List[str]:
    """The SMS parts for a reply with optional buttons: the numbered options and the hint are kept
    whole and the text above them is shortened (ending "...") when everything does not fit."""
    body = to_gsm7(text)
    if not buttons:
        return sms_parts(body, limit, max_parts)
    options = numbered_options(buttons, plain=True) + "\n" + options_hint(len(buttons), plain=True)
    full = f"{body}\n{options}".strip()
    parts = sms_parts(full, limit, max_parts)
    if not parts or not parts[-1].endswith("..."):
        return parts
    marker = len(f"({max_parts}/{max_parts}) ")
    room = max_parts * (limit - marker) - gsm7_length(options) - 4
    while room > 0:
        short = split_message(body, room, gsm7_length)[0].rstrip(" .,;:-") + "..."
        parts = sms_parts(f"{short}\n{options}", limit, max_parts)
        if not parts[-1].endswith("..."):
            return parts
        room -= 10
    return sms_parts(options, limit, max_parts)
