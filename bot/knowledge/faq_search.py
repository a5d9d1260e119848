"""Retrieval over FAQ entries: TF-IDF on word-segmented, diacritic-folded text.

Each entry is indexed by its question and its variants. A query is compared with every indexed
text by cosine similarity; the entry of the best text wins. Features are folded syllables and
syllable bigrams (robust to missing diacritics) plus underthesea's segmented words, folded
("giấy_tờ" -> "giay_to"), which weigh real Vietnamese words above chance syllable pairs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Sequence

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import linear_kernel
from underthesea import word_tokenize

from bot.knowledge.model import FaqEntry
from bot.text import expand_abbreviations, fold, normalize, syllables


def faq_features(text: str) -> List[str]:
    expanded = expand_abbreviations(normalize(text))
    plain = syllables(expanded)
    features = plain + [f"{a}_{b}" for a, b in zip(plain, plain[1:])]
    features += [
        "w:" + "_".join(syllables(word)) for word in word_tokenize(expanded) if " " in word and syllables(word)
    ]
    return features


@dataclass(frozen=True)
class FaqHit:
    entry: FaqEntry
    score: float


class FaqIndex:
    def __init__(self, entries: Sequence[FaqEntry]) -> None:
        self.entries = list(entries)
        self._owners: List[int] = []
        texts: List[str] = []
        for number, entry in enumerate(self.entries):
            for text in [entry.question, *entry.variants]:
                texts.append(text)
                self._owners.append(number)
        self._vectorizer: Optional[TfidfVectorizer] = None
        if texts:
            self._vectorizer = TfidfVectorizer(analyzer=faq_features, sublinear_tf=True)
            self._matrix = self._vectorizer.fit_transform(texts)

    def search(self, query: str) -> Optional[FaqHit]:
        if self._vectorizer is None or not fold(query).strip():
            return None
        scores = linear_kernel(self._vectorizer.transform([query]), self._matrix)[0]
        best = int(scores.argmax())
        return FaqHit(self.entries[self._owners[best]], float(scores[best]))
