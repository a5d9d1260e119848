"""Which procedure a message is about, respecting its qualifiers (bot/text/qualifiers.yml).

``resolve(matcher, words, question_words, remembered=None, follow_up=False) -> Resolution``, in order:

1. qualifiers are found in the whole message (the story counts) and, separately, in its questions;
2. the matcher's candidates for the whole message are the pool; when the message names no procedure but
   says a qualifier and a procedure is remembered ("còn nếu bị mất thì sao?"), the pool is the remembered
   procedure and its siblings (the procedures its name matches);
3. the pool keeps the candidates within POOL_MARGIN of the best alias score; each is ranked by: the
   qualifiers it does not cover that block (one said in a question; a `strict` one anywhere, except an
   `alone` matter told in the story while the questions name a procedure), then whether the questions
   name it (named in the story only ranks after; named in a question only as missing, "không có giấy kết
   hôn", ranks after that), then whether the clause a question asks in names it ("làm lại CMND thì có
   phải đổi sang căn cước không?": ``asked_clause``; the qualifiers before that clause are only said, not
   asked), then the story's qualifiers it does not cover, then its alias score; when even the best is blocked, the weaker and the partly named procedures (suggestions)
   about the same thing (sharing two of its non-generic syllables) join the pool with their own scores (alias score, or the share
   of an alias said), so two siblings that both cover the case are told apart rather than tied; when every
   qualifier blocking it is a `variant` one (a foreign element), the procedures of their own for it whose
   alias spells out the best's whole alias join too, just below its score (``_covering_siblings``);
4. the best leaves only papers-made-again qualifiers (REISSUE) uncovered and a sibling about the same
   thing covers them while the best covers the sibling's ("mất hoặc hỏng sổ đỏ": the re-issue of a lost
   one and the exchange of a damaged one) -> ``resolved`` with the sibling in ``also``: both answered;
   the best still leaves a blocking qualifier uncovered -> ``not_covered``: the closest candidates (≤ 3)
   and the qualifiers none of them covers; a matter of its own (`alone`: ly hôn, thừa kế, tranh chấp…)
   with no procedure named is ``not_covered`` too;
5. candidates equal to the best (same rank, same score) -> ``ambiguous`` with at most three, unless the
   remembered procedure is one of them; otherwise ``resolved``; a paper made again (REISSUE qualifiers)
   listed next to another that a procedure re-issues too ("mất thẻ căn cước, bằng lái xe") gives that
   procedure in ``also`` (≤ MAX_ALSO), covering every qualifier said, about another thing;
6. nothing named: a follow-up uses the remembered procedure (``resolved``); partial matches (the
   matcher's suggestions) with a blocking qualifier the closest of them does not cover -> ``not_covered``;
   else ``none``, with the near suggestions (≤ 3) as candidates.
"""

from __future__ import annotations

from typing import List, Optional, Sequence, Set, Tuple

from bot.answering.types import Resolution, ResolutionStatus
from bot.answering.understand import qualifiers as qualifier_lexicon
from bot.knowledge.matcher import TIE_MARGIN, Candidate, ProcedureMatcher

MAX_CANDIDATES = 3
# syllables that say what is done, not to what: a sibling must share the thing ("chung tu"), not the verb;
# "nhận" of "chứng nhận", "xác nhận" says the kind of paper ("sổ đỏ" is a giấy chứng nhận, so is a car's)
GENERIC_SYLLABLES = frozenset("cap lai lam doi mat giay the xin dang ky so ban bi hong nhan".split())
# words that link, not name: "ở" in "đăng ký kết hôn ở Việt Nam" does not tell which sibling
FUNCTION_SYLLABLES = frozenset("o tai voi co cho cua va la".split())
SIBLING_DISCOUNT = 0.5  # a sibling found by the qualifiers it covers ranks this far below the one named
POOL_MARGIN = 2.0  # candidates this far below the best alias score may still win on qualifiers
# Papers made again (lost, damaged, re-issued): several listed together are each a procedure to answer.
REISSUE = frozenset({"mat", "hong", "cap_lai"})
LIST_JOINERS = frozenset("va ca voi hoac cung".split())  # folded syllables between two listed papers
MAX_ALSO = 1
# "X thì Y?": X is the circumstance, Y the question (folded syllable)
CLAUSE_BREAK = frozenset({"thi"})


