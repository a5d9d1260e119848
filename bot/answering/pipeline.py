"""The answer path: ``answer(text, context, knowledge) -> Reply`` on ONE knowledge snapshot.

Order, for every question the dialogue hands to the answer path (actions/procedures.py, actions/faq.py):

1. A button or a typed payload ("/ask_fee{"procedure":"…"}") names the procedure and the aspect: no
   understanding needed.
2. Otherwise stage 1, ``understand(text, knowledge, remembered_procedure, intent)`` (bot/answering/
   understand). When it detects no aspect, the aspects still pending from "which procedure?" apply.
3. An FAQ entry very close to the message (``FAQ_THRESHOLD_CLOSE``; about no procedure or the one resolved)
   answers it: FAQ questions are the ones the procedure fields do not answer.
4. By the resolution:
   * resolved, with a qualifier none of our procedures covers -> a special case of it that declares
     that qualifier and matches (``find.case_for_qualifiers``: that case alone, with the honest note,
     recorded "case_only"); else ``not_covered_reply`` (reason "qualifier_not_covered"), the procedure
     only as a button;
   * resolved -> ``find`` (stage 2) then ``answer_reply`` (stage 3);
   * ambiguous -> the FAQ when it is sure (``FAQ_THRESHOLD_WITHOUT_PROCEDURE``), else "which one?";
   * not_covered -> for an uncovered qualifier, a special case of the closest procedure as above; else
     ``not_covered_reply`` (reason "procedure_not_found", or "qualifier_not_covered"),
     except when the closest procedure declares no ``qualifiers`` at all (its coverage is unknown):
     that one is answered;
   * none -> the remembered procedure for a follow-up; else the FAQ (``FAQ_THRESHOLD`` when the NLU
     did not take it for a procedure question, the stricter threshold otherwise; an answer within
     ``LOW_CONFIDENCE_MARGIN`` of it is recorded "low_confidence"); else "which procedure?" when an
     aspect was asked in a short message (≤ ``SHORT_MESSAGE`` syllables, or a follow-up), "we do not
     have this procedure" for a longer one, and
     ``dont_know`` (reason "fallback") when nothing was asked (or the NLU said out_of_scope).

Nothing here talks to Rasa or writes to Redis: the adapter records ``Reply.record_unanswered``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Callable, Optional, Tuple

import yaml

from bot.answering import compose as stage3
from bot.answering.find import case_for_qualifiers, find, labels, procedures_answering
from bot.answering.intents import ASPECT_INTENTS, PROCEDURE_INTENTS
from bot.answering.understand.qualifiers import lexicon as qualifier_lexicon
from bot.answering.types import Asked, Resolution, ResolutionStatus, Reply, Understanding
from bot.knowledge.render import render_faq
from bot.settings import Settings, load_settings
from bot.text import syllables

LOW_CONFIDENCE_MARGIN = 0.1
SHORT_MESSAGE = 7  # syllables: a message naming no procedure this short asks "which procedure?"
INTENT_ASPECTS = {intent: aspect for aspect, intent in ASPECT_INTENTS.items()}


@dataclass(frozen=True)
class Context:
    """What the conversation knows besides the text."""

    intent: Optional[str] = None  # the NLU's intent (a hint only: incidental words mislead it)
    procedure: Optional[str] = None  # the procedure a button or payload named
    aspect: Optional[str] = None  # the aspect a button named ("steps")
    remembered_procedure: Optional[str] = None  # slot "procedure": the last one answered
    pending_aspects: Tuple[Asked, ...] = ()  # asked before "which procedure?"
    channel: Optional[str] = None  # "sms" shortens the reply to fit
    payload: bool = False  # the message is a button payload ("/ask_fee{…}")


def _understander() -> Optional[Callable[..., Understanding]]:
    try:
        from bot.answering.understand import understand
    except ImportError:  # stage 1 not installed: the matcher-only understanding below
        return None
    return understand


def basic_understanding(text: str, live, remembered: Optional[str], intent: Optional[str]) -> Understanding:
    """Stage 1 reduced to the procedure matcher and the intent, used only while
    bot.answering.understand is absent: one aspect (the intent's), no qualifiers."""
    match = live.matcher.match(text)
    if match.best:
        resolution = Resolution(ResolutionStatus.resolved, match.best)
    elif match.ambiguous:
        resolution = Resolution(ResolutionStatus.ambiguous, candidates=tuple(match.tied[:3]))
    else:
        resolution = Resolution(ResolutionStatus.none, candidates=tuple(c.procedure_id for c in match.suggestions[:3]))
    words = syllables(text)
    follow_up = len(words) <= 7 or bool({"con", "the", "vay", "no", "thi", "sao"}.intersection(words[:2]))
    aspect = INTENT_ASPECTS.get(intent or "")
    asked = (aspect,) if aspect and aspect is not Asked.overview else ()
    return Understanding(text, (text,), asked, resolution, follow_up)


def _names(live, ids) -> Tuple[Tuple[str, str], ...]:
    procedures = live.base.procedures
    return tuple((pid, procedures[pid].name) for pid in ids if pid in procedures)


QUALIFIERS_FILE = Path(__file__).resolve().parent.parent / "text" / "qualifiers.yml"


@lru_cache(maxsize=1)
def _qualifier_labels() -> dict:
    if not QUALIFIERS_FILE.exists():
        return {}
    data = yaml.safe_load(QUALIFIERS_FILE.read_text(encoding="utf-8")) or {}
    return {key: (value or {}).get("label") for key, value in (data.get("qualifiers") or {}).items()}


def _qualifier_label(key: str) -> str:
    """The words for a qualifier (its ``label`` in bot/text/qualifiers.yml, stage 1's lexicon)."""
    return _qualifier_labels().get(key) or labels()["qualifier"]


def _faq_reply(live, text: str, threshold: float) -> Optional[Reply]:
    hit = live.faq.search(text)
    if not hit or hit.score < threshold:
        return None
    record = "low_confidence" if hit.score < threshold + LOW_CONFIDENCE_MARGIN else None
    return Reply(render_faq(hit.entry), (), hit.entry.procedure, "faq", record,
                 {"faq": hit.entry.id, "score": round(hit.score, 3)})


def _resolved(live, understanding: Understanding, procedure_id: str, context: Context, settings: Settings) -> Reply:
    findings = find(understanding, live, procedure_id, settings)
    reply = stage3.answer_reply(live.base.procedures[procedure_id], findings, settings.hotline, context.channel)
    also = [pid for pid in understanding.resolution.also if pid in live.base.procedures and pid != procedure_id]
    if not also:
        return reply
    # several papers to make again, listed together ("mất thẻ căn cước, bằng lái xe"): each answered
    more = [stage3.answer_reply(live.base.procedures[pid], find(understanding, live, pid, settings),
                                settings.hotline, context.channel) for pid in also]
    return stage3.joined_reply([reply, *more], context.channel)


def _main_matter(qualifiers) -> str:
    """The qualifier a reply is about: the first that is not only the background of another matter."""
    known = qualifier_lexicon().qualifiers
    return next((key for key in qualifiers if key in known and not known[key].context), qualifiers[0])


def _answered_by_a_case(live, understanding: Understanding, procedure_ids, context: Context,
                        settings: Settings) -> Optional[Reply]:
    """A matter none of our procedures covers ("cắt khẩu") that a special case declares and matches (of
    ``procedure_ids`` first, then of any procedure with such a case): that case alone, with the honest
    note (``find.case_for_qualifiers``)."""
    uncovered = understanding.resolution.uncovered_qualifiers
    for procedure_id in dict.fromkeys([*procedure_ids, *procedures_answering(live, uncovered)]):
        findings = case_for_qualifiers(understanding, live, procedure_id, uncovered, settings)
        if findings:
            return stage3.answer_reply(live.base.procedures[procedure_id], findings, settings.hotline,
                                       context.channel, case=_qualifier_label(_main_matter(uncovered)))
    return None


def understanding_of(text: str, context: Context, live) -> Understanding:
    procedures = live.base.procedures
    if context.payload and context.procedure in procedures:
        aspect = Asked(context.aspect) if context.aspect in Asked.__members__ else INTENT_ASPECTS.get(context.intent or "")
        asked = (aspect,) if aspect and aspect is not Asked.overview else context.pending_aspects
        return Understanding(text, (text,), tuple(asked), Resolution(ResolutionStatus.resolved, context.procedure))
    understand = _understander()
    remembered = context.remembered_procedure if context.remembered_procedure in procedures else None
    if understand is None:
        understood = basic_understanding(text, live, remembered, context.intent)
    else:
        understood = understand(text, live, remembered_procedure=remembered, intent=context.intent)
    if not understood.asked and context.pending_aspects:
        understood = replace(understood, asked=tuple(context.pending_aspects))
    return understood


def answer(text: str, context: Context = Context(), knowledge=None, settings: Optional[Settings] = None) -> Reply:
    """The reply to ``text``; ``knowledge`` is one snapshot (``repository.current()``, taken once)."""
    if knowledge is None:
        from bot.knowledge import repository

        knowledge = repository.current()
    live, settings = knowledge, settings or load_settings()
    procedures = live.base.procedures
    understood = understanding_of(text, context, live)
    resolution = understood.resolution
    status = resolution.status
    asked = understood.asked

    if not context.payload:
        close = live.faq.search(text)
        if close and close.score >= settings.faq_threshold_close and close.entry.procedure in (
                None, resolution.procedure_id):
            faq = _faq_reply(live, text, settings.faq_threshold_close)
            if faq:
                return faq

    resolved_id = resolution.procedure_id
    if status is ResolutionStatus.resolved and resolved_id is not None and resolved_id in procedures:
        if resolution.uncovered_qualifiers:
            by_case = _answered_by_a_case(live, understood, [resolved_id], context, settings)
            if by_case:
                return by_case
            return stage3.not_covered_reply(_names(live, [resolved_id, *resolution.candidates]),
                                            settings.hotline, settings.portal_url,
                                            _qualifier_label(resolution.uncovered_qualifiers[0]), asked)
        return _resolved(live, understood, resolved_id, context, settings)

    if status is ResolutionStatus.ambiguous:
        faq = _faq_reply(live, text, settings.faq_threshold_without_procedure)
        if faq:
            return faq
        return stage3.which_reply(_names(live, resolution.candidates), asked, several=True)

    if (status is ResolutionStatus.not_covered and resolution.uncovered_qualifiers and resolution.candidates
            and resolution.candidates[0] in procedures and not live.matcher.qualifiers.get(resolution.candidates[0])):
        # the closest procedure declares no qualifiers (written before they existed, or by an officer in
        # the workspace): its coverage is unknown, so the message's qualifier cannot rule it out
        understood = replace(understood, resolution=Resolution(ResolutionStatus.resolved, resolution.candidates[0]))
        return _resolved(live, understood, resolution.candidates[0], context, settings)

    if status is ResolutionStatus.not_covered and resolution.uncovered_qualifiers:
        by_case = _answered_by_a_case(live, understood, resolution.candidates[:1], context, settings)
        if by_case:
            return by_case

    if status is ResolutionStatus.not_covered:
        qualifier = resolution.uncovered_qualifiers[0] if resolution.uncovered_qualifiers else None
        return stage3.not_covered_reply(_names(live, resolution.candidates), settings.hotline, settings.portal_url,
                                        _qualifier_label(qualifier) if qualifier else None, asked)

    remembered = context.remembered_procedure if context.remembered_procedure in procedures else None
    if remembered and understood.follow_up and context.intent != "inform_procedure":
        return _resolved(live, understood, remembered, context, settings)

    procedure_question = context.intent in PROCEDURE_INTENTS
    threshold = settings.faq_threshold_without_procedure if procedure_question else settings.faq_threshold
    if context.intent != "inform_procedure":
        faq = _faq_reply(live, text, threshold)
        if faq:
            return faq
    options = [pid for pid in resolution.candidates if pid in procedures]
    short = understood.follow_up or len(syllables(text)) <= SHORT_MESSAGE
    if context.intent == "out_of_scope":  # "thời tiết thế nào": nothing named, the NLU says not ours
        asked = ()
    if short and (asked or procedure_question):
        if remembered and remembered not in options:
            options.insert(0, remembered)
        return stage3.which_reply(_names(live, options), asked, several=False)
    if asked or procedure_question:
        return stage3.not_covered_reply(_names(live, options), settings.hotline, settings.portal_url, None, asked)
    values = {"hotline": settings.hotline, "portal": settings.portal_url}
    return Reply(stage3.response_text("utter_dont_know", **values), (), None, "dont_know", "fallback",
                 {"response": "utter_dont_know", "values": values})
