"""Finds which procedure a citizen's text is about, by the aliases in the knowledge base.

Matching works on folded syllables (no diacritics, abbreviations expanded), so "mất cccd",
"mat can cuoc cong dan" and "mất căn cước công dân" meet the same alias. An alias matches when its
syllables appear in order in the text, a gap of up to two words allowed between them; a syllable of
four letters or more may carry one typo (Damerau/OSA distance 1, by rapidfuzz), and an alias of five
syllables or more may miss one, but never its last ("đăng ký khai" is not "đăng ký khai tử"). The score is the number of syllables matched, less small penalties,
so the most specific alias wins ("đổi bằng lái xe" over "bằng lái xe"); a syllable a synonym added
weighs less (below). When two procedures reach the
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
from rapidfuzz.process import extract

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
    weights: Tuple[float, ...] = ()  # per syllable: < 1 where a synonym made a short name long


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


Hits = Dict[str, Dict[int, float]]  # alias syllable -> {position in the text: cost (0, or the typo penalty)}


def _hits(vocabulary: Sequence[str], long_vocabulary: Sequence[str], words: Sequence[str]) -> Hits:
    """Where each alias syllable occurs in ``words``, exactly or with one typo (OSA, one C-level pass per word)."""
    positions: Dict[str, List[int]] = {}
    for position, word in enumerate(words):
        positions.setdefault(word, []).append(position)
    hits: Hits = {}
    for syllable in vocabulary:
        if syllable in positions:
            hits[syllable] = {p: 0.0 for p in positions[syllable]}
    for word in positions:
        if len(word) < 4 or not long_vocabulary:
            continue
        for syllable, distance, _ in extract(word, long_vocabulary, scorer=OSA.distance, score_cutoff=1, limit=None):
            if distance == 1:
                found = hits.setdefault(syllable, {})
                for p in positions[word]:
                    found.setdefault(p, TYPO_PENALTY)
    return hits


def _align(
    alias: Sequence[str], length: int, hits: Hits, weights: Sequence[float] = (), text_weights: Sequence[float] = ()
) -> Tuple[int, float]:
    """Best in-order alignment of alias syllables in the text: (syllables matched, weighted score).

    A matched syllable counts the smaller of its weight in the alias and in the text (1, or less where a
    synonym made a short name long)."""
    weights = weights or [1.0] * len(alias)
    text_weights = text_weights or [1.0] * length
    best = (0, 0.0)
    best_key: Tuple[int, float] = (0, 0.0)
    first = hits.get(alias[0], {})
    second = hits.get(alias[1], {}) if len(alias) >= MIN_SYLLABLES_TO_MISS_ONE else {}
    for start in sorted(set(first) | set(second)):
        skip_first = start not in first
        first_penalty = MISSING_PENALTY + second[start] if skip_first else first[start]
        matched, penalty, position = 1, first_penalty, start
        gained = min(weights[1] if skip_first else weights[0], text_weights[start])
        missed, missed_last = (1 if skip_first else 0), False
        for number, syllable in enumerate(alias[(2 if skip_first else 1):], start=2 if skip_first else 1):
            found = None
            at = hits.get(syllable)
            if at:
                for offset in range(1, MAX_GAP + 2):
                    if position + offset < length and position + offset in at:
                        found = (position + offset, at[position + offset])
                        break
            if found is None:
                missed += 1
                missed_last = number == len(alias) - 1
                penalty += MISSING_PENALTY
                continue
            position, cost = found
            matched += 1
            gained += min(weights[number], text_weights[position])
            penalty += cost
        allowed_missing = 1 if len(alias) >= MIN_SYLLABLES_TO_MISS_ONE else 0
        if missed <= allowed_missing and not missed_last and (matched, -penalty) > best_key:
            best, best_key = (matched, gained - penalty), (matched, -penalty)
    return best


def _coverage(alias: Sequence[str], hits: Hits) -> float:
    """Share of alias syllables found anywhere in the text (for suggestions, not answers)."""
    found = sum(1 for syllable in alias if hits.get(syllable))
    return found / len(alias) if found >= 2 else 0.0


def _keep_best(found: Dict[str, Candidate], candidate: Candidate) -> None:
    current = found.get(candidate.procedure_id)
    if current is None or candidate.score > current.score:
        found[candidate.procedure_id] = candidate


class Words(list):
    """Syllables of a text as the matcher compares them, with the weight of each (``weights``)."""

    def __init__(self, words: Iterable[str], weights: Sequence[float] = ()) -> None:
        super().__init__(words)
        self.weights = list(weights) if len(weights) == len(self) else [1.0] * len(self)


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
                rewritten, weights = self.rewriter.rewrite_weighted(search_key(text).split())
                key = tuple(rewritten)
                if key and (procedure.id, key) not in seen:
                    seen.add((procedure.id, key))
                    self.aliases.append(Alias(procedure.id, text, key, tuple(weights)))
        self.alias_syllables: Dict[str, List[frozenset]] = {}
        for alias in self.aliases:
            self.alias_syllables.setdefault(alias.procedure_id, []).append(frozenset(alias.syllables))
        self._vocabulary = sorted({syllable for alias in self.aliases for syllable in alias.syllables})
        self._long_vocabulary = [syllable for syllable in self._vocabulary if len(syllable) >= 4]

    def words(self, text: str) -> "Words":
        """The text's syllables as the matcher compares them (folded, synonyms rewritten), cut at MAX_WORDS;
        ``.weights`` says how much of the citizen's text each stands for (see SynonymRewriter)."""
        rewritten, weights = self.rewriter.rewrite_weighted(search_key(text).split()[:MAX_WORDS])
        return Words(rewritten[:MAX_WORDS], weights[:MAX_WORDS])

    def match(self, text: str) -> MatchResult:
        return self.match_words(self.words(text))

    def match_words(self, words: Sequence[str]) -> MatchResult:
        best: Dict[str, Candidate] = {}
        partial: Dict[str, Candidate] = {}
        text_weights = getattr(words, "weights", None) or ()
        if words:
            hits = _hits(self._vocabulary, self._long_vocabulary, words)
            for alias in self.aliases:
                matched, score = _align(alias.syllables, len(words), hits, alias.weights, text_weights)
                if matched > 0:
                    _keep_best(best, Candidate(alias.procedure_id, round(score, 3), alias.text))
                else:
                    coverage = _coverage(alias.syllables, hits)
                    if coverage >= SUGGESTION_COVERAGE:
                        _keep_best(partial, Candidate(alias.procedure_id, round(coverage, 3), alias.text))
        candidates = sorted(best.values(), key=lambda c: (-c.score, c.procedure_id))
        suggestions = sorted(
            (c for pid, c in partial.items() if pid not in best), key=lambda c: (-c.score, c.procedure_id)
        )
        return MatchResult(candidates=candidates, suggestions=suggestions[:4])