def _ordered_keys(matches) -> List[str]:
    keys: List[str] = []
    for match in matches:
        if match.key not in keys:
            keys.append(match.key)
    return keys


def qualifiers_in(words: Sequence[str]) -> List[str]:
    return _ordered_keys(qualifier_lexicon.lexicon().find(words))


def _siblings(matcher: ProcedureMatcher, remembered: str) -> List[Candidate]:
    """The remembered procedure first, then the procedures its own name matches."""
    found = matcher.match_words(matcher.words(matcher.names[remembered])).candidates
    top = max([c.score for c in found] + [0.0])
    return [Candidate(remembered, top + 1.0, "")] + [c for c in found if c.procedure_id != remembered]


# "không có giấy kết hôn", "chưa đăng ký kết hôn", "chưa làm giấy khai sinh" (not "chưa rõ", "chưa biết")
ABSENCE = frozenset({("khong", "co"), ("chua", "co"), ("chua", "dang"), ("khong", "dang"), ("chua", "lam"),
                     ("chua", "duoc")})
ABSENCE_REACH = 2  # syllables between the words of absence and the name ("không có giấy …")


def _said_absent(matcher: ProcedureMatcher, words: Sequence[str], alias: str) -> bool:
    """Whether the question names this procedure's result only as missing: a word of absence just
    before every syllable of the alias that the question has ("không có giấy kết hôn thì con mang họ cha được không?" asks
    about the birth registration, not about registering the marriage)."""
    said = [s for s in matcher.words(alias) if s in words]  # the alias's syllables the question has
    if not said:
        return False
    for start in range(len(words) - 1):
        if (words[start], words[start + 1]) in ABSENCE:
            window = list(words[start + 1:start + 1 + ABSENCE_REACH + len(said)])
            if all(s in window for s in said):
                return True
    return False


def asked_clause(matcher: ProcedureMatcher, question: Sequence[str]) -> Optional[List[str]]:
    """The clause a question asks in, when it names a procedure: "làm lại CMND thì có phải đổi sang thẻ
    căn cước không?" tells what was done before the last CLAUSE_BREAK and asks about the exchange after
    it. None when the question has no such break or the clause after it names no procedure."""
    breaks = [i for i, word in enumerate(question) if word in CLAUSE_BREAK]
    if not breaks:
        return None
    tail = list(question[breaks[-1] + 1:])
    return tail if matcher.match_words(tail).candidates else None


def _span(matcher: ProcedureMatcher, words: Sequence[str], alias: str) -> Optional[Tuple[int, int]]:
    """Where the thing the alias names stands (its syllables but the generic ones at either end, in order
    and next to each other) in ``words``, or None."""
    syllables = list(matcher.words(alias))
    while syllables and syllables[0] in GENERIC_SYLLABLES:  # the thing named, without "mất", "giấy"…
        syllables.pop(0)
    while syllables and syllables[-1] in GENERIC_SYLLABLES:
        syllables.pop()
    for start in range(len(words) - len(syllables) + 1):
        if syllables and list(words[start:start + len(syllables)]) == syllables:
            return start, start + len(syllables)
    return None


def _listed_together(matcher: ProcedureMatcher, words: Sequence[str], first: str, second: str) -> bool:
    """Two papers named one after the other ("thẻ căn cước, bằng lái xe", "căn cước và hộ chiếu")."""
    a, b = _span(matcher, words, first), _span(matcher, words, second)
    if not a or not b:
        return False
    (_, left_end), (right_start, _) = sorted([a, b])
    between = words[left_end:right_start]
    return right_start >= left_end and len(between) <= 3 and all(
        w in LIST_JOINERS or w in GENERIC_SYLLABLES for w in between)


