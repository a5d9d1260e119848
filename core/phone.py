"""Phone numbers: one normaliser for every package, so that the two sides of a comparison agree (the
SMS sender id ``sms:<phone>`` and the phone an application record holds, in the SMS status check).

``normalize_phone``: the number as digits with its country code, or ``None`` when it is not one:
  1. a conversation id's ``sms:`` prefix is dropped, then spaces, dots, dashes and parentheses;
  2. ``+CC…`` and ``00CC…`` are international (the ``+``/``00`` is dropped), ``0…`` is Vietnamese
     (the ``0`` becomes ``84``), anything else is taken as already having its country code;
  3. what remains must be 8 to 15 digits (E.164 allows 15).
  "0912 345 678", "+84912345678", "0084912345678", "84912345678", "sms:84912345678" -> "84912345678".
``vietnamese_phone``: the same, and only a Vietnamese number (``84`` then 8 to 10 digits, 10 to 12 in
all): the phones of application records and of personal-data requests.
"""

from __future__ import annotations

import re
from typing import Optional

from core.channels import SMS
from core.conversation_ids import provider_id


def normalize_phone(raw: object) -> Optional[str]:
    if not isinstance(raw, str):
        return None
    digits = re.sub(r"[\s.\-()]", "", provider_id(SMS, raw.strip()))
    if digits.startswith("+"):
        digits = digits[1:]
    elif digits.startswith("00"):
        digits = digits[2:]
    elif digits.startswith("0"):
        digits = "84" + digits[1:]
    if not re.fullmatch(r"\d{8,15}", digits):
        return None
    return digits


def vietnamese_phone(raw: object) -> Optional[str]:
    digits = normalize_phone(raw)
    if digits is None or not digits.startswith("84") or not 10 <= len(digits) <= 12:
        return None
    return digits
