"""Finds which procedure a citizen's text is about, by the aliases in the knowledge base.

Matching works on folded syllables (no diacritics, abbreviations expanded), so "mất cccd",
"mat can cuoc cong dan" and "mất căn cước công dân" meet the same alias. An alias matches when its
syllables appear in order in the text, a gap of up to two words allowed between them; a syllable of
four letters or more may carry one typo (Damerau/OSA distance 1, by rapidfuzz) where it follows the
alias's previous syllable without a gap, and an alias of five
syllables or more may miss one, but never its last ("đăng ký khai" is not "đăng ký khai tử"). The score is the number of syllables matched, less small penalties,
so the most specific alias wins ("đổi bằng lái xe" over "bằng lái xe"); a syllable a synonym added
weighs less (below). When two procedures reach the
same best score the text is ambiguous and the caller asks which one was meant.

Old and colloquial names of the synonym lexicon (knowledge/lexicon/synonyms.yml, ``bot.text.synonyms``)
are rewritten to today's names in the text and in the aliases alike, so "mất chứng minh thư" meets
"mất thẻ căn cước" and "sổ đỏ" meets "giấy chứng nhận quyền sử dụng đất". ``words(text)`` gives the
rewritten syllables, for the callers that look at the same text (qualifiers, aspects).

Imported procedures (a ``catalogue`` block, bot.knowledge.imported) are found by their official name, which
is long ("Đăng ký, cấp Giấy chứng nhận đối với trường hợp đã chuyển quyền sử dụng đất trước") while
citizens say a part of it. Besides the aligned name (without its leading "Thủ tục"), a name is retrieved
by the share of its content syllables (``content_syllables``) the text says within one window
(``NAME_WINDOW`` × the name's length): at least ``NAME_MIN_SAID`` of them said exactly and
``NAME_MIN_SHARE`` of the name, including a distinctive syllable (one few official names have:
"cấp", "đăng ký", "giấy" are in hundreds) unless the whole name is said; the score is the syllables said × that share, less typos. Every score an official name of an
imported procedure earns is lowered by ``NAME_PENALTY``, so a hand-written alias of the same strength
wins; the words of its field (lĩnh vực) in the text add up to ``FIELD_BONUS``. A retired record
(``catalogue.retired_on``) is not matched at all. An imported procedure without ``qualifiers:`` covers
those its name says (``name_qualifiers``).

At the scale of a province (2,000 procedures) the work per text stays small: one sparse product counts,
for every alias and name, how many of its syllables the text has, and only those that can reach an
alignment, a suggestion or a name's share are looked at; the typo neighbours of a word are computed once
per matcher (one matcher per knowledge version), and the last results are kept (``RESULT_CACHE`` texts:
stage 1 matches the same syllables several times per message).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import lru_cache
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np
from rapidfuzz.distance import OSA
from scipy.sparse import csc_matrix
from rapidfuzz.process import extract

from bot.knowledge.imported import content_syllables, is_imported, is_retired, name_qualifiers, spoken_name
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
NAME_PENALTY = 0.5  # an imported procedure's official name ranks below a hand-written alias as strong
NAME_MIN_SAID = 2  # content syllables of an official name the text must say…
NAME_MIN_SHARE = 0.6  # …and this share of them, within one window
NAME_WINDOW = 2  # × the name's content syllables (+ MAX_GAP): how spread out in the text they may be
FIELD_BONUS = 0.25  # the whole field (lĩnh vực) said too
DISTINCTIVE_SHARE = 0.01  # a syllable in more official names than this share (at least DISTINCTIVE_MIN)…
DISTINCTIVE_MIN = 5  # …is common ("cấp", "đăng ký", "giấy"): a name is retrieved only if a rarer one is said
RESULT_CACHE = 256
TYPO_CACHE = 4096


@dataclass(frozen=True)
class Alias:
    procedure_id: str
    text: str
    syllables: Tuple[str, ...]
    weights: Tuple[float, ...] = ()  # per syllable: < 1 where a synonym made a short name long
    penalty: float = 0.0  # NAME_PENALTY for the official name of an imported procedure


@dataclass(frozen=True)
class OfficialName:
    """An imported procedure's name for retrieval by share: its content syllables, its field's."""

    procedure_id: str
    text: str
    syllables: Tuple[str, ...]
    field: Tuple[str, ...] = ()


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


def _hits(vocabulary: "set", long_vocabulary: Sequence[str], words: Sequence[str],
          typos: Optional[Dict[str, Tuple[str, ...]]] = None) -> Hits:
    """Where each alias syllable occurs in ``words``, exactly or with one typo (OSA, one C-level pass per
    word, remembered in ``typos`` when given)."""
    positions: Dict[str, List[int]] = {}
    for position, word in enumerate(words):
        positions.setdefault(word, []).append(position)
    hits: Hits = {}
    for word, at in positions.items():
        if word in vocabulary:
            hits[word] = {p: 0.0 for p in at}
    for word, at in positions.items():
        if len(word) < 4 or not long_vocabulary:
            continue
        near = typos.get(word) if typos is not None else None
        if near is None:
            near = tuple(syllable for syllable, distance, _ in
                         extract(word, long_vocabulary, scorer=OSA.distance, score_cutoff=1, limit=None)
                         if distance == 1)
            if typos is not None:
                if len(typos) >= TYPO_CACHE:
                    typos.clear()
                typos[word] = near
        for syllable in near:
            found = hits.setdefault(syllable, {})
            for p in at:
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
                    # a typo only next to the syllable before: a gap and a typo together make a name of
                    # unrelated words ("đăng ký được không biết có đúng" is not "đăng ký biến động")
                    if position + offset < length and position + offset in at and (
                            offset == 1 or at[position + offset] == 0):
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


def _said_share(name: OfficialName, hits: Hits, text_weights: Sequence[float],
                distinctive: "set") -> Tuple[int, float, float, float]:
    """Over the densest window of the text: (content syllables said, share of the name said, what they
    weigh in the text — less where a synonym made a short name long —, typo cost); (0, 0, 0, 0) unless at
    least NAME_MIN_SAID are said exactly and one of them is distinctive (not in many official names) or the
    whole name is said."""
    found = sorted((position, syllable, cost) for syllable in name.syllables
                   for position, cost in hits.get(syllable, {}).items())
    width = NAME_WINDOW * len(name.syllables) + MAX_GAP
    best: Tuple[int, float, float, float] = (0, 0.0, 0.0, 0.0)
    start = 0
    for end in range(len(found)):
        while found[end][0] - found[start][0] > width:
            start += 1
        costs: Dict[str, Tuple[float, float]] = {}
        for position, syllable, cost in found[start:end + 1]:
            weight = min(1.0, text_weights[position]) if position < len(text_weights) else 1.0
            kept = costs.get(syllable)
            if kept is None or (cost, -weight) < (kept[0], -kept[1]):
                costs[syllable] = (cost, weight)
        exact = [syllable for syllable, (cost, _) in costs.items() if cost == 0]
        if len(exact) < NAME_MIN_SAID or not (distinctive.intersection(exact) or len(costs) == len(name.syllables)):
            continue
        typos = sum(cost for cost, _ in costs.values())
        weight = sum(w for _, w in costs.values())
        candidate = (len(costs), len(costs) / len(name.syllables), weight, typos)
        if (candidate[0], candidate[2] - candidate[3]) > (best[0], best[2] - best[3]):
            best = candidate
    return best


def _needed(name: OfficialName) -> float:
    """How many of a name's content syllables the text must say."""
    return max(NAME_MIN_SAID, NAME_MIN_SHARE * len(name.syllables))


