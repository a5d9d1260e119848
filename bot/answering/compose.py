"""Stage 3 of the answer path: ONE concise reply from what was understood and found.

* ``answer_reply``: the procedure name, then the asked aspects in the order asked (headings from
  ``labels.yml``; with several aspects, or on SMS, each field line ``brief``: without its details in
  parentheses, long lines to their first sentence), an honest sentence for the aspects nothing answers (``utter_answer_aspect_unknown``,
  with the hotline; recorded for officers as "aspect_not_covered"), the hotline when a special case is
  ``unclear`` (``utter_answer_unclear``), the general-rule caveat when the citizen's own case was
  answered by the procedure's fields only (``utter_answer_general_rule``, recorded "case_general_rule"),
  for a matter we have no procedure for that one special case answers (``findings.case_only``) its own
  heading and the honest note that the rest is not known (``utter_answer_case_only``, recorded "case_only"),
  for a procedure that left the catalogue (``catalogue.retired_on``, set by the importer) the warning
  that it may no longer apply (``utter_answer_retired``, first of the notes),
  then one compact line "Căn cứ: … (cập nhật: dd/mm/yyyy)": the procedure's legal basis when its fields
  answered, the law a special case's source names (``legal_reference``: never a newspaper's title; the
  procedure's basis when the source names none), the oldest verification date of what was used, and
  buttons for the other aspects (payloads the NLU understands: ``/ask_fee{"procedure":"…"}``; aspects
  without an intent of their own: ``/ask_overview{"procedure":"…","aspect":"steps"}``).
  On SMS (``channel == "sms"``) the reply must fit the segments of ``core.message_text.sms_parts``
  (3 × 160 GSM-7) with its options: the later aspects, the buttons, the sources line and finally the
  tail of the first aspect's lines are dropped, in that order, until it fits; the asked aspect stays first.
* ``which_reply``: several procedures fit: "which one?", at most three buttons; the asked aspects are
  kept (``extras["aspects"]``) so the choice answers them.
* ``not_covered_reply``: the message names a procedure (``procedure_not_found``) or a case
  (``qualifier_not_covered``) none of ours covers: said honestly, the closest procedures as buttons,
  the hotline and portal; ``record_unanswered`` carries the reason for the adapter.

Sentences come from the domain responses (bot/domain/core.yml, read by ``bot.answering.responses``,
whose ``response_text`` is used here) so they are edited in one place;
``extras["response"]`` names the response (with ``extras["values"]``) when the whole reply is one.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import List, Optional, Sequence, Tuple

from bot.answering.find import labels
from bot.answering.intents import ASPECT_INTENTS
from bot.answering.responses import response_text
from bot.answering.types import Asked, Button, Findings, Reply
from bot.knowledge.model import Procedure
from bot.knowledge.render import date_vn
from core.message_text import numbered_options, options_hint, sms_parts, to_gsm7

MAX_WHICH = 3
MAX_OTHER_BUTTONS = 4
MAX_SMS_BUTTONS = 2
BASIS_ITEMS = 2


def heading(asked: Asked) -> str:
    return labels()["headings"][asked.value]


def in_question(aspects: Sequence[Asked]) -> str:
    words = [labels()["in_question"][a.value] for a in aspects] or [labels()["in_question"]["overview"]]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " và " + words[-1]


def aspect_payload(procedure_id: str, asked: Asked) -> str:
    intent = ASPECT_INTENTS.get(asked)
    entities = {"procedure": procedure_id}
    if intent is None:
        intent, entities["aspect"] = "ask_overview", asked.value
    return "/" + intent + json.dumps(entities, ensure_ascii=False, separators=(",", ":"))


def procedure_payload(procedure_id: str) -> str:
    return '/inform_procedure{"procedure":"%s"}' % procedure_id


def compact_basis(items: Sequence[str]) -> str:
    """"Luật Hộ tịch 2014 (Điều 11, 13)", "Nghị định 123/2015/NĐ-CP (…)", … -> the first two, without
    their parenthesised details, "…" when there are more."""
    short = [re.sub(r"\s*\([^)]*\)", "", item).strip() or item for item in items[:BASIS_ITEMS]]
    return "; ".join(short) + ("; …" if len(items) > BASIS_ITEMS else "")


BRIEF_LINE = 140
NOTE_LENGTH = 60  # a line this long said twice in joined answers is a note: said once


def brief(line: str) -> str:
    """A field line without its parenthesised details and, when still long, up to its first sentence
    or clause: several aspects in one reply stay readable on a phone."""
    short = re.sub(r"\s*\([^)]*\)", "", line).strip()
    if len(short) > BRIEF_LINE:
        head = re.split(r"(?<=\w)[.;] ", short, maxsplit=1)[0].rstrip(".;")
        short = head if len(head) >= 20 else short
    return short or line


def _block(asked: Asked, lines: Sequence[str], single: bool) -> List[str]:
    if single:
        return list(lines)
    if len(lines) == 1 and not lines[0].startswith("•") and len(lines[0]) <= 160:
        return [f"{heading(asked)}: {lines[0]}"]
    return [f"{heading(asked)}:", *lines]


LEGAL_TEXT = re.compile(r"^(Luật|Bộ luật|Nghị định|Nghị quyết|Thông tư|Quyết định|Hiến pháp)\b")


def legal_reference(title: str) -> str:
    """The law a source title names: the title itself when it is a legal text, else its last bracketed
    part when that is one ("Báo X: … (Luật Cư trú 2020, Điều 31)"), else "" (a page, not a law)."""
    title = title.strip()
    if LEGAL_TEXT.match(title):
        return title
    bracketed = [part.strip() for part in re.findall(r"\(([^()]*)\)", title)]
    laws = [part for part in bracketed if LEGAL_TEXT.match(part)]
    return laws[-1] if laws else ""


def _sources_line(procedure: Procedure, findings: Findings) -> Tuple[str, bool]:
    """The compact sources line; True when only the update date is said (the law itself was asked)."""
    cases = {case.id: case for case in procedure.special_cases}
    used = [cases[f.source.split(":", 1)[1]] for f in findings.answered if f.source.startswith("special_case:")
            and f.source.split(":", 1)[1] in cases]
    from_procedure = any(f.source == "procedure" for f in findings.answered) or not used
    basis: List[str] = list(procedure.legal_basis) if from_procedure else []
    for case in used:
        basis += [law for law in map(legal_reference, (s.title for s in case.sources[:1])) if law and law not in basis]
    if not basis:  # the case was checked against a newspaper or portal page only: the procedure's own law
        basis = list(procedure.legal_basis)
    dates = ([procedure.verified_on] if from_procedure else []) + [case.verified_on for case in used]
    day = date_vn(min(dates))
    only_law = all(f.asked is Asked.legal_basis for f in findings.answered) and bool(findings.answered)
    if only_law and not used:
        return labels()["updated"].format(date=day), True
    return labels()["sources"].format(basis=compact_basis(basis), date=day), False


def sms_fits(text: str, buttons: Sequence[Button]) -> bool:
    """Whether ``text`` with its numbered options goes out whole in the SMS parts (nothing cut)."""
    body = to_gsm7(text)
    if buttons:
        as_dicts = [{"title": b.title, "payload": b.payload} for b in buttons]
        body = f"{body}\n{numbered_options(as_dicts, plain=True)}\n{options_hint(len(buttons), plain=True)}"
    parts = sms_parts(body.strip())
    return bool(parts) and not parts[-1].endswith("...")


def answer_reply(procedure: Procedure, findings: Findings, hotline: str, channel: Optional[str] = None,
                 case: str = "") -> Reply:
    """``case``: with ``findings.case_only``, the words for the matter only a special case answers."""
    answered = list(findings.answered)
    asked = [f for f in answered if not f.along]
    single = len(asked) == 1 and not findings.unanswered
    title = procedure.name + (f" – {heading(asked[0].asked).lower()}:" if single and len(answered) == 1 else "")
    if findings.case_only:
        title = f"{procedure.name} – {labels()['case_only_heading'].format(case=case)}:"
    shorten = len(asked) > 1 or channel == "sms"
    blocks = [_block(f.asked, tuple(brief(line) for line in f.lines)
                     if (shorten or f.along) and f.source == "procedure" else f.lines,
                     single and len(answered) == 1) for f in answered]
    notes: List[str] = []
    if findings.unanswered:
        notes.append(response_text("utter_answer_aspect_unknown", aspects=in_question(findings.unanswered), hotline=hotline))
    if any(f.unclear for f in answered):
        notes.append(response_text("utter_answer_unclear", hotline=hotline))
    if findings.general_only:
        notes.append(response_text("utter_answer_general_rule", hotline=hotline))
    if findings.case_only:
        notes.append(response_text("utter_answer_case_only", case=case, hotline=hotline))
    if procedure.catalogue is not None and procedure.catalogue.retired_on is not None:
        notes.insert(0, response_text("utter_answer_retired", date=date_vn(procedure.catalogue.retired_on), hotline=hotline))
    sources, _ = _sources_line(procedure, findings)
    buttons = [Button(labels()["buttons"][a.value], aspect_payload(procedure.id, a))
               for a in findings.others[:MAX_OTHER_BUTTONS]]
    record = ("aspect_not_covered" if findings.unanswered else "case_general_rule" if findings.general_only
              else "case_only" if findings.case_only else None)
    extras = {"aspects": [f.asked.value for f in answered], "unanswered": [a.value for a in findings.unanswered]}

    def text_of(kept_blocks: List[List[str]], with_sources: bool) -> str:
        lines = [title, *[line for block in kept_blocks for line in block], *notes]
        return "\n".join(lines + ([sources] if with_sources and answered else []))

    text = text_of(blocks, True)
    if channel == "sms" and not sms_fits(text, buttons):
        buttons = buttons[:MAX_SMS_BUTTONS]
        candidates = [(blocks[:n], True) for n in range(len(blocks) - 1, 0, -1)] + [(blocks[:1], False)]
        for kept, with_sources in [(blocks, True)] + candidates:
            for shown in (buttons, []):
                if sms_fits(text_of(kept, with_sources), shown):
                    return Reply(text_of(kept, with_sources), tuple(shown), procedure.id, "answer", record, extras)
        first = list(blocks[0]) if blocks else []
        while len(first) > 1 and not sms_fits(text_of([first], False), []):
            first.pop()
        return Reply(text_of([first], False), (), procedure.id, "answer", record, extras)
    return Reply(text, tuple(buttons), procedure.id, "answer", record, extras)


def joined_reply(replies: Sequence[Reply], channel: Optional[str] = None) -> Reply:
    """Answers about several procedures in one message, each under its own name, the first's buttons
    kept. On SMS the later answers are left out when they do not fit (the first is answered whole)."""
    first = replies[0]
    kept = [first]
    said = set(first.text.splitlines())
    for reply in replies[1:]:
        # a note said once is not repeated (the general-rule caveat, the hotline)
        reply = replace(reply, text="\n".join(line for line in reply.text.splitlines()
                                                if len(line) < NOTE_LENGTH or line not in said))
        text = "\n\n".join(r.text for r in [*kept, reply])
        if channel != "sms" or sms_fits(text, first.buttons):
            kept.append(reply)
            said |= set(reply.text.splitlines())
    record = next((r.record_unanswered for r in kept if r.record_unanswered), None)
    extras = {**first.extras, "also": [r.procedure_id for r in kept[1:]]}
    return Reply("\n\n".join(r.text for r in kept), first.buttons, first.procedure_id, first.kind, record, extras)


def which_reply(candidates: Sequence[Tuple[str, str]], aspects: Sequence[Asked], several: bool) -> Reply:
    """``candidates``: (procedure id, name) pairs; ``several``: the message matched them all equally."""
    name = "utter_which_procedure_of_several" if several else "utter_ask_which_procedure"
    values = {"aspect": in_question([a for a in aspects if a is not Asked.overview])}
    buttons = tuple(Button(title, procedure_payload(pid)) for pid, title in candidates[:MAX_WHICH])
    return Reply(response_text(name, **values), buttons, None, "which_procedure", None,
                 {"response": name, "values": values, "aspects": [a.value for a in aspects]})


def not_covered_reply(
    closest: Sequence[Tuple[str, str]], hotline: str, portal: str, qualifier: Optional[str] = None,
    aspects: Sequence[Asked] = (),
) -> Reply:
    """Honest "we do not have this" with the closest procedures as buttons; ``qualifier`` names the
    case none of them covers (the closest procedure is then NOT answered as if it were the same)."""
    buttons = tuple(Button(title, procedure_payload(pid)) for pid, title in closest[:MAX_WHICH])
    values = {"hotline": hotline, "portal": portal}
    if qualifier and closest:
        name, reason = "utter_qualifier_not_covered", "qualifier_not_covered"
        values.update(case=qualifier, closest=closest[0][1])
    else:
        name = "utter_procedure_unknown_suggest" if buttons else "utter_procedure_unknown"
        reason = "procedure_not_found"
    return Reply(response_text(name, **values), buttons, None, "not_covered", reason,
                 {"response": name, "values": values, "aspects": [a.value for a in aspects]})
