"""What the answer stages pass to each other (understand -> find -> compose). Plain frozen data."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Optional, Tuple


class Asked(str, Enum):
    """What a citizen can ask about a procedure. The first seven are the procedure's own fields (and
    the NLU intents ask_*); the others are answered from the newer fields or from special cases whose
    topic has the same name (bot.knowledge.model.SpecialCaseTopic)."""

    documents = "documents"
    fee = "fee"
    deadline = "deadline"
    authority = "authority"
    online = "online"
    legal_basis = "legal_basis"
    overview = "overview"
    steps = "steps"
    conditions = "conditions"
    subjects = "subjects"
    result = "result"
    validity = "validity"
    obligation = "obligation"
    delegation = "delegation"
    minor = "minor"
    late = "late"
    lost = "lost"
    foreign = "foreign"
    penalty = "penalty"
    exemption = "exemption"
    other = "other"


class ResolutionStatus(str, Enum):
    resolved = "resolved"  # one procedure, qualifiers respected
    ambiguous = "ambiguous"  # a few candidates: ask which, with at most three buttons
    not_covered = "not_covered"  # the message names a procedure (or a qualifier) none of ours covers
    none = "none"  # no procedure named (may be a follow-up or an FAQ question)


@dataclass(frozen=True)
class Resolution:
    status: ResolutionStatus
    procedure_id: Optional[str] = None  # when resolved
    candidates: Tuple[str, ...] = ()  # when ambiguous (≤ 3), or the closest ones when not covered
    qualifiers: Tuple[str, ...] = ()  # qualifier keys found in the message (bot/text/qualifiers.yml)
    uncovered_qualifiers: Tuple[str, ...] = ()  # found, but covered by no candidate procedure
    # when resolved: other papers listed with it for the same re-issue ("mất căn cước, bằng lái"), answered after it
    also: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Understanding:
    text: str  # the whole message, as received
    questions: Tuple[str, ...]  # the question sentences found in it (the whole text when none stands out)
    asked: Tuple[Asked, ...]  # every aspect asked, in the order the citizen asked them; () = none detected
    resolution: Resolution
    follow_up: bool = False  # short or referring back ("còn lệ phí thì sao?"): the remembered procedure applies
    situation: bool = False  # the citizen tells their own case around the questions (a story of STORY_WORDS+)


@dataclass(frozen=True)
class Finding:
    asked: Asked
    lines: Tuple[str, ...]  # what answers it (already worded for the citizen)
    source: str = ""  # "procedure", "special_case:<id>", "faq:<id>"
    unclear: bool = False  # the knowledge says the rule is unclear: the reply adds the hotline
    along: bool = False  # not asked, given with an asked aspect it goes with (where to bring the papers): in brief


@dataclass(frozen=True)
class Findings:
    procedure_id: Optional[str]
    answered: Tuple[Finding, ...] = ()
    unanswered: Tuple[Asked, ...] = ()  # asked, but the knowledge has nothing for it: said honestly
    others: Tuple[Asked, ...] = ()  # not asked, offered as buttons
    general_only: bool = False  # a case told in a story, answered by the procedure's general rule only
    case_only: bool = False  # a matter we have no procedure for, answered by one special case that covers it


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: Tuple[Button, ...] = ()
    procedure_id: Optional[str] = None  # to remember for follow-ups (slot "procedure")
    kind: str = "answer"  # answer | which_procedure | not_covered | dont_know | faq
    record_unanswered: Optional[str] = None  # reason to record the question for officers, if any
    extras: dict = field(default_factory=dict)
