"""The qualifier lexicon (bot/text/qualifiers.yml): what narrows a procedure, found in a message.

``find(words)`` returns the qualifier keys said in the folded, synonym-rewritten syllables, in order;
``covers(procedure_qualifiers, key, said)`` says whether a procedure covering ``procedure_qualifiers``
covers ``key`` given every qualifier ``said`` in the message (directly, or because a qualifier it
covers and the citizen said implies it: "mất" implies "cấp lại").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, List, Sequence, Tuple

import yaml

from bot.text.phrases import Match, PhraseSet, lexicon_phrases

QUALIFIERS_FILE = Path(__file__).resolve().parents[2] / "text" / "qualifiers.yml"


@dataclass(frozen=True)
class Qualifier:
    key: str
    label: str
    strict: bool  # blocks wherever said; otherwise only when said in a question sentence
    alone: bool  # a matter of its own: not covered even when no procedure is named
    context: bool  # often the background of another procedure: blocks only when the questions name none
    variant: bool  # a procedure of its own handles the case: found among the siblings though not named
    implies: Tuple[str, ...]
    closest: Tuple[str, ...]


@dataclass(frozen=True)
class Lexicon:
    qualifiers: Dict[str, Qualifier]
    phrases: PhraseSet

    def find(self, words: Sequence[str]) -> List[Match]:
        return self.phrases.find(words)

    def covers(self, procedure_qualifiers: Iterable[str], key: str, said: Iterable[str]) -> bool:
        covered = set(procedure_qualifiers)
        if key in covered:
            return True
        return any(key in self.qualifiers[other].implies for other in covered & set(said) if other in self.qualifiers)

    def keys(self) -> FrozenSet[str]:
        return frozenset(self.qualifiers)


def parse(raw: dict) -> Lexicon:
    entries = raw.get("qualifiers") or {}
    qualifiers = {
        key: Qualifier(
            key=key,
            label=str(entry.get("label") or key),
            strict=bool(entry.get("strict", False)),
            alone=bool(entry.get("alone", False)),
            context=bool(entry.get("context", False)),
            variant=bool(entry.get("variant", False)),
            implies=tuple(entry.get("implies") or ()),
            closest=tuple(entry.get("closest") or ()),
        )
        for key, entry in entries.items()
    }
    for qualifier in qualifiers.values():
        unknown = [k for k in qualifier.implies if k not in qualifiers]
        if unknown:
            raise ValueError(f"{QUALIFIERS_FILE.name}: {qualifier.key} implies unknown qualifier(s) {unknown}")
    return Lexicon(qualifiers, lexicon_phrases(raw))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    return parse(yaml.safe_load(QUALIFIERS_FILE.read_text(encoding="utf-8")) or {})
