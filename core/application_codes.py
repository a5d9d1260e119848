"""Application codes (mã hồ sơ) as citizens type them (their phone numbers: ``core.phone``).

One-stop systems print codes such as ``H56.22-250315-0001``, ``000.00.21.H26-250917-0015``,
``2511240988``, ``BN-2025-004512``: letters, digits, dots and dashes, with at least one digit.
Codes are compared case-insensitively (stored upper case); spaces around separators are tolerated.
"""

from __future__ import annotations

import re
from typing import Optional

CODE_MIN, CODE_MAX = 6, 40
_CODE = re.compile(r"^[A-Z0-9](?:[A-Z0-9.\-]*[A-Z0-9])?$")
# A code inside a sentence: a run of letters/digits/dots/dashes with at least 4 digits in it.
_CODE_IN_TEXT = re.compile(r"(?<![\w.\-])([A-Za-z0-9][A-Za-z0-9.\-]{4,38}[A-Za-z0-9])(?![\w\-])")


def normalize_code(raw: str) -> Optional[str]:
    """The canonical code, or None when ``raw`` is not a plausible application code."""
    if not isinstance(raw, str):
        return None
    text = re.sub(r"\s*([.\-])\s*", r"\1", raw.strip()).upper()
    if not (CODE_MIN <= len(text) <= CODE_MAX) or not _CODE.match(text):
        return None
    if sum(c.isdigit() for c in text) < 4 or ".." in text or "--" in text:
        return None
    return text


def find_code(text: str) -> Optional[str]:
    """The first application code written in a message ("tra cứu hồ sơ H56.22-250315-0001 giúp tôi")."""
    for match in _CODE_IN_TEXT.finditer(text or ""):
        code = normalize_code(match.group(1))
        if code and not re.fullmatch(r"\d{1,4}", code):
            return code
    return None


def last4(text: str) -> Optional[str]:
    """Exactly four digits the citizen typed ("5678", "số cuối 5678"), or None."""
    runs = [run for run in re.findall(r"\d+", text or "") if len(run) > 1 or len(re.findall(r"\d+", text)) == 1]
    return runs[0] if len(runs) == 1 and len(runs[0]) == 4 else None