def _covering_siblings(matcher: ProcedureMatcher, words: Sequence[str], first: Candidate, blocking: Sequence[str],
                       said: Sequence[str]) -> List[Candidate]:
    """The procedures of their own for a `variant` case (the registrations with a foreign element) that
    cover every qualifier blocking ``first`` and have an alias spelling out ``first``'s whole alias ("đăng
    ký kết hôn" in "đăng ký kết hôn có yếu tố nước ngoài", not in "sửa giấy khai sinh"), though the text
    says none of their aliases: "đăng ký kết hôn" with a man of Chinese nationality is the marriage with
    a foreign element. Each ranks below ``first``'s score by the share of its alias's own words (beyond
    ``first``'s, without FUNCTION_SYLLABLES) the text leaves unsaid, at most SIBLING_DISCOUNT: two
    siblings the text tells apart no better tie, and the citizen chooses."""
    lexicon = qualifier_lexicon.lexicon()
    if not blocking or not all(lexicon.qualifiers[key].variant for key in blocking):
        return []
    named = set(matcher.words(first.alias))
    if len(named - GENERIC_SYLLABLES) < 2:
        return []
    present = set(words)
    found: List[Candidate] = []
    for procedure_id, alias_syllables in matcher.alias_syllables.items():
        covers = matcher.qualifiers.get(procedure_id, ())
        if procedure_id == first.procedure_id or not all(lexicon.covers(covers, key, said) for key in blocking):
            continue
        own = [syllables - named - FUNCTION_SYLLABLES for syllables in alias_syllables if named <= syllables]
        if own:
            share = max(len(extra & present) / len(extra) if extra else 0.0 for extra in own)
            found.append(Candidate(procedure_id, first.score - SIBLING_DISCOUNT * (1 - share), first.alias))
    return found


def _blocks(qualifier: qualifier_lexicon.Qualifier, asked: bool, questions_name_a_procedure: bool) -> bool:
    """Whether an uncovered qualifier rules a candidate out. A `context` one (ly hôn, tranh chấp: often the
    background of another procedure) only when the questions name no procedure; any other when said in a
    question; else when strict — except an `alone` matter told in the story while the questions name a
    procedure."""
    if qualifier.context:
        return not questions_name_a_procedure
    if asked:
        return True
    if qualifier.alone:
        return not questions_name_a_procedure
    return qualifier.strict


