"""Normalisation of Vietnamese as citizens type it.

Three views of the same text are used across the project:

* ``normalize``: Unicode NFC with tone marks put where Vietnamese spelling wants them
  (underthesea's token normaliser: "hoá" -> "hóa", "baỏ" -> "bảo"), whitespace collapsed.
  Codes, numbers and punctuation are left exactly as typed.
* ``expand_abbreviations``: abbreviations and teencode ("ko", "dc", "gplx", "cccd") replaced by what
  they mean, from the data table ``abbreviations.yml``.
* ``fold``: lower case without diacritics ("Đổi bằng lái" -> "doi bang lai"), so that text typed
  without diacritics meets text written with them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Pattern, Tuple

import yaml
from underthesea.pipeline.text_normalize import token_normalize

ABBREVIATIONS_FILE = Path(__file__).with_name("abbreviations.yml")

_WORD = re.compile(r"\w+", re.UNICODE)
_SPACES = re.compile(r"\s+")
_SYLLABLE = re.compile(r"[0-9a-z]+")


def normalize(text: str) -> str:
    """NFC, tone marks in their standard place, single spaces; nothing else changes."""
    text = unicodedata.normalize("NFC", text or "")
    text = _WORD.sub(lambda m: _normalize_word(m.group(0)), text)
    return _SPACES.sub(" ", text).strip()


def _normalize_word(word: str) -> str:
    if word.isascii():
        return word
    normalized = token_normalize(word)
    # underthesea lower-cases some words it rewrites; keep the citizen's capitalisation.
    if normalized.lower() == word.lower():
        return word
    return normalized if word.islower() else normalized.capitalize()


def fold(text: str) -> str:
    """Lower case, diacritics removed, "đ" -> "d"."""
    text = unicodedata.normalize("NFD", (text or "").lower())
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return text.replace("đ", "d")


@lru_cache(maxsize=1)
def _abbreviation_table() -> Tuple[Pattern[str], Dict[str, str]]:
    with ABBREVIATIONS_FILE.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle) or {}
    table = {unicodedata.normalize("NFC", str(k)).lower(): str(v) for k, v in raw.items()}
    keys = sorted(table, key=len, reverse=True)
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(k) for k in keys) + r")(?!\w)", re.IGNORECASE
    )
    return pattern, table


def expand_abbreviations(text: str) -> str:
    """Replace whole-word abbreviations ("mat cccd ko" -> "mat căn cước công dân không")."""
    pattern, table = _abbreviation_table()
    return pattern.sub(lambda m: table[m.group(0).lower()], text)


def syllables(text: str) -> List[str]:
    """Folded syllables of a text: "Giấy tờ gì?" -> ["giay", "to", "gi"]."""
    return _SYLLABLE.findall(fold(text))


def search_key(text: str) -> str:
    """The form used to compare citizen text with knowledge: normalised, expanded, folded."""
    return " ".join(syllables(expand_abbreviations(normalize(text))))
