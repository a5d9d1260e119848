"""Finds the question sentences of a message: the story around them counts for the procedure, not the aspects.

``split(text)`` cuts the message into sentences (at "?", "!", ";", a line break, or a full stop followed
by a space: "1.001193" and "TP.HCM" stay whole), then keeps those that are questions: ending with "?",
holding a marker of bot/text/questions.yml ("cho hỏi", "bao lâu", "được không"…) or ending with a
question word ("… không ạ"). A question sentence that chains several questions with commas, "và" or
"hoặc" ("cần giấy gì, nộp ở đâu, bao lâu thì có?") is cut into one question per part when every part is
itself a question. A question that only asks about what was just said ("thông tin này có chính xác
không?", ``refers_back`` of bot/text/questions.yml) keeps the sentence before it, which says what is
asked. When no sentence is a question, the whole message is the question.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import FrozenSet, List, Tuple

import yaml

from bot.text import search_key
from bot.text.phrases import PhraseSet

QUESTIONS_FILE = Path(__file__).resolve().parents[2] / "text" / "questions.yml"

_SENTENCE = re.compile(r"(?<=[?!;])|\n+|(?<=\.)\s+")
_PARTS = re.compile(r",|\s(?:và|hoặc|va|hoac|còn)\s", re.IGNORECASE)


@lru_cache(maxsize=1)
def _lexicon() -> Tuple[PhraseSet, FrozenSet[str], FrozenSet[str]]:
    raw = yaml.safe_load(QUESTIONS_FILE.read_text(encoding="utf-8")) or {}
    markers = PhraseSet({"q": raw.get("markers", []), "back": raw.get("refers_back", [])})
    last = frozenset(search_key(w) for w in raw.get("last_words", []))
    particles = frozenset(search_key(w) for w in raw.get("particles", []))
    return markers, last, particles


BACK_REFERENCE_WORDS = 12  # syllables: a longer question says what it asks itself


def _only_refers_back(sentence: str) -> bool:
    markers, _, _ = _lexicon()
    words = search_key(sentence).split()
    return len(words) <= BACK_REFERENCE_WORDS and any(match.key == "back" for match in markers.find(words))


def is_question(sentence: str) -> bool:
    if sentence.rstrip().endswith("?"):
        return True
    markers, last, particles = _lexicon()
    words = search_key(sentence).split()
    if not words:
        return False
    if any(match.key == "q" for match in markers.find(words)):
        return True
    while len(words) > 1 and words[-1] in particles:
        words.pop()
    return words[-1] in last


def sentences(text: str) -> List[str]:
    return [s.strip(" \t.,") for s in _SENTENCE.split(text or "") if s and s.strip(" \t.,?!;")]


def _parts(sentence: str) -> List[str]:
    parts = [p.strip(" ,") for p in _PARTS.split(sentence) if p and p.strip(" ,?")]
    if len(parts) > 1 and all(is_question(p) for p in parts):
        return parts
    return [sentence]


def split(text: str) -> Tuple[str, ...]:
    """The question sentences of ``text``, in order (the whole text when none stands out)."""
    found: List[str] = []
    previous = ""
    for sentence in sentences(text):
        if is_question(sentence):
            for number, part in enumerate(_parts(sentence)):
                back = _only_refers_back(part)
                if back and number > 0:
                    found[-1] = f"{found[-1]}, {part}"
                elif back and previous and not is_question(previous):
                    found.append(f"{previous}. {part}")
                else:
                    found.append(part)
        previous = sentence
    if not found:
        whole = (text or "").strip()
        return (whole,) if whole else ()
    return tuple(found)