def _field_bonus(name: OfficialName, hits: Hits) -> float:
    if not name.field:
        return 0.0
    return FIELD_BONUS if all(syllable in hits for syllable in name.field) else 0.0


def _coverage(alias: Sequence[str], hits: Hits) -> float:
    """Share of alias syllables found anywhere in the text (for suggestions, not answers)."""
    found = sum(1 for syllable in alias if hits.get(syllable))
    return found / len(alias) if found >= 2 else 0.0


def _keep_best(found: Dict[str, Candidate], candidate: Candidate) -> None:
    current = found.get(candidate.procedure_id)
    if current is None or candidate.score > current.score:
        found[candidate.procedure_id] = candidate


@lru_cache(maxsize=20000)
def _folded(text: str) -> Tuple[str, ...]:
    """The search key's syllables of a name or alias (kept: a reload rebuilds the matcher from the same texts)."""
    return tuple(search_key(text).split())


class _Qualifiers(dict):
    """Procedure id -> the qualifiers it covers; an imported procedure without ``qualifiers:`` gets those
    its name says (``name_qualifiers``), worked out when first asked for."""

    def __init__(self) -> None:
        super().__init__()
        self._pending: Dict[str, Tuple[str, ...]] = {}

    def later(self, procedure_id: str, name_words: Tuple[str, ...]) -> None:
        self._pending[procedure_id] = name_words

    def _resolve(self, procedure_id: str) -> None:
        words = self._pending.pop(procedure_id, None)
        if words is not None:
            self[procedure_id] = name_qualifiers(words)

    def get(self, procedure_id, default=None):  # type: ignore[override]
        self._resolve(procedure_id)
        return super().get(procedure_id, default)

    def __getitem__(self, procedure_id):
        self._resolve(procedure_id)
        return super().__getitem__(procedure_id)

    def __contains__(self, procedure_id) -> bool:
        return procedure_id in self._pending or super().__contains__(procedure_id)


