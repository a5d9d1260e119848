"""Finds which procedure a citizen's text is about, by the aliases in the knowledge base.

Matching works on folded syllables (no diacritics, abbreviations expanded), so "mất cccd",
"mat can cuoc cong dan" and "mất căn cước công dân" meet the same alias. An alias matches when its
syllables appear in order in the text, a gap of up to two words allowed between them; a syllable of
four letters or more may carry one typo (Damerau/OSA distance 1, by rapidfuzz), and an alias of five
syllables or more may miss one, but never its last ("đăng ký khai" is not "đăng ký khai tử"). The score is the number of syllables matched, less small penalties,
so the most specific alias wins ("đổi bằng lái xe" over "bằng lái xe"). When two procedures reach the
same best score the text is ambiguous and the caller asks which one was meant.

Old and colloquial names of the synonym lexicon (knowledge/lexicon/synonyms.yml, ``bot.text.synonyms``)
are rewritten to today's names in the text and in the aliases alike, so "mất chứng minh thư" meets
"mất thẻ căn cước" and "sổ đỏ" meets "giấy chứng nhận quyền sử dụng đất". ``words(text)`` gives the
rewritten syllables, for the callers that look at the same text (qualifiers, aspects).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from rapidfuzz.distance import OSA

from bot.knowledge.model import Procedure, Synonym
from bot.text import search_key
from bot.text.synonyms import SynonymRewriter

MAX_GAP = 2
MAX_WORDS = 200  # a longer text is cut: matching stays fast on any input
MIN_SYLLABLES_TO_MISS_ONE = 5
TYPO_PENALTY = 0.25
MISSING_PENALTY = 0.75
TIE_MARGIN = 0.01
SUGGESTION_COVERAGE = 0.5


@dataclass(frozen=True)
class Alias:
    procedure_id: str
    text: str
    syllables: Tuple[str, ...]


@dataclass(frozen=True)
class Candidate:
    procedure_id: str
    score: float
    alias: str


@dataclass
class MatchResult:
    candidates: List[Candidate] = field(default_factory=list)
    suggestions: List[Candidate] = field(default_factory=list)

    @property
    def best(self) -> Optional[str]:
        """The procedure id when exactly one procedure matches best."""
        if self.candidates and not self.ambiguous:
            return self.candidates[0].procedure_id
        return None

    @property
    def ambiguous(self) -> bool:
        return len(self.tied) > 1

    @property
    def tied(self) -> List[str]:
        if not self.candidates:
            return []
        top = self.candidates[0].score
        return [c.procedure_id for c in self.candidates if c.score >= top - TIE_MARGIN]


def _similar(alias_syllable: str, word: str) -> Optional[float]:
    """0 for the same syllable, a penalty for a one-typo match, None otherwise."""
    if alias_syllable == word:
        return 0.0
    if len(alias_syllable) >= 4 and len(word) >= 4 and OSA.distance(alias_syllable, word) <= 1:
        return TYPO_PENALTY
    return None


def _align(alias: Sequence[str], words: Sequence[str]) -> Tuple[int, float]:
    """Best in-order alignment of alias syllables in words: (syllables matched, penalty)."""
    best = (0, 0.0)
    for start, word in enumerate(words):
        first_penalty = _similar(alias[0], word)
        skip_first = False
        if first_penalty is None:
            if len(alias) < MIN_SYLLABLES_TO_MISS_ONE or _similar(alias[1], word) is None:
                continue
            skip_first, first_penalty = True, MISSING_PENALTY + (_similar(alias[1], word) or 0.0)
        matched, penalty, position = 1, first_penalty, start
        missed, missed_last = (1 if skip_first else 0), False
        for number, syllable in enumerate(alias[(2 if skip_first else 1):], start=2 if skip_first else 1):
            found = None
            for offset in range(1, MAX_GAP + 2):
                if position + offset < len(words):
                    cost = _similar(syllable, words[position + offset])
                    if cost is not None:
                        found = (position + offset, cost)
                        break
            if found is None:
                missed += 1
                missed_last = number == len(alias) - 1
                penalty += MISSING_PENALTY
                continue
            position, cost = found
            matched += 1
            penalty += cost
        allowed_missing = 1 if len(alias) >= MIN_SYLLABLES_TO_MISS_ONE else 0
        if missed <= allowed_missing and not missed_last and (matched, -penalty) > (best[0], -best[1]):
            best = (matched, penalty)
    return best


def _coverage(alias: Sequence[str], words: Sequence[str]) -> float:
    """Share of alias syllables found anywhere in words (for suggestions, not answers)."""
    found = sum(1 for syllable in alias if any(_similar(syllable, word) is not None for word in words))
    return found / len(alias) if found >= 2 else 0.0


def _keep_best(found: Dict[str, Candidate], candidate: Candidate) -> None:
    current = found.get(candidate.procedure_id)
    if current is None or candidate.score > current.score:
        found[candidate.procedure_id] = candidate


class ProcedureMatcher:
    def __init__(self, procedures: Iterable[Procedure], synonyms: Iterable[Synonym] = ()) -> None:
        self.rewriter = SynonymRewriter((entry.means, entry.said) for entry in synonyms)
        self.aliases: List[Alias] = []
        self.names: Dict[str, str] = {}
        self.qualifiers: Dict[str, Tuple[str, ...]] = {}
        seen = set()
        for procedure in procedures:
            self.names[procedure.id] = procedure.name
            self.qualifiers[procedure.id] = tuple(procedure.qualifiers)
            for text in [procedure.name, *procedure.aliases]:
                key = tuple(self.rewriter.rewrite(search_key(text).split()))
                if key and (procedure.id, key) not in seen:
                    seen.add((procedure.id, key))
                    self.aliases.append(Alias(procedure.id, text, key))

    def words(self, text: str) -> List[str]:
        """The text's syllables as the matcher compares them (folded, synonyms rewritten), cut at MAX_WORDS."""
        return self.rewriter.rewrite(search_key(text).split()[:MAX_WORDS])[:MAX_WORDS]

    def match(self, text: str) -> MatchResult:
        return self.match_words(self.words(text))

    def match_words(self, words: Sequence[str]) -> MatchResult:
        best: Dict[str, Candidate] = {}
        partial: Dict[str, Candidate] = {}
        if words:
            for alias in self.aliases:
                matched, penalty = _align(alias.syllables, words)
                if matched > 0:
                    _keep_best(best, Candidate(alias.procedure_id, round(matched - penalty, 3), alias.text))
                else:
                    coverage = _coverage(alias.syllables, words)
                    if coverage >= SUGGESTION_COVERAGE:
                        _keep_best(partial, Candidate(alias.procedure_id, round(coverage, 3), alias.text))
        candidates = sorted(best.values(), key=lambda c: (-c.score, c.procedure_id))
        suggestions = sorted(
            (c for pid, c in partial.items() if pid not in best), key=lambda c: (-c.score, c.procedure_id)
        )
        return MatchResult(candidates=candidates, suggestions=suggestions[:4])
