"""The channels' own message syntax (text helpers for any channel: ``core.message_text``).

* ``keyword_message``: the SMS keyword syntax (TRACUU <ma>, HD, HUY), in any case, with or without
  diacritics, as the message to hand to the assistant.
* ``sms_with_options``: a reply with buttons as SMS parts, the numbered options kept whole.
"""

from __future__ import annotations

import json
import re
from typing import Dict, List, Optional, Sequence

from core.message_text import gsm7_length, numbered_options, options_hint, sms_parts, split_message, strip_diacritics, to_gsm7

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
