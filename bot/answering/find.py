"""Stage 2 of the answer path: the facts that answer each asked aspect of ONE resolved procedure.

``find(understanding, live, procedure_id, settings)`` -> ``Findings``. An aspect the procedure answers
by being made for that case (``COVERED_BY``: "lost" for the lost-card procedure) is dropped, unless the
procedure has a special case of that topic. Then for each asked aspect, in the order asked:

1. The procedure's own field, when it has one for that aspect (documents, fee — one line per channel
   when ``channels`` gives a fee —, deadline — per channel likewise —, authority and where, online,
   legal_basis, steps, conditions, subjects, result, validity, exemption from the fee's exemptions).
2. Otherwise (special-case aspects such as late, lost, delegation, and fields the procedure lacks)
   retrieval over THIS procedure's special cases (question + variants, ``SpecialCaseIndex``): the best
   case for any of the question sentences. A case whose topic is the aspect asked is taken when it is
   the procedure's only case of that topic (stage 1 already said what is asked), or, among several, the
   best at a third of ``settings.special_case_threshold``; a case of another topic needs the threshold.
3. Then the FAQ, only entries about this procedure or about no procedure, at ``settings.faq_threshold``.
4. "How is it done?" (steps) without steps: the documents and where to go (``INSTEAD``).
5. Below the thresholds the aspect is ``unanswered``: the reply says so honestly. Never another
   procedure's fact.

When the citizen tells their own case (``Understanding.situation``) and asks what depends on it, a
special case the message matches (at the threshold; the asked aspect's topic first) answers before the
procedure's field; an answer that is still only the procedure's fields, for an aspect that depends on
the case (not one of ``SAME_FOR_EVERY_CASE``), is answered by a matching case first. An answer to a
told case that is still only the procedure's fields, whatever the aspect (what to bring can differ too:
grandparents registering a birth, a paper lost), is marked ``general_only``: stage 3 says it is the
general rule and gives the hotline, and the question is recorded for officers.

When no aspect was detected, a special case that clearly matches the question (``STRONG_MATCH`` ×
threshold, scored on the words besides the procedure's name and aliases; for the topics of ``TOPIC_NEEDS`` only when the message has such a qualifier) answers it; otherwise the overview. A special case that matches the question strongly is
also added after the field answers (the asked aspects come first) when its topic is not among them and
the message says a qualifier or tells a case ("khai sinh quá hạn cần giấy gì": documents, and the late case). ``others`` are the aspects not asked that the procedure can answer,
offered as buttons.

``case_for_qualifiers``: a message whose qualifier none of our procedures covers ("cắt khẩu", "tách hộ")
is answered by a special case that declares it (``SpecialCase.qualifiers``), alone, when one matches.
Nothing here writes to Redis; the special-case index is built once per knowledge
snapshot.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional, Sequence, Tuple

import yaml

from bot.answering.types import Asked, Finding, Findings, Understanding
from bot.knowledge.faq_search import FaqHit, SpecialCaseIndex
from bot.knowledge.model import ChannelWay, Procedure
from bot.knowledge.render import BULLET, ONLINE_LEVELS, fee_lines, fee_summary, money
from bot.settings import Settings
from bot.text import search_key

LABELS_FILE = Path(__file__).resolve().parent / "labels.yml"
# a special case of this topic adds nothing when that field was answered (the fee lines carry the exemptions)
ANSWERED_WITH = {Asked.exemption: Asked.fee}
# A question sentence that is itself a case ("nhà chưa có sổ đỏ có nhập hộ khẩu được không?") is answered
# by that case before the field, like a story: × special_case_threshold on the question sentences, and on
# the words besides the procedure's name (the same case).
QUESTION_CASE = 1.2
QUESTION_CASE_DISTINCT = 0.4
STRONG_MATCH = 1.6  # × special_case_threshold: a case this close answers even an unasked aspect
OVERVIEW_DOCUMENTS = 3
# The aspects offered as buttons, in this order, when the procedure can answer them.
OFFERED = (Asked.documents, Asked.fee, Asked.deadline, Asked.authority, Asked.online, Asked.steps,
           Asked.conditions, Asked.result)
# "How do I do it?" when the procedure has no steps: what to bring and where to go (the facts we have).
INSTEAD = {Asked.steps: (Asked.documents, Asked.authority)}
# What to bring goes with where to bring it: answered from the fields, these come along unasked.
ALONG_WITH = {Asked.documents: (Asked.authority,)}
# A special case of these topics answers an unasked question only when the message has the qualifier
# (bot/text/qualifiers.yml): the words of the procedure's name must not pull in "có yếu tố nước ngoài".
TOPIC_NEEDS = {"foreign": {"yeu_to_nuoc_ngoai", "o_nuoc_ngoai", "quoc_tich"}, "lost": {"mat", "hong"}}
# A procedure made for the case answers these aspects by being that procedure ("làm lại căn cước bị
# mất": the lost-card procedure): the aspect is dropped when the procedure covers such a qualifier
# and has no special case of that topic.
COVERED_BY = {Asked.lost: {"mat", "hong"}, Asked.foreign: {"yeu_to_nuoc_ngoai", "o_nuoc_ngoai"},
              Asked.minor: {"tre_em"}, Asked.late: {"qua_han"}}
# Aspects whose field usually holds for the case a citizen tells (what to bring, where, how long, the
# fee, the steps): a special case the story matches does not replace the field. Whether the case is
# allowed, required, valid, late… (conditions, obligation, validity, the overview of a question not
# understood) depends on the case told: a matching special case answers first.
SAME_FOR_EVERY_CASE = frozenset({Asked.documents, Asked.authority, Asked.deadline, Asked.fee, Asked.online,
                                 Asked.legal_basis, Asked.steps})
# Special-case topics (bot.knowledge.model.SpecialCaseTopic) that answer an aspect of another name.
TOPIC_OF = {Asked.conditions: "condition"}


@lru_cache(maxsize=1)
def labels() -> Dict:
    return yaml.safe_load(LABELS_FILE.read_text(encoding="utf-8"))


def _bullets(lines: Sequence[str]) -> Tuple[str, ...]:
    return tuple(BULLET + line for line in lines)


def _per_channel(ways: Sequence[ChannelWay], value) -> List[str]:
    names = labels()["channels"]
    return [f"{names[way.kind.value]}: {value(way)}" for way in ways if value(way)]


def _way_fee(fee) -> str:
    """A channel's fee on one line, with each amount's case and the note: a free case never loses the
    condition it is free under ("công dân số … : miễn lệ phí; người khác 135.000 đồng")."""
    parts = [
        (f"{item.case}: " if item.case else "")
        + ("miễn lệ phí" if item.amount == 0 else money(item.amount) + (f"/{item.unit}" if item.unit else ""))
        for item in fee.items
    ]
    if fee.note:
        parts.append(fee.note.rstrip("."))
    return "; ".join(parts)


def _fee(procedure: Procedure) -> Tuple[str, ...]:
    ways = [way for way in procedure.channels if way.fee is not None]
    if not ways:
        return tuple(fee_lines(procedure.fee))
    lines = _per_channel(ways, lambda way: _way_fee(way.fee))
    others = [w for w in procedure.channels if w.fee is None]
    if others:  # the channels without their own fee pay the procedure's
        lines += _per_channel(others, lambda way: fee_summary(procedure.fee))
    extra = [line for line in fee_lines(procedure.fee) if not line.startswith(BULLET)]  # exemptions, note
    return _bullets(lines) + tuple(extra)


def _deadline(procedure: Procedure) -> Tuple[str, ...]:
    ways = [way for way in procedure.channels if way.deadline]
    if not ways:
        return (procedure.deadline,)
    return (procedure.deadline, *_bullets(_per_channel(ways, lambda way: way.deadline)))


def where_to_submit(procedure: Procedure) -> Optional[str]:
    """``where``, or for an imported procedure without it, what its level (cấp thực hiện) says
    (``where_by_level`` in labels.yml: a commune procedure is submitted at the commune's one-stop desk)."""
    if procedure.where:
        return procedure.where
    level = procedure.catalogue.level if procedure.catalogue else None
    template = (labels().get("where_by_level") or {}).get(level.value) if level else None
    return template.format(authority=procedure.authority) if template else None


def _along_lines(procedure: Procedure, aspect: Asked) -> Tuple[str, ...]:
    """An aspect given unasked, in one line: where to submit rather than the authority and the place."""
    where = where_to_submit(procedure)
    if aspect is Asked.authority and where:
        return (where,)
    return field_lines(procedure, aspect)[:1]


def _authority(procedure: Procedure) -> Tuple[str, ...]:
    where = where_to_submit(procedure)
    if not where:
        return (procedure.authority,)
    return (f"Cơ quan giải quyết: {procedure.authority}", f"Nơi nộp: {where}")


def _online(procedure: Procedure) -> Tuple[str, ...]:
    lines = [ONLINE_LEVELS[procedure.online.level]]
    if procedure.online.description:
        lines.append(procedure.online.description)
    if procedure.online.url and procedure.online.url not in (procedure.online.description or ""):
        lines.append(f"Địa chỉ: {procedure.online.url}")
    return tuple(lines)


def _short(text: str) -> str:
    """The head of a long line for the overview: up to its first detail ("(…)", ";") or sentence."""
    head = re.split(r"\s\(|;|\. ", text, maxsplit=1)[0].strip().rstrip(".")
    return head if len(head) >= 10 else text


def _fee_in_brief(procedure: Procedure) -> str:
    """One short fee line: the amount, or the range when there are several cases."""
    amounts = sorted({item.amount for item in procedure.fee.items})
    if len(procedure.fee.items) <= 2 or not amounts:
        return _short(fee_summary(procedure.fee))
    low, high = amounts[0], amounts[-1]
    return labels()["overview"]["fee_range"].format(
        low=labels()["overview"]["free"] if low == 0 else money(low), high=money(high))


def _overview(procedure: Procedure) -> Tuple[str, ...]:
    names = labels()["overview"]
    documents = [_short(d) for d in procedure.documents[:OVERVIEW_DOCUMENTS]]
    lines = [f"{names['documents']}:", *_bullets(documents)]
    if len(procedure.documents) > OVERVIEW_DOCUMENTS:
        lines.append(names["more_documents"].format(count=len(procedure.documents) - OVERVIEW_DOCUMENTS))
    lines += [
        f"{names['fee']}: {_fee_in_brief(procedure)}",
        f"{names['deadline']}: {_short(procedure.deadline)}",
        f"{names['authority']}: {procedure.authority}",
        f"{names['online']}: {ONLINE_LEVELS[procedure.online.level]}",
    ]
    return tuple(lines)


def field_lines(procedure: Procedure, asked: Asked) -> Tuple[str, ...]:
    """What the procedure's own fields say about ``asked``; () when they say nothing."""
    if asked is Asked.documents:
        return _bullets(procedure.documents)
    if asked is Asked.fee:
        return _fee(procedure)
    if asked is Asked.deadline:
        return _deadline(procedure)
    if asked is Asked.authority:
        return _authority(procedure)
    if asked is Asked.online:
        return _online(procedure)
    if asked is Asked.legal_basis:
        return _bullets(procedure.legal_basis)
    if asked is Asked.overview:
        return _overview(procedure)
    if asked is Asked.steps:
        return tuple(f"{number}. {step}" for number, step in enumerate(procedure.steps, 1))
    if asked is Asked.conditions:
        return _bullets(procedure.conditions)
    if asked is Asked.subjects:
        return _bullets(procedure.subjects)
    if asked is Asked.result and procedure.result:
        validity = f" ({procedure.result.validity})" if procedure.result.validity else ""
        return (procedure.result.document + validity,)
    if asked is Asked.validity and procedure.result and procedure.result.validity:
        return (f"{procedure.result.document}: {procedure.result.validity}",)
    if asked is Asked.exemption and procedure.fee.exemptions:
        return _bullets(procedure.fee.exemptions)
    return ()


# --- retrieval ---------------------------------------------------------------------------------

_indexes: Dict[Tuple[int, bool], Tuple[object, SpecialCaseIndex]] = {}
_lock = threading.Lock()


def special_case_index(live, distinct: bool = False) -> SpecialCaseIndex:
    """One index per knowledge snapshot (the last two kept); ``distinct``: the cases' texts without
    their procedure's name and aliases (query with ``_without_names``)."""
    key = (id(live.base), distinct)
    with _lock:
        kept = _indexes.get(key)
        if kept is None or kept[0] is not live.base:
            if len(_indexes) >= 4:
                _indexes.pop(next(iter(_indexes)))
            procedures = list(live.base.procedures.values())
            kept = (live.base, SpecialCaseIndex(procedures, _without_names if distinct else None))
            _indexes[key] = kept
    return kept[1]


def _best(hits: Sequence[Optional[FaqHit]]) -> Optional[FaqHit]:
    found = [hit for hit in hits if hit is not None and hit.score > 0]
    return max(found, key=lambda hit: hit.score) if found else None


def _queries(understanding: Understanding) -> List[str]:
    queries = [q for q in understanding.questions if q.strip()]
    if understanding.text not in queries:
        queries.append(understanding.text)
    return queries


def _without_names(text: str, procedure: Procedure) -> str:
    """The text without the syllables of the procedure's name and aliases: what is left says which
    special case is asked (every case of the procedure shares the name's words)."""
    names = {word for alias in [procedure.name, *procedure.aliases] for word in search_key(alias).split()}
    return " ".join(word for word in search_key(text).split() if word not in names)


def _special_case(live, procedure_id: str, queries: Sequence[str], said: FrozenSet[str], topic: Optional[str] = None,
                  distinct: bool = False, qualifiers: FrozenSet[str] = frozenset(), message: str = "") -> Optional[FaqHit]:
    """The best special case for any of ``queries``; ``said``: the message's qualifiers (a case made for
    qualifiers is a candidate only when one of them is said; ``message``: the whole message, which the
    case may not contradict: see ``bot.knowledge.faq_search.contradicts``)."""
    index = special_case_index(live, distinct)
    return _best([index.search(query, procedure_id, topic, qualifiers, said, message) for query in queries])


def procedures_answering(live, qualifiers: Sequence[str]) -> List[str]:
    """The procedures with a special case that declares every one of ``qualifiers``."""
    return special_case_index(live).answering(frozenset(qualifiers))


def case_for_qualifiers(understanding: Understanding, live, procedure_id: str, qualifiers: Sequence[str],
                        settings: Settings) -> Optional[Findings]:
    """The findings when the message says qualifiers the procedure does not cover but one of its
    special cases answers (its ``qualifiers`` name them all) and matches the message at the threshold:
    that case alone (``case_only``: stage 3 says the rest of that matter is not in the knowledge base).
    None otherwise: the caller says honestly that it does not have the procedure."""
    if not qualifiers or procedure_id not in live.base.procedures:
        return None
    hit = _special_case(live, procedure_id, _queries(understanding), frozenset(understanding.resolution.qualifiers),
                        qualifiers=frozenset(qualifiers), message=understanding.text)
    if hit is None or hit.score < settings.special_case_threshold:
        return None
    return Findings(procedure_id, (_case_finding(_aspect_of(hit.entry), hit.entry),), case_only=True)


def _aspect_of(case) -> Asked:
    topic = "conditions" if case.topic.value == "condition" else case.topic.value
    return Asked(topic) if topic in Asked.__members__ else Asked.other


def _case_finding(asked: Asked, case) -> Finding:
    return Finding(asked, (case.answer.strip(),), f"special_case:{case.id}", unclear=case.unclear)


def _faq(live, procedure_id: str, queries: Sequence[str]) -> Optional[FaqHit]:
    entries = live.faq.entries

    def allowed(number: int) -> bool:
        return entries[number].procedure in (None, procedure_id)

    return _best([live.faq.search(query, allowed=allowed) for query in queries])


def find(understanding: Understanding, live, procedure_id: str, settings: Settings) -> Findings:
    procedure: Procedure = live.base.procedures[procedure_id]
    queries = _queries(understanding)
    threshold = settings.special_case_threshold
    said = frozenset(understanding.resolution.qualifiers)
    message = understanding.text
    case_hit = _special_case(live, procedure_id, queries, said, message=message)
    asked = [a for a in dict.fromkeys(understanding.asked)
             if not (COVERED_BY.get(a, set()).intersection(procedure.qualifiers)
                     and not special_case_index(live).of_topic(procedure_id, a.value, said))]
    # a case answers what was not asked only when the words besides the procedure's name point to it
    distinct = _special_case(live, procedure_id, [_without_names(q, procedure) for q in queries], said, distinct=True,
                             message=message)

    def backed(hit: Optional[FaqHit], times: float) -> bool:
        """The words besides the procedure's name point to the same case, at ``times`` × the threshold."""
        return bool(hit and distinct and distinct.entry.id == hit.entry.id and distinct.score >= threshold * times)

    def qualified(hit: FaqHit) -> bool:
        """A case of a topic in ``TOPIC_NEEDS`` needs such a qualifier in the message."""
        needs = TOPIC_NEEDS.get(hit.entry.topic.value)
        return not needs or bool(needs & said)

    strong = bool(case_hit and backed(case_hit, STRONG_MATCH)
                  and (qualified(case_hit) or _aspect_of(case_hit.entry) in asked))
    # a question sentence that is itself a case ("nhà chưa có sổ đỏ có được nhập hộ khẩu không?")
    in_questions = _special_case(live, procedure_id, [q for q in understanding.questions if q.strip()], said,
                                 message=message)
    asks_a_case = bool(in_questions and in_questions.score >= threshold * QUESTION_CASE
                       and backed(in_questions, QUESTION_CASE_DISTINCT) and qualified(in_questions))

    answered: List[Finding] = []
    unanswered: List[Asked] = []
    used_cases = set()
    if not asked:
        chosen = case_hit if strong else in_questions if asks_a_case else None
        if chosen:
            answered.append(_case_finding(_aspect_of(chosen.entry), chosen.entry))
            used_cases.add(chosen.entry.id)
        else:
            asked = [Asked.overview]

    for aspect in asked:
        lines = field_lines(procedure, aspect)
        topic = TOPIC_OF.get(aspect, aspect.value)
        case_told = understanding.situation or (asks_a_case and aspect is not Asked.overview)
        if lines and (case_told or said) and aspect not in SAME_FOR_EVERY_CASE:
            # a case told in a story, or a circumstance said ("thẻ bị rách … còn dùng được không"): the
            # special case the message matches (of that topic; in a story, else any) beats the general rule
            chosen = _special_case(live, procedure_id, queries, said, topic, message=message)
            if not (chosen and chosen.score >= threshold and (case_told or qualified(chosen))):
                chosen = case_hit if case_told else None
            if chosen and chosen.entry.id not in used_cases and chosen.score >= threshold:
                answered.append(_case_finding(_aspect_of(chosen.entry), chosen.entry))
                used_cases.add(chosen.entry.id)
                continue
        if lines:
            answered.append(Finding(aspect, lines, "procedure"))
            continue
        same_topic = _special_case(live, procedure_id, queries, said, topic, message=message)
        of_topic = special_case_index(live).of_topic(procedure_id, topic, said, message)
        if len(of_topic) == 1 and same_topic is None:
            same_topic = FaqHit(of_topic[0], 0.0)
        if same_topic and same_topic.entry.id not in used_cases and (
                len(of_topic) == 1 or same_topic.score >= threshold / 3):
            answered.append(_case_finding(aspect, same_topic.entry))
            used_cases.add(same_topic.entry.id)
            continue
        if (case_hit and case_hit.entry.id not in used_cases and case_hit.score >= threshold
                and backed(case_hit, QUESTION_CASE_DISTINCT)):
            answered.append(_case_finding(aspect, case_hit.entry))
            used_cases.add(case_hit.entry.id)
            continue
        faq_hit = _faq(live, procedure_id, queries)
        if faq_hit and faq_hit.score >= settings.faq_threshold:
            answered.append(Finding(aspect, (faq_hit.entry.answer.strip(),), f"faq:{faq_hit.entry.id}"))
            continue
        instead = [a for a in INSTEAD.get(aspect, ()) if a not in asked and field_lines(procedure, a)]
        if instead:
            answered += [Finding(a, field_lines(procedure, a), "procedure") for a in instead]
            continue
        unanswered.append(aspect)

    # A special case the question clearly asks about, on top of the field answers: only when the message
    # says a circumstance (a qualifier: "quá hạn", "bị mất"…) or tells a case; otherwise the words left
    # besides the procedure's name are the asked aspect's own ("mất mấy ngày" is the deadline, not the duty).
    circumstance = bool(understanding.resolution.qualifiers) or understanding.situation
    if (strong and case_hit and circumstance and case_hit.entry.id not in used_cases
            and not any(f.source.startswith("special_case:") for f in answered)
            and ANSWERED_WITH.get(_aspect_of(case_hit.entry)) not in {f.asked for f in answered}):
        aspect = _aspect_of(case_hit.entry)
        answered.append(_case_finding(aspect, case_hit.entry))
        unanswered = [a for a in unanswered if a is not aspect]

    given = {f.asked for f in answered}
    for finding in [f for f in answered if f.source == "procedure"]:
        for along in ALONG_WITH.get(finding.asked, ()):
            if along not in given and along not in unanswered and field_lines(procedure, along):
                answered.append(Finding(along, _along_lines(procedure, along), "procedure", along=True))
                given.add(along)
    covered = {f.asked for f in answered} | set(unanswered)
    others = tuple(a for a in OFFERED if a not in covered and field_lines(procedure, a))
    general_only = (understanding.situation and bool(answered) and not unanswered
                    and all(f.source == "procedure" for f in answered))
    return Findings(procedure_id, tuple(answered), tuple(unanswered), others, general_only)
