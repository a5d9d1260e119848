"""Rewrites old and colloquial names into today's ones, on folded syllables (search keys).

``SynonymRewriter([(means, [said, ...]), ...]).rewrite(words)`` replaces, left to right and longest first,
every run of syllables equal to a "said" by the syllables of its "means" ("so do" -> "giay chung nhan quyen
su dung dat"). Where the text already reads "means" at a position, it is kept as it is, so a name that
contains one of its old forms ("giấy phép lái xe" and "bằng lái") is never doubled. Cost: one dictionary
look-up per syllable and possible length.
"""

from __future__ import annotations

from typing import Dict, Iterable, List, Sequence, Tuple

from bot.text.vietnamese import search_key


class SynonymRewriter:
    def __init__(self, entries: Iterable[Tuple[str, Sequence[str]]] = ()) -> None:
        self._table: Dict[Tuple[str, ...], Tuple[str, ...]] = {}
        for means, said in entries:
            target = tuple(search_key(means).split())
            for phrase in said:
                key = tuple(search_key(phrase).split())
                if key and key != target:
                    self._table[key] = target
        self._lengths = sorted({len(key) for key in self._table}, reverse=True)

    def __bool__(self) -> bool:
        return bool(self._table)

    def rewrite(self, words: Sequence[str]) -> List[str]:
        return self.rewrite_weighted(words)[0]

    def rewrite_weighted(self, words: Sequence[str]) -> Tuple[List[str], List[float]]:
        """The rewritten syllables, and for each the share of the citizen's syllables it stands for
        ("sổ đỏ", two syllables, becomes seven, each weighing 2/7; never more than 1), so that a long modern
        name does not outweigh the short name it replaces when aliases are scored."""
        out: List[str] = []
        weights: List[float] = []
        i = 0
        while i < len(words):
            for length in self._lengths if self._table else ():
                key = tuple(words[i:i + length])
                target = self._table.get(key) if len(key) == length else None
                if target is None:
                    continue
                if tuple(words[i:i + len(target)]) == target:
                    # the text reads today's name already: kept, and a longer old form that begins with it
                    # ("thẻ căn cước công dân" for "thẻ căn cước") is consumed whole
                    out.extend(target)
                    weights.extend([1.0] * len(target))
                    i += max(length, len(target))
                else:
                    out.extend(target)
                    weights.extend([min(1.0, length / len(target))] * len(target))
                    i += length
                break
            else:
                out.append(words[i])
                weights.append(1.0)
                i += 1
        return out, weights