def _incidence(rows: Sequence[Sequence[str]], column: Dict[str, int]) -> csc_matrix:
    """A 0/1 matrix: row i has a 1 in the column of each distinct syllable of ``rows[i]``."""
    data_rows: List[int] = []
    data_columns: List[int] = []
    for number, syllables in enumerate(rows):
        for syllable in set(syllables):
            data_rows.append(number)
            data_columns.append(column[syllable])
    return csc_matrix((np.ones(len(data_rows)), (data_rows, data_columns)), shape=(len(rows), len(column)))


def _counts(matrix: csc_matrix, columns: Sequence[int]) -> np.ndarray:
    """Per row, how many of ``columns`` it has."""
    if not columns or matrix.shape[0] == 0:
        return np.zeros(matrix.shape[0])
    return np.asarray(matrix[:, list(columns)].sum(axis=1)).ravel()


class Words(list):
    """Syllables of a text as the matcher compares them, with the weight of each (``weights``)."""

    def __init__(self, words: Iterable[str], weights: Sequence[float] = ()) -> None:
        super().__init__(words)
        self.weights = list(weights) if len(weights) == len(self) else [1.0] * len(self)


class ProcedureMatcher:
    def __init__(self, procedures: Iterable[Procedure], synonyms: Iterable[Synonym] = ()) -> None:
        self.rewriter = SynonymRewriter((entry.means, entry.said) for entry in synonyms)
        self.aliases: List[Alias] = []
        self.official: List[OfficialName] = []
        self.names: Dict[str, str] = {}
        self.qualifiers = _Qualifiers()
        seen = set()
        for procedure in procedures:
            if is_retired(procedure):
                continue
            imported = is_imported(procedure)
            self.names[procedure.id] = procedure.name
            name = spoken_name(procedure) if imported else procedure.name
            for text in [name, *procedure.aliases]:
                rewritten, weights = self.rewriter.rewrite_weighted(_folded(text))
                key = tuple(rewritten)
                if key and (procedure.id, key) not in seen:
                    seen.add((procedure.id, key))
                    penalty = NAME_PENALTY if imported and text is name else 0.0
                    self.aliases.append(Alias(procedure.id, text, key, tuple(weights), penalty))
            covered = tuple(procedure.qualifiers)
            if imported:
                words = tuple(self.rewriter.rewrite(_folded(name)))
                content = content_syllables(words)
                catalogue_field = procedure.catalogue.field if procedure.catalogue else None
                field = content_syllables(self.rewriter.rewrite(_folded(catalogue_field or "")))
                if len(content) >= NAME_MIN_SAID:
                    self.official.append(OfficialName(procedure.id, name, content, field))
                if not covered:  # what its name says, found when first asked (2,000 names take seconds)
                    self.qualifiers.later(procedure.id, words)
                    continue
            self.qualifiers[procedure.id] = covered
        self.alias_syllables: Dict[str, List[frozenset]] = {}
        for alias in self.aliases:
            self.alias_syllables.setdefault(alias.procedure_id, []).append(frozenset(alias.syllables))
        syllables = {syllable for alias in self.aliases for syllable in alias.syllables}
        syllables |= {syllable for name in self.official for syllable in name.syllables}
        self._vocabulary = sorted(syllables)
        self._vocabulary_set = set(self._vocabulary)
        self._long_vocabulary = [syllable for syllable in self._vocabulary if len(syllable) >= 4]
        # which syllables each alias and each official name has (rows), by vocabulary column: the text's
        # syllables select columns, a sum per row says how many of them each has (one sparse product)
        self._column = {syllable: number for number, syllable in enumerate(self._vocabulary)}
        self._aliases_by_syllable = _incidence([alias.syllables for alias in self.aliases], self._column)
        distinct = np.array([len(set(alias.syllables)) for alias in self.aliases], dtype=float)
        long_alias = np.array([len(alias.syllables) >= MIN_SYLLABLES_TO_MISS_ONE for alias in self.aliases])
        self._need_align = distinct - long_alias  # all syllables, or all but one for a long alias
        self._need_suggest = np.maximum(2, SUGGESTION_COVERAGE * distinct)
        self._names_by_syllable = _incidence([name.syllables for name in self.official], self._column)
        self._need_name = np.array([_needed(name) for name in self.official], dtype=float)
        naming: Dict[str, int] = {}
        for official in self.official:
            for syllable in official.syllables:
                naming[syllable] = naming.get(syllable, 0) + 1
        common = max(DISTINCTIVE_MIN, DISTINCTIVE_SHARE * len(self.official))
        self._distinctive = {syllable for syllable, count in naming.items() if count <= common}
        self._typos: Dict[str, Tuple[str, ...]] = {}
        self._results: "OrderedDict[Tuple, MatchResult]" = OrderedDict()
        self._lock = threading.Lock()

    def words(self, text: str) -> "Words":
        """The text's syllables as the matcher compares them (folded, synonyms rewritten), cut at MAX_WORDS;
        ``.weights`` says how much of the citizen's text each stands for (see SynonymRewriter)."""
        rewritten, weights = self.rewriter.rewrite_weighted(search_key(text).split()[:MAX_WORDS])
        return Words(rewritten[:MAX_WORDS], weights[:MAX_WORDS])

    def match(self, text: str) -> MatchResult:
        return self.match_words(self.words(text))

    def match_words(self, words: Sequence[str]) -> MatchResult:
        text_weights = tuple(getattr(words, "weights", None) or ())
        key = (tuple(words), text_weights)
        with self._lock:
            kept = self._results.get(key)
            if kept is not None:
                self._results.move_to_end(key)
        if kept is None:
            kept = self._match(words, text_weights)
            with self._lock:
                self._results[key] = kept
                while len(self._results) > RESULT_CACHE:
                    self._results.popitem(last=False)
        return MatchResult(candidates=list(kept.candidates), suggestions=list(kept.suggestions))

    def _match(self, words: Sequence[str], text_weights: Sequence[float]) -> MatchResult:
        best: Dict[str, Candidate] = {}
        partial: Dict[str, Candidate] = {}
        if words:
            with self._lock:
                hits = _hits(self._vocabulary_set, self._long_vocabulary, words, self._typos)
            # how many of each alias's (and name's) syllables the text has: an alignment needs all (or all
            # but one for a long alias), a suggestion two and half of them, a name NAME_MIN_SHARE
            columns = [self._column[syllable] for syllable in hits if syllable in self._column]
            said = _counts(self._aliases_by_syllable, columns)
            for number in np.nonzero(said >= self._need_align)[0].tolist():
                alias = self.aliases[number]
                matched, score = _align(alias.syllables, len(words), hits, alias.weights, text_weights)
                if matched > 0:
                    _keep_best(best, Candidate(alias.procedure_id, round(score - alias.penalty, 3), alias.text))
            for number in np.nonzero(said >= self._need_suggest)[0].tolist():
                alias = self.aliases[number]
                if alias.procedure_id in best:
                    continue
                coverage = _coverage(alias.syllables, hits)
                if coverage >= SUGGESTION_COVERAGE:
                    _keep_best(partial, Candidate(alias.procedure_id, round(coverage, 3), alias.text))
            weights = list(text_weights) or [1.0] * len(words)
            named = _counts(self._names_by_syllable, columns)
            for number in np.nonzero(named >= self._need_name)[0].tolist():
                official = self.official[number]
                count, share, weight, typos = _said_share(official, hits, weights, self._distinctive)
                if count >= _needed(official):
                    score = weight * share - typos - NAME_PENALTY + _field_bonus(official, hits)
                    _keep_best(best, Candidate(official.procedure_id, round(score, 3), official.text))
        candidates = sorted(best.values(), key=lambda c: (-c.score, c.procedure_id))
        suggestions = sorted(
            (c for pid, c in partial.items() if pid not in best), key=lambda c: (-c.score, c.procedure_id)
        )
        return MatchResult(candidates=candidates, suggestions=suggestions[:4])