def resolve(
    matcher: ProcedureMatcher,
    words: Sequence[str],
    question_words: Sequence[Sequence[str]],
    remembered: Optional[str] = None,
    follow_up: bool = False,
) -> Resolution:
    lexicon = qualifier_lexicon.lexicon()
    said = qualifiers_in(words)
    clauses = [asked_clause(matcher, question) for question in question_words]
    # a qualifier said before the clause a question asks in is its circumstance, not what it asks
    asked = {key for question, clause in zip(question_words, clauses) for key in qualifiers_in(clause or question)}
    named_in_clauses = {pid for clause in clauses if clause for pid in matcher.match_words(clause).tied}
    if remembered not in matcher.names:
        remembered = None
    result = matcher.match_words(words)
    pool = list(result.candidates)
    if pool:
        pool = [c for c in pool if c.score >= pool[0].score - POOL_MARGIN]
    if not pool and remembered and (follow_up or said):
        pool = _siblings(matcher, remembered)
    alone = [k for k in said if lexicon.qualifiers[k].alone]
    if not pool:
        if alone:
            closest = tuple(p for k in alone for p in lexicon.qualifiers[k].closest if p in matcher.names)
            return Resolution(ResolutionStatus.not_covered, candidates=closest[:MAX_CANDIDATES],
                              qualifiers=tuple(said), uncovered_qualifiers=tuple(alone))
        if remembered and follow_up:
            return Resolution(ResolutionStatus.resolved, procedure_id=remembered, qualifiers=tuple(said))
        top = result.suggestions[0].score if result.suggestions else 0.0
        suggestions = tuple(c.procedure_id for c in result.suggestions[:MAX_CANDIDATES] if c.score >= top - 0.1)
        blocking = [
            k for k in said
            if (lexicon.qualifiers[k].strict or k in asked)
            and not lexicon.covers(matcher.qualifiers.get(suggestions[0], ()) if suggestions else (), k, said)
        ]
        if suggestions and blocking:  # "cấp lại giấy khai sinh": half a name, and a case none of them covers
            return Resolution(ResolutionStatus.not_covered, candidates=suggestions, qualifiers=tuple(said),
                              uncovered_qualifiers=tuple(blocking))
        return Resolution(ResolutionStatus.none, candidates=suggestions, qualifiers=tuple(said))

    named_in_questions: Set[str] = set()
    absent: Set[str] = set()  # named in a question only as what the citizen does not have
    for question in question_words:
        for candidate in matcher.match_words(question).candidates:
            if _said_absent(matcher, question, candidate.alias):
                absent.add(candidate.procedure_id)
            else:
                named_in_questions.add(candidate.procedure_id)
    absent -= named_in_questions

    def uncovered(candidate: Candidate) -> Tuple[List[str], List[str]]:
        covers = matcher.qualifiers.get(candidate.procedure_id, ())
        missing = [k for k in said if not lexicon.covers(covers, k, said)]
        blocking = [k for k in missing if _blocks(lexicon.qualifiers[k], k in asked, bool(named_in_questions))]
        return blocking, [k for k in missing if k not in blocking]

    named = {c.procedure_id for c in pool}

    def rank(candidate: Candidate) -> Tuple:
        blocking, soft = uncovered(candidate)
        story_only = bool(named_in_questions) and candidate.procedure_id not in named_in_questions
        return (len(blocking), candidate.procedure_id not in named, story_only, candidate.procedure_id in absent,
                bool(named_in_clauses) and candidate.procedure_id not in named_in_clauses, len(soft))

    first = min(pool, key=lambda c: (rank(c), -c.score))
    if uncovered(first)[0]:
        # the procedures named do not cover the case: a partly named sibling about the same thing may
        # ("làm lại giấy chứng tử" whose original is lost is a copy of the death record, not a new registration)
        thing = set(matcher.words(first.alias)) - GENERIC_SYLLABLES
        weaker = [c for c in result.candidates if c.procedure_id not in named]
        pool += [
            # a sibling keeps its own score (alias score, or share of an alias said): two siblings that both
            # cover the case are told apart by how much of their name the text says, not tied
            Candidate(c.procedure_id, c.score, c.alias) for c in weaker + list(result.suggestions)
            if any(len(thing & syllables) >= min(2, len(thing) or 99)
                   for syllables in matcher.alias_syllables.get(c.procedure_id, ()))
        ]
        for sibling in _covering_siblings(matcher, words, first, uncovered(first)[0], said):
            known = [c for c in pool if c.procedure_id == sibling.procedure_id]
            if not known or all(c.score < sibling.score for c in known):
                pool = [c for c in pool if c.procedure_id != sibling.procedure_id] + [sibling]
    ranked = sorted(pool, key=lambda c: (rank(c), -c.score, c.procedure_id))
    best = ranked[0]
    blocking, _ = uncovered(best)
    if blocking and set(blocking) <= REISSUE:
        # "mất hoặc hỏng sổ đỏ": each sibling makes the paper again for one of the cases, both are answered
        thing = set(matcher.words(best.alias)) - GENERIC_SYLLABLES
        for other in ranked[1:]:
            other_blocking = uncovered(other)[0]
            if (other.procedure_id != best.procedure_id and set(other_blocking) <= REISSUE
                    and not set(blocking) & set(other_blocking)
                    and thing & (set(matcher.words(other.alias)) - GENERIC_SYLLABLES)):
                return Resolution(ResolutionStatus.resolved, procedure_id=best.procedure_id, qualifiers=tuple(said),
                                  also=(other.procedure_id,))
    if blocking:
        nobody = tuple(k for k in blocking if not any(k not in uncovered(c)[0] for c in pool))
        closest = tuple(dict.fromkeys(c.procedure_id for c in ranked))
        closest = closest[:MAX_CANDIDATES]
        return Resolution(ResolutionStatus.not_covered, candidates=closest, qualifiers=tuple(said),
                          uncovered_qualifiers=nobody or tuple(blocking))
    tied = [c.procedure_id for c in ranked if rank(c) == rank(best) and c.score >= best.score - TIE_MARGIN]
    if len(tied) > 1:
        if remembered in tied:
            return Resolution(ResolutionStatus.resolved, procedure_id=remembered, qualifiers=tuple(said))
        return Resolution(ResolutionStatus.ambiguous, candidates=tuple(tied[:MAX_CANDIDATES]), qualifiers=tuple(said))
    also: List[str] = []
    if REISSUE & set(said):
        thing = set(matcher.words(best.alias)) - GENERIC_SYLLABLES
        for other in ranked[1:]:
            other_thing = set(matcher.words(other.alias)) - GENERIC_SYLLABLES
            another_paper = bool(other_thing) and not other_thing & thing and other.procedure_id != best.procedure_id
            named_too = other.procedure_id in named and other.procedure_id not in absent
            if (len(also) < MAX_ALSO and other.procedure_id not in also and another_paper and named_too
                    and uncovered(other) == ([], []) and _listed_together(matcher, words, best.alias, other.alias)):
                also.append(other.procedure_id)
    return Resolution(ResolutionStatus.resolved, procedure_id=best.procedure_id, qualifiers=tuple(said),
                      also=tuple(also))
