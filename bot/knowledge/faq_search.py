"""Retrieval over FAQ entries: TF-IDF on word-segmented, diacritic-folded text.

Each entry is indexed by its question and its variants. Features are folded syllables and syllable
bigrams (robust to missing diacritics) plus underthesea's segmented words, folded ("giấy_tờ" ->
"giay_to"); question words ("ở đâu", "được không", data in ``bot/text/question_words.yml``) are left out.
IDF is learned over the FAQ texts together with the procedures' texts, so words common across public
services ("hồ sơ", "cấp", "giấy") weigh little.

Question words drop "không" too, so a special case about a refusal ("chủ hộ không đồng ý") looks like
the message of someone who was given consent ("bố mẹ đã đồng ý"): a case whose texts negate a phrase
the message says without negation, and never negated, is not a candidate (``contradicts``).

The score of a query against an entry is the cosine similarity with the entry's closest text,
multiplied by the geometric mean of two shares of topic words: the query's found in the text, and
the text's found in the query. A query that shares one word with an entry ("kết quả xổ số" /
"quá hạn trả kết quả") or says too little to tell ("lệ phí bao nhiêu") scores low.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, FrozenSet, Iterable, List, Optional, Sequence, Tuple

import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import linear_kernel
from underthesea import word_tokenize

from bot.knowledge.model import Procedure
from bot.text import expand_abbreviations, normalize, syllables

QUESTION_WORDS_FILE = Path(__file__).resolve().parent.parent / "text" / "question_words.yml"


@lru_cache(maxsize=1)
def question_words() -> FrozenSet[str]:
    return frozenset(yaml.safe_load(QUESTION_WORDS_FILE.read_text(encoding="utf-8")))


def topic_syllables(text: str) -> List[str]:
    return [s for s in syllables(expand_abbreviations(normalize(text))) if s not in question_words()]


@lru_cache(maxsize=50000)
def _features(text: str) -> Tuple[str, ...]:
    return tuple(faq_features(text))


def faq_features(text: str) -> List[str]:
    expanded = expand_abbreviations(normalize(text))
    plain = topic_syllables(text)
    features = plain + [f"{a}_{b}" for a, b in zip(plain, plain[1:])]
    for word in word_tokenize(expanded):
        folded = [s for s in syllables(word) if s not in question_words()]
        if " " in word and len(folded) > 1:
            features.append("w:" + "_".join(folded))
    return features


def _procedure_texts(procedures: Iterable[Procedure]) -> List[str]:
    """The hand-written procedures' texts (imported ones, with a ``catalogue`` block, are left out: a
    province's 2,000 official names and placeholder contents would reweigh every FAQ word, and cost
    seconds of segmentation at each reload)."""
    texts: List[str] = []
    for procedure in procedures:
        if procedure.catalogue is not None:
            continue
        texts += [procedure.name, *procedure.aliases, *procedure.documents, procedure.deadline, procedure.authority]
    return texts


NEGATIONS = frozenset({"khong", "chang"})


@lru_cache(maxsize=1024)
def _words(text: str) -> Tuple[str, ...]:
    return tuple(syllables(expand_abbreviations(normalize(text))))


def negated_phrases(text: str) -> FrozenSet[Tuple[str, ...]]:
    """What ``text`` says is not so: the one or two topic syllables right after "không" ("không đồng ý"
    -> ("dong", "y"), "không ký thì" -> ("ky",)); "… được không?" negates nothing."""
    words, found = _words(text), set()
    for i, word in enumerate(words[:-1]):
        if word in NEGATIONS and words[i + 1] not in question_words() and words[i + 1] not in NEGATIONS:
            phrase = words[i + 1:i + 3]
            if len(phrase) == 2 and (phrase[1] in question_words() or phrase[1] in NEGATIONS):
                phrase = phrase[:1]
            found.add(tuple(phrase))
    return frozenset(found)


def contradicts(negated: Iterable[Tuple[str, ...]], message: str) -> bool:
    """True when the message says one of ``negated`` only without a negation before it."""
    words = _words(message)
    for phrase in negated:
        n = len(phrase)
        starts = [i for i in range(len(words) - n + 1) if tuple(words[i:i + n]) == phrase]
        if starts and not any(i > 0 and words[i - 1] in NEGATIONS for i in starts):
            return True
    return False


@dataclass(frozen=True)
class FaqHit:
    entry: Any  # a FaqEntry, or a SpecialCase for SpecialCaseIndex
    score: float


class FaqIndex:
    """Any entries with ``question`` and ``variants`` (FAQ entries, special cases)."""

    def __init__(self, entries: Sequence[Any], procedures: Iterable[Procedure] = ()) -> None:
        self.entries = list(entries)
        self._owners: List[int] = []
        self._texts: List[str] = []
        for number, entry in enumerate(self.entries):
            for text in [entry.question, *entry.variants]:
                self._texts.append(text)
                self._owners.append(number)
        self._vectorizer: Optional[TfidfVectorizer] = None
        if self._texts:
            self._vectorizer = TfidfVectorizer(analyzer=_features, sublinear_tf=True)
            self._vectorizer.fit(self._texts + _procedure_texts(procedures))
            self._matrix = self._vectorizer.transform(self._texts)
            self._topics = [set(topic_syllables(text)) for text in self._texts]

    def search(self, query: str, allowed: Optional[Callable[[int], bool]] = None) -> Optional[FaqHit]:
        """The best entry for ``query`` (None when nothing shares a topic word); ``allowed(number)``
        keeps the search to some entries (by their position in ``entries``)."""
        topics = topic_syllables(query)
        if self._vectorizer is None or not topics:
            return None
        similarities = linear_kernel(self._vectorizer.transform([query]), self._matrix)[0]
        best_score, best_text = 0.0, -1
        for number, similarity in enumerate(similarities):
            if similarity <= 0 or (allowed is not None and not allowed(self._owners[number])):
                continue
            text_topics = self._topics[number]
            query_coverage = sum(1 for t in topics if t in text_topics) / len(topics)
            text_coverage = len(text_topics.intersection(topics)) / max(len(text_topics), 1)
            score = float(similarity) * math.sqrt(query_coverage * text_coverage)
            if score > best_score:
                best_score, best_text = score, number
        if best_text < 0:
            return None if allowed is not None else FaqHit(self.entries[self._owners[0]], 0.0)
        return FaqHit(self.entries[self._owners[best_text]], best_score)


class SpecialCaseIndex:
    """The special cases of every procedure in one index (IDF learned as for the FAQ), searched within
    one procedure only: a special case never answers a question about another procedure."""

    def __init__(self, procedures: Sequence[Procedure], rewrite: Optional[Callable[[str, Procedure], str]] = None) -> None:
        """``rewrite(text, procedure)``, when given, is applied to each case's question and variants
        before indexing (and should be applied to the queries too)."""
        self._cases: List[Tuple[str, Any]] = [(p.id, case) for p in procedures for case in p.special_cases]
        indexed: List[Any] = [case for _, case in self._cases]
        if rewrite is not None:
            owners = {p.id: p for p in procedures}
            indexed = [_Texts(rewrite(case.question, owners[pid]), [rewrite(v, owners[pid]) for v in case.variants])
                       for pid, case in self._cases]
        self._index = FaqIndex(indexed, procedures)
        self._negated = [frozenset().union(*(negated_phrases(t) for t in [case.question, *case.variants]))
                         for _, case in self._cases]

    def _contradicted(self, procedure_id: str, message: str) -> FrozenSet[int]:
        """The numbers of ``procedure_id``'s cases that ``contradicts`` the message."""
        if not message:
            return frozenset()
        return frozenset(number for number, ((owner, _), negated) in enumerate(zip(self._cases, self._negated))
                         if owner == procedure_id and negated and contradicts(negated, message))

    def of_topic(self, procedure_id: str, topic: str, said: FrozenSet[str] = frozenset(), message: str = "") -> List[Any]:
        contradicted = self._contradicted(procedure_id, message)
        return [case for number, (owner, case) in enumerate(self._cases)
                if owner == procedure_id and case.topic.value == topic and _usable(case, said)
                and number not in contradicted]

    def answering(self, qualifiers: FrozenSet[str]) -> List[str]:
        """The procedures with a special case that answers every one of ``qualifiers``, in index order."""
        owners = [owner for owner, case in self._cases if qualifiers and qualifiers <= set(case.qualifiers)]
        return list(dict.fromkeys(owners))

    def search(self, query: str, procedure_id: str, topic: Optional[str] = None,
               qualifiers: FrozenSet[str] = frozenset(), said: FrozenSet[str] = frozenset(),
               message: str = "") -> Optional[FaqHit]:
        """The best special case of ``procedure_id`` (of ``topic`` only, when given; among the cases that
        answer every one of ``qualifiers``, when given). A case that declares qualifiers is a candidate
        only when the message said one of them (``said``, or ``qualifiers``); a case that ``contradicts``
        the whole ``message`` (when given) is none."""
        said = said | qualifiers
        contradicted = self._contradicted(procedure_id, message)

        def allowed(number: int) -> bool:
            owner, case = self._cases[number]
            return (owner == procedure_id and (topic is None or case.topic.value == topic)
                    and qualifiers <= set(case.qualifiers) and _usable(case, said) and number not in contradicted)

        if not any(allowed(number) for number in range(len(self._cases))):
            return None
        hit = self._index.search(query, allowed=allowed)
        if hit is None:
            return None
        return FaqHit(self._cases[self._index.entries.index(hit.entry)][1], hit.score)


def _usable(case: Any, said: FrozenSet[str]) -> bool:
    """A case made for qualifiers its procedure does not cover answers only a message that says one."""
    return not case.qualifiers or bool(set(case.qualifiers) & said)


@dataclass(frozen=True)
class _Texts:
    question: str
    variants: List[str]
