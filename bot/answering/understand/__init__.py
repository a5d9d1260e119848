"""Stage 1 of the answer path: what the citizen asks, and about which procedure.

``understand(text, knowledge, remembered_procedure=None, intent=None) -> Understanding``, in order:

1. questions (``questions.split``): the question sentences of the message; a story around them still
   counts for the procedure and its qualifiers, the aspects come from the questions only;
2. follow-up: a procedure is remembered, the message names none, and it is short (≤ FOLLOW_UP_WORDS
   syllables) or refers back ("còn … thì sao", "thủ tục đó", bot/text/follow_up.yml);
3. aspects (``aspects.detect``): every aspect asked, in order; nothing found -> the NLU intent's aspect;
4. resolution (``resolve.resolve``): the procedure with its qualifiers: resolved, ambiguous (≤ 3),
   not_covered (honest: we lack it) or none;
5. the lost case is dropped from the aspects when the procedure resolved is itself the re-issue for a
   lost document and something else is asked too;
6. situation: the message tells the citizen's own case around its questions (``STORY_WORDS`` syllables
   or more outside the question sentences, or one question sentence of ``LONG_QUESTION`` or more): an
   answer from the procedure's general rule alone is then said to be the general rule (stage 2).

``knowledge`` is the turn's snapshot (``repository.current()``, a ``LiveKnowledge``) or directly a
``ProcedureMatcher``. Nothing here touches Redis or the network; a 200-word message takes a few ms.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, List, Optional, Tuple

import yaml

from bot.answering.types import Asked, Resolution, ResolutionStatus, Understanding
from bot.answering.understand import aspects as aspect_lexicon
from bot.answering.understand import questions as question_splitter
from bot.answering.understand.resolve import resolve
from bot.knowledge.matcher import ProcedureMatcher
from bot.text.phrases import PhraseSet

FOLLOW_UP_FILE = Path(__file__).resolve().parents[2] / "text" / "follow_up.yml"
FOLLOW_UP_WORDS = 8
STORY_WORDS = 15  # syllables outside the question sentences: a story told around the questions
LONG_QUESTION = 35  # syllables in one question sentence: the case is told inside the question


@lru_cache(maxsize=1)
def _referring_back() -> PhraseSet:
    raw = yaml.safe_load(FOLLOW_UP_FILE.read_text(encoding="utf-8")) or {}
    return PhraseSet({"back": raw.get("referring_back") or []})


def _matcher(knowledge: Any) -> ProcedureMatcher:
    if isinstance(knowledge, ProcedureMatcher):
        return knowledge
    return knowledge.matcher


def _without_the_procedures_own_case(asked: Tuple[Asked, ...], resolution: Resolution, matcher: ProcedureMatcher):
    """"Mất căn cước, làm lại cần gì?" resolved to the re-issue for a lost card asks for its documents: the
    loss is the procedure itself, not an aspect to answer besides (kept when it is the only aspect)."""
    if resolution.status != ResolutionStatus.resolved or len(asked) < 2 or Asked.lost not in asked:
        return asked
    covers = set(matcher.qualifiers.get(resolution.procedure_id or "", ()))
    if {"cap_lai", "mat"} <= covers:
        return tuple(a for a in asked if a != Asked.lost)
    return asked


def understand(
    text: str, knowledge: Any, remembered_procedure: Optional[str] = None, intent: Optional[str] = None
) -> Understanding:
    matcher = _matcher(knowledge)
    text = text or ""
    questions = question_splitter.split(text)
    words = matcher.words(text)
    question_words: List[List[str]] = [matcher.words(q) for q in questions]
    remembered = remembered_procedure if remembered_procedure in matcher.names else None
    follow_up = False
    if remembered and not matcher.match_words(words).candidates:
        follow_up = len(words) <= FOLLOW_UP_WORDS or bool(_referring_back().find(words))
    asked = aspect_lexicon.detect(question_words, intent)
    resolution = resolve(matcher, words, question_words, remembered, follow_up)
    asked = _without_the_procedures_own_case(asked, resolution, matcher)
    story = len(words) - sum(len(q) for q in question_words)
    situation = story >= STORY_WORDS or any(len(q) >= LONG_QUESTION for q in question_words)
    return Understanding(text=text, questions=questions, asked=asked, resolution=resolution, follow_up=follow_up,
                         situation=situation)


__all__ = ["understand"]
