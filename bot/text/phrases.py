"""Phrase lexicons matched on folded syllables: the small language of bot/text/*.yml lexicons.

A phrase is written as citizens write it, with or without diacritics ("bị mất", "mất <giay_to>"); it is
compared with the text's search key (normalised, abbreviations expanded, folded: ``bot.text.search_key``).
Each word of a phrase is one of:

* a syllable, matched exactly ("mat" matches "mất" and "mat");
* ``<name>``: one entry of the word class ``name`` (a class entry may have several syllables:
  ``giay_to: [giấy, thẻ, hộ chiếu]``);
* ``<*>``: any one syllable; ``<so>``: any number ("14", "60").

A phrase may not start with ``<*>`` (phrases are indexed by their first syllable, which keeps
matching a 200-word message to a few dictionary look-ups per word). ``blockers`` of a key are phrases
that cancel a match of that key lying within them ("giá trị bao lâu" cancels "bao lâu" as a deadline).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, cast

from bot.text.vietnamese import search_key

_NUMBER = "<so>"  # index key of the phrases that start with a number

Token = Tuple[str, object]  # ("lit", "mat") | ("class", (("hộ", "chiếu"), ...)) | ("any", None) | ("num", None)


class LexiconError(ValueError):
    """A lexicon entry that cannot be compiled; the message names the entry."""


@dataclass(frozen=True)
class Match:
    key: str
    start: int  # index of the first syllable matched
    end: int  # index after the last syllable matched
    phrase: str


def _compile(phrase: str, classes: Mapping[str, Tuple[Tuple[str, ...], ...]]) -> Tuple[Token, ...]:
    tokens: List[Token] = []
    for part in phrase.split():
        if part.startswith("<") and part.endswith(">"):
            name = part[1:-1]
            if name == "*":
                tokens.append(("any", None))
            elif name == "so":
                tokens.append(("num", None))
            elif name in classes:
                tokens.append(("class", classes[name]))
            else:
                raise LexiconError(f"phrase '{phrase}': unknown word class <{name}>")
        else:
            tokens.extend(("lit", syllable) for syllable in search_key(part).split())
    if not tokens:
        raise LexiconError(f"phrase '{phrase}' is empty")
    if tokens[0][0] == "any":
        raise LexiconError(f"phrase '{phrase}' must start with a word or a word class")
    return tuple(tokens)


def _first_syllables(token: Token) -> Iterable[str]:
    kind, value = token
    if kind == "lit":
        return [value]  # type: ignore[list-item]
    if kind == "num":
        return [_NUMBER]
    return [entry[0] for entry in cast(Sequence[Tuple[str, ...]], value)]


def _match_at(tokens: Sequence[Token], words: Sequence[str], start: int) -> Optional[int]:
    """End index when ``tokens`` match ``words`` from ``start`` (longest class entry first), else None."""
    if not tokens:
        return start
    kind, value = tokens[0]
    if start >= len(words):
        return None
    if kind == "lit":
        return _match_at(tokens[1:], words, start + 1) if words[start] == value else None
    if kind == "any":
        return _match_at(tokens[1:], words, start + 1)
    if kind == "num":
        return _match_at(tokens[1:], words, start + 1) if words[start].isdigit() else None
    for entry in cast(Sequence[Tuple[str, ...]], value):
        if tuple(words[start:start + len(entry)]) == entry:
            end = _match_at(tokens[1:], words, start + len(entry))
            if end is not None:
                return end
    return None


FIND_CACHE_SIZE = 512


class PhraseSet:
    """Keys with their phrases and blockers, compiled once; ``find(words)`` returns every match."""

    def __init__(
        self,
        phrases: Mapping[str, Sequence[str]],
        blockers: Optional[Mapping[str, Sequence[str]]] = None,
        classes: Optional[Mapping[str, Sequence[str]]] = None,
    ) -> None:
        compiled_classes = {
            name: tuple(sorted({tuple(search_key(entry).split()) for entry in entries if search_key(entry)},
                               key=len, reverse=True))
            for name, entries in (classes or {}).items()
        }
        self._index: Dict[str, List[Tuple[str, str, Tuple[Token, ...]]]] = {}
        self._blockers: Dict[str, List[Tuple[str, str, Tuple[Token, ...]]]] = {}
        for target, source in ((self._index, phrases), (self._blockers, blockers or {})):
            for key, entries in source.items():
                for phrase in entries:
                    tokens = _compile(str(phrase), compiled_classes)
                    for first in _first_syllables(tokens[0]):
                        target.setdefault(first, []).append((key, str(phrase), tokens))

    @staticmethod
    def _scan(index: Dict[str, List[Tuple[str, str, Tuple[Token, ...]]]], words: Sequence[str]) -> List[Match]:
        found = []
        for start, word in enumerate(words):
            entries = index.get(word, [])
            if word.isdigit() and _NUMBER in index:
                entries = entries + index[_NUMBER]
            for key, phrase, tokens in entries:
                end = _match_at(tokens, words, start)
                if end is not None:
                    found.append(Match(key, start, end, phrase))
        return found

    def find(self, words: Sequence[str]) -> List[Match]:
        """Matches in text order (then longest first); a match lying within a blocker of its key is dropped.

        The answer path asks about the same words several times per message (each clause, the story):
        the last answers are remembered (the phrase set never changes once built)."""
        key = tuple(words)
        cache = self.__dict__.setdefault("_found", {})
        if key not in cache:
            if len(cache) >= FIND_CACHE_SIZE:
                cache.clear()
            cache[key] = self._find(key)
        return list(cache[key])

    def _find(self, words: Sequence[str]) -> List[Match]:
        matches = self._scan(self._index, words)
        if self._blockers and matches:
            blocks = self._scan(self._blockers, words)
            matches = [
                m for m in matches
                if not any(b.key == m.key and b.start <= m.start and m.end <= b.end for b in blocks)
            ]
        return sorted(matches, key=lambda m: (m.start, -(m.end - m.start), m.key))


def lexicon_phrases(raw: Mapping) -> "PhraseSet":
    """The PhraseSet of a keyed lexicon file (bot/text/qualifiers.yml's shape: ``classes`` and, per key of
    ``qualifiers``, ``phrases`` and ``blockers``): one reading of the file for every user."""
    entries = raw.get("qualifiers") or {}
    return PhraseSet(
        {key: (entry or {}).get("phrases") or [] for key, entry in entries.items()},
        {key: (entry or {}).get("blockers") or [] for key, entry in entries.items()},
        raw.get("classes") or {},
    )
