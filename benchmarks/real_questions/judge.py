"""Scores one reply of the assistant to one real citizen's question (tests/real_questions/).

A question item says which procedure it is about (or ``procedure: null``: none of ours covers it),
which aspects were asked and, per aspect, what a correct answer must contain (``expect``: groups of
alternatives; every group needs one of its strings). Text is compared folded: lower case, no
diacritics, "đ" as "d", digit groups joined ("50.000" = "50000"), white space collapsed.

The verdict, in this order of checks:

Covered question (``procedure`` set):
1. ``correct``: every asked aspect's expectations are met, and the reply does not name another
   procedure of ours without naming the asked one;
2. ``dont_know``: the reply says honestly it does not know (the markers below and the hotline) and
   meets none of the expectations;
3. ``partial``: some asked aspects are met, not all;
4. ``clarify``: the reply asks the citizen something back (which procedure, say it again) and answers
   nothing;
5. ``wrong``: anything else: a confident answer about another procedure (reason ``other_procedure``)
   or without the asked facts (``facts_missing``: a wrong fact, or not the fact asked).

Question about a procedure we do not cover (``procedure: null``):
1. ``dont_know``: says honestly it does not have it (the markers and the hotline) — the right reply;
2. ``wrong``: answers as if one of our procedures were the one asked (its name as a heading, or its
   facts), without the honest markers;
3. ``clarify``: asks back without answering.

A reply can both answer and say "I am not sure": for covered questions the facts decide first.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Mapping, Optional, Sequence

VERDICTS = ("correct", "partial", "clarify", "dont_know", "wrong")

DONT_KNOW_MARKERS = (
    "chua co thong tin", "chua co du thong tin", "khong co thong tin", "chua chac chan", "khong chac chan",
    "chua ho tro", "khong ho tro", "chua co thu tuc", "chua co du lieu", "chua the tra loi", "khong the tra loi",
    "ngoai pham vi",
)
HOTLINE_MARKERS = ("18001096", "1800 1096", "dichvucong.gov.vn", "bo phan mot cua", "tong dai")
CLARIFY_MARKERS = (
    "thu tuc nao", "ban muon hoi", "chua hieu", "hoi lai", "ban chon", "vui long cho biet", "ma ho so",
)


def strip_diacritics(text: str) -> str:
    """The same text without diacritics (đ -> d), case and punctuation kept: a mechanical copy."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(ch for ch in text if unicodedata.category(ch) != "Mn"))


def fold(text: str) -> str:
    """Lower case, no diacritics, digit groups joined, one space between words."""
    text = strip_diacritics(text).lower()
    text = re.sub(r"(?<=\d)[.,](?=\d{3}\b)", "", text)
    return re.sub(r"\s+", " ", text).strip()


def reply_text(messages: Iterable[Mapping]) -> str:
    """The citizen-visible text of the assistant's messages, button titles included."""
    parts: List[str] = []
    for message in messages:
        if message.get("text"):
            parts.append(str(message["text"]))
        for button in message.get("buttons") or []:
            parts.append("[" + str(button.get("title", "")) + "]")
    return "\n".join(parts)


def _body(messages: Iterable[Mapping]) -> str:
    """The text without button titles: a suggestion button is not an answer."""
    return "\n".join(str(m["text"]) for m in messages if m.get("text"))


@dataclass(frozen=True)
class Verdict:
    verdict: str
    aspects_met: Dict[str, bool] = field(default_factory=dict)
    named: Sequence[str] = ()  # our procedures named in the reply's text
    honest: bool = False
    reason: str = ""  # for "wrong": "other_procedure" (named another of ours) or "facts_missing"


def aspect_met(expect_groups: Sequence[Sequence[str]], folded_reply: str) -> bool:
    if not expect_groups:
        return False
    return all(any(fold(alt) in folded_reply for alt in group) for group in expect_groups)


def procedures_named(folded_body: str, names: Mapping[str, Sequence[str]]) -> List[str]:
    """Ids of our procedures whose name (or one of its given headings) stands in the reply's text."""
    found = []
    for procedure_id, headings in names.items():
        if any(fold(h) and fold(h) in folded_body for h in headings):
            found.append(procedure_id)
    return found


def judge(item: Mapping, messages: Sequence[Mapping], names: Mapping[str, Sequence[str]]) -> Verdict:
    """``names``: procedure id -> the names the assistant uses as its answers' headings."""
    body = fold(_body(messages))
    honest = any(m in body for m in DONT_KNOW_MARKERS) and any(fold(m) in body for m in HOTLINE_MARKERS)
    clarify = any(m in body for m in CLARIFY_MARKERS)
    named = procedures_named(body, names)
    expected: Optional[str] = item.get("procedure")

    if expected:
        expect = item.get("expect") or {}
        met = {aspect: aspect_met(expect.get(aspect) or [], body) for aspect in item.get("aspects") or []}
        checked = [a for a in met if expect.get(a)]
        about_other = bool(named) and expected not in named
        all_met = bool(checked) and all(met[a] for a in checked)
        some_met = any(met[a] for a in checked)
        if all_met and not about_other:
            verdict = "correct"
        elif honest and not some_met:
            verdict = "dont_know"
        elif some_met and not about_other:
            verdict = "partial"
        elif clarify and not named:
            verdict = "clarify"
        elif clarify and not some_met and len(named) > 1:
            verdict = "clarify"  # "which of these?" with several options
        else:
            verdict = "wrong"
        reason = ("other_procedure" if about_other else "facts_missing") if verdict == "wrong" else ""
        return Verdict(verdict, met, tuple(named), honest, reason)

    if honest:
        return Verdict("dont_know", {}, tuple(named), honest)
    if clarify and len(named) != 1:
        return Verdict("clarify", {}, tuple(named), honest)
    if named or body:
        return Verdict("wrong", {}, tuple(named), honest, "other_procedure" if named else "facts_missing")
    return Verdict("clarify", {}, tuple(named), honest)
