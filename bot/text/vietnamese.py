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
from dataclasses import dataclass
from typing import Dict, FrozenSet, List, Pattern, Tuple, Union

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


@dataclass(frozen=True)
class _Contextual:
    default: str
    rules: Tuple[Tuple[str, FrozenSet[str], FrozenSet[str]], ...]  # (meaning, words after, words before)

    def meaning(self, previous: str, following: str) -> str:
        for meaning, after, before in self.rules:
            if previous in after or following in before:
                return meaning
        return self.default


def _nfc_lower(text: object) -> str:
    return unicodedata.normalize("NFC", str(text)).lower()


@lru_cache(maxsize=1)
def _abbreviation_table() -> Tuple[Pattern[str], Dict[str, Union[str, _Contextual]]]:
    with ABBREVIATIONS_FILE.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle) or {}
    table: Dict[str, Union[str, _Contextual]] = {_nfc_lower(k): str(v) for k, v in raw.get("words", {}).items()}
    for key, entry in raw.get("contextual", {}).items():
        rules = tuple(
            (
                str(rule["meaning"]),
                frozenset(_nfc_lower(w) for w in rule.get("after", [])),
                frozenset(_nfc_lower(w) for w in rule.get("before", [])),
            )
            for rule in entry.get("rules", [])
        )
        table[_nfc_lower(key)] = _Contextual(str(entry["default"]), rules)
    keys = sorted(table, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(k) for k in keys) + r")(?!\w)", re.IGNORECASE)
    return pattern, table


def _neighbour_words(text: str, start: int, end: int) -> Tuple[str, str]:
    before = _WORD.findall(text[:start])
    after = _WORD.findall(text[end:])
    return (before[-1].lower() if before else ""), (after[0].lower() if after else "")


def expand_abbreviations(text: str) -> str:
    """Replace whole-word abbreviations ("mat cccd ko" -> "mat căn cước công dân không")."""
    pattern, table = _abbreviation_table()

    def replace(match: "re.Match[str]") -> str:
        entry = table[match.group(0).lower()]
        if isinstance(entry, _Contextual):
            return entry.meaning(*_neighbour_words(text, match.start(), match.end()))
        return entry

    return pattern.sub(replace, text)


def syllables(text: str) -> List[str]:
    """Folded syllables of a text: "Giấy tờ gì?" -> ["giay", "to", "gi"]."""
    return _SYLLABLE.findall(fold(text))


def search_key(text: str) -> str:
    """The form used to compare citizen text with knowledge: normalised, expanded, folded."""
    return " ".join(syllables(expand_abbreviations(normalize(text))))
