"""The conversation logic of a form, independent of Rasa (the actions in ``actions/forms.py`` are a
thin layer over it, so it is unit-tested directly).

One citizen message is one :func:`handle` call: it reads the slot values so far, the message, its
intent, and which field was asked; it returns the slot updates, what to say, and whether the message
was not meant for the form at all (a question: Rasa's rules answer it, then the form resumes).

What it says is text: the form's sentences are ``utter_form_*`` responses of the domain
(``forms/responses.yml``, generated into ``bot/domain/forms.yml``) read through
``bot.answering.responses.response_text``, joined with the parsers' messages (``forms/parsers.py``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from bot.answering.intents import PROCEDURE_INTENTS
from bot.answering.responses import response_text
from bot.text import fold, normalize
from forms import parsers
from forms.parsers import Parsed
from forms.spec import (
    ACTIVE_SLOT,
    CONFIRM_SLOT,
    KEEP_SLOT,
    NOTICE_SLOT,
    PENDING_SLOT,
    Field,
    FormSpec,
    choices,
    cues,
)

# Intents owned by other features: a message classified as one of these (confidently) that does not
# read as a value for the form is a question to answer before resuming.
INTERRUPTING_INTENTS = PROCEDURE_INTENTS | {
    "check_status", "greet", "goodbye", "thank", "bot_challenge",
    "human_handoff", "out_of_scope", "start_form", "subscribe_status", "unsubscribe",
    "sent_photo", "erase_my_data", "withdraw_consent",  # personal data (actions/privacy.py)
}
INTENT_CONFIDENCE = 0.6

_QUESTION_MARKERS = [
    "bao nhieu", "bao lau", "o dau", "the nao", "lam sao", "tai sao", "vi sao", "may ngay", "khi nao",
    "co duoc khong", "duoc khong", "co can", "can gi", "giay to gi", "la gi", "nhu nao", "co phai",
]
_CANCEL = re.compile(
    r"^(?:(?:thoi|vay thi|a|oi)\s+)*(?:huy|huy bo|huy to khai|huy di|huy nhe|dung lai|ngung|ngung lai|thoi khong (?:khai|lam|dien) nua|"
    r"khong (?:khai|lam|dien) nua|bo di|thoi bo di|thoi|cancel|stop|huy bo to khai|huy viec (?:khai|dien) to khai)"
    r"(?:\s+(?:di|nhe|a|nha|luon|to khai|viec nay|giup toi|giup minh))*$"
)
_AFFIRM = re.compile(
    r"^(?:(?:da|vang|u|uh|um|ok|oke|okay|yes|dung|dung roi|chinh xac|phai|chuan|xac nhan|dong y|duoc|duoc roi|chuan roi|"
    r"dung vay|dung the|khong sai|tao to khai|tao di|in di|giu nguyen)\s*)+(?:a|nhe|nha|ban|roi|luon|di)?\s*$"
)
_DENY = re.compile(r"^(?:khong|khong phai|sai|sai roi|chua dung|chua|khong dung|nham|nham roi|khong chinh xac|no)(?:\s+(?:a|nhe|roi|dau))*$")
_RESUME = re.compile(r"^(?:tiep tuc|tiep|khai tiep|dien tiep|lam tiep|quay lai|toi quay lai roi|tiep di|tiep tuc di|con tiep)(?:\s+(?:di|nhe|nha|a|to khai))*$")
_CORRECTION = re.compile(r"^(?:toi\s+|minh\s+|em\s+)?(?:muon\s+)?(?:sua|sua lai|doi lai|chinh lai|chinh sua|thay doi|cap nhat|nhap nham|ghi nham)\b")
_KEEP = re.compile(r"\b(?:giu lai thong tin|giu thong tin|luu lai thong tin|luu thong tin|giu lai du lieu|luu lai|giu lai)\b")


def _key(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", fold(text)))


def is_cancel(text: str) -> bool:
    return bool(_CANCEL.match(_key(text)))


def is_affirm(text: str) -> bool:
    return bool(_AFFIRM.match(_key(text)))


def is_deny(text: str) -> bool:
    return bool(_DENY.match(_key(text)))


def looks_like_question(text: str) -> bool:
    key = _key(text)
    if "?" in text:
        return True
    padded = f" {key} "
    if any(f" {m} " in padded for m in _QUESTION_MARKERS):
        return True
    return bool(re.search(r"\b(gi|khong)$", key)) and len(key.split()) >= 3 and not key.startswith("khong")


# ---------------------------------------------------------------- finding the fields named in a message

@dataclass
class Token:
    text: str
    key: str
    start: int
    end: int


def _tokens(text: str) -> List[Token]:
    out = []
    for m in re.finditer(r"[^\s,;:.!?()=]+|[,;:.!?()=]", text):
        key = " ".join(re.findall(r"[a-z0-9]+", fold(m.group(0))))
        out.append(Token(m.group(0), key, m.start(), m.end()))
    return out


def _phrases(items: List[str]) -> List[List[str]]:
    return sorted((p.split() for p in items), key=len, reverse=True)


def _match_at(keys: List[str], i: int, phrases: List[List[str]]) -> int:
    """Length (in tokens) of the longest phrase starting at keys[i], 0 if none."""
    for phrase in phrases:
        if keys[i : i + len(phrase)] == phrase:
            return len(phrase)
    return 0


@dataclass
class Mention:
    slot: str
    value: str


def find_mentions(spec: FormSpec, text: str, requested: Optional[str]) -> Tuple[List[Mention], str]:
    """The fields a message names explicitly, with their values; and the text before the first one
    (the answer to the question asked, if it has any content)."""
    table = cues()
    tokens = _tokens(text)
    # punctuation tokens have an empty key; keep them as boundaries
    keys = [t.key for t in tokens]
    attr_phrases = {attr: _phrases(items) for attr, items in table["attrs"].items()}
    role_phrases = {role: _phrases(items) for role, items in table["roles"].items()}
    form_attrs = {f.attr for f in spec.fields}
    form_roles = {f.role for f in spec.fields}

    def role_at(i: int) -> Tuple[Optional[str], int]:
        best: Tuple[Optional[str], int] = (None, 0)
        for role, phrases in role_phrases.items():
            n = _match_at(keys, i, phrases)
            if n > best[1] and role in form_roles:
                best = (role, n)
        return best

    found = []  # (value_start_token, start_token_of_mention, attr, role)
    i = 0
    last_end = 0
    while i < len(tokens):
        best_attr, n = None, 0
        for attr, phrases in attr_phrases.items():
            if attr not in form_attrs:
                continue
            m = _match_at(keys, i, phrases)
            if m > n:
                best_attr, n = attr, m
        if not best_attr:
            i += 1
            continue
        start, role = i, None
        # a cue that is itself a role ("chủ hộ là …" names the head of household)
        cue_role, cue_n = role_at(i)
        if cue_role and cue_n == n:
            role = cue_role
        # role just before ("mẹ tên Lan")
        for back in ((2, 1) if role is None else ()):
            j = i - back
            if j >= last_end and j >= 0:
                r, rn = role_at(j)
                if r and j + rn == i:
                    start, role = j, r
                    break
        k = i + n
        # role just after ("tên mẹ", "ngày sinh của mẹ")
        if role is None:
            kk = k + 1 if k < len(keys) and keys[k] == "cua" else k
            r, rn = role_at(kk) if kk < len(keys) else (None, 0)
            if r:
                role, k = r, kk + rn
        found.append((k, start, best_attr, role))
        last_end = k
        i = k

    prefix = text[: tokens[found[0][1]].start] if found else text
    mentions: List[Mention] = []
    context_role = spec.field(requested).role if requested and spec.field(requested) else None
    for index, (value_start, _, attr, role) in enumerate(found):
        value_end = found[index + 1][1] if index + 1 < len(found) else len(tokens)
        if value_start >= value_end:
            continue
        raw = text[tokens[value_start].start : tokens[value_end - 1].end]
        value = _clean_value(raw)
        if not value:
            continue
        role = role or context_role
        target = _resolve(spec, attr, role)
        if target is None:
            continue
        context_role = target.role
        mentions.append(Mention(target.slot, value))
    return mentions, prefix


def _resolve(spec: FormSpec, attr: str, role: Optional[str]) -> Optional[Field]:
    candidates = [f for f in spec.fields if f.attr == attr]
    if not candidates:
        return None
    if role:
        exact = [f for f in candidates if f.role == role]
        if exact:
            return exact[0]
    return candidates[0]


def _filler_phrases() -> List[List[str]]:
    return _phrases(cues()["fillers"])


def _clean_value(raw: str) -> str:
    """Drop the linking words around a value: "là", "thành", ":" at the start; "và", "," at the end."""
    tokens = _tokens(raw)
    keys = [t.key for t in tokens]
    fillers = [p for p in _filler_phrases() if p[0] in {"la", "thi", "thanh", "cua", "bang", "toi", "minh"}]
    i = 0
    while i < len(tokens):
        if keys[i] == "":
            i += 1
            continue
        n = _match_at(keys, i, fillers)
        if n:
            i += n
            continue
        break
    j = len(tokens)
    while j > i and (keys[j - 1] == "" or keys[j - 1] in {"va", "nhe", "nha"}):
        j -= 1
    if i >= j:
        return ""
    return raw[tokens[i].start : tokens[j - 1].end].strip()


def has_content(prefix: str) -> bool:
    """Whether the text before the first named field says something beyond "sửa", "giúp tôi"…"""
    tokens = [t for t in _tokens(prefix) if t.key]
    keys = [t.key for t in tokens]
    fillers = _filler_phrases()
    i = 0
    while i < len(keys):
        n = _match_at(keys, i, fillers)
        if not n:
            return True
        i += n
    return False


def self_identified(spec: FormSpec, asked: Field, text: str) -> Optional[Tuple[str, List[Tuple[str, str]]]]:
    """"Nguyễn Văn Hùng, 001088012345, 0912345678": values after the answer that say what they are
    (an identification number, a phone number, an e-mail, a date) go to that person's field."""
    # an address or a free text has commas of its own: only ";" or a new line separates values there
    separators = r"[;\n]" if asked.type in {"address", "text", "agency"} else r"[,;\n]"
    parts = [p.strip() for p in re.split(separators, text) if p.strip()]
    if len(parts) < 2:
        return None
    found: List[Tuple[str, str]] = []
    for part in parts[1:]:
        digits = re.sub(r"[\s.\-]", "", part)
        target = None
        if re.fullmatch(r"\d{12}", digits):
            target = spec.role_field(asked.role, "id")
        elif re.fullmatch(r"(\+?84|0)\d{9}", digits):
            target = next((f for f in spec.fields if f.type == "phone"), None)
        elif "@" in part:
            target = next((f for f in spec.fields if f.type == "email"), None)
        elif parsers.parse_date(part).ok:
            target = spec.role_field(asked.role, "dob")
        if target is None or target.slot == asked.slot:
            return None
        found.append((target.slot, part))
    return parts[0], found


# ---------------------------------------------------------------- values

def parse_field(spec: FormSpec, f: Field, raw: str, values: Dict[str, Any], today: Optional[dt.date] = None) -> Parsed:
    if f.optional and parsers.is_none_answer(raw):
        return parsers.ok("")
    if f.type == "name":
        return parsers.parse_name(raw)
    if f.type == "date":
        return parsers.parse_date(raw, today)
    if f.type == "date_or_year":
        return parsers.parse_date_or_year(raw, today)
    if f.type == "id_number":
        year, gender = person_year_gender(spec, f.role, values)
        return parsers.parse_id_number(raw, year, gender)
    if f.type == "phone":
        return parsers.parse_phone(raw)
    if f.type == "email":
        return parsers.parse_email(raw)
    if f.type == "address":
        return parsers.parse_address(raw)
    if f.type == "choice":
        return parsers.parse_choice(raw, choices()[f.choices], f.label.lower())
    if f.type == "agency":
        return parsers.parse_agency(raw)
    return parsers.parse_text(raw)


def person_year_gender(spec: FormSpec, role: str, values: Dict[str, Any]) -> Tuple[Optional[int], Optional[str]]:
    dob = spec.role_field(role, "dob")
    gender_field = spec.role_field(role, "gender")
    section = next((s for s in spec.sections if s.role == role), None)
    year = parsers.birth_year(values.get(dob.slot)) if dob else None
    gender = values.get(gender_field.slot) if gender_field else (section.gender if section else None)
    return year, gender or None


def strong_value(spec: FormSpec, f: Field, text: str, values: Dict[str, Any]) -> bool:
    """A value that cannot be mistaken for a question: a valid date, number, phone, list item."""
    if f.type in {"date", "date_or_year", "id_number", "phone", "email", "choice"}:
        parsed = parse_field(spec, f, text, values)
        return parsed.ok or parsed.confirm is not None
    return False


SOFT_INTENTS = {"out_of_scope", "inform_procedure", "nlu_fallback"}


def soft_value(spec: FormSpec, f: Field, text: str, values: Dict[str, Any]) -> bool:
    """A name or an address that parses cleanly (with diacritics, no confirmation needed), or a short
    answer to a list question."""
    if f.type in {"name", "address"}:
        parsed = parse_field(spec, f, text, values)
        return parsed.ok and parsed.confirm is None
    if f.type == "choice":
        # a short answer to a list question ("hàng xóm"): say which options there are
        return len(_key(text).split()) <= 4
    return False


# ---------------------------------------------------------------- one turn

@dataclass
class Turn:
    updates: Dict[str, Any] = field(default_factory=dict)
    messages: List[str] = field(default_factory=list)
    reject: bool = False  # not for the form: let the other rules answer, then resume
    cancel: bool = False
    expired: bool = False


def describe(f: Field) -> str:
    """"Năm sinh của mẹ", "Họ, chữ đệm, tên của cháu": a field named in a message."""
    if not f.who or f.who in f.label.lower() or f.label.startswith("Quan hệ") or f.label.startswith("Mối quan hệ"):
        return f.label
    return f"{f.label} của {f.who}"


def display(value: Any) -> str:
    return "(không có)" if value == "" else str(value)


def handle(
    spec: FormSpec,
    values: Dict[str, Any],
    text: str,
    intent: Optional[str],
    confidence: float,
    requested: Optional[str],
    now: float,
    expiry_seconds: float,
    today: Optional[dt.date] = None,
) -> Turn:
    text = normalize(text)
    turn = Turn()
    last = values.get(ACTIVE_SLOT)
    if last and expiry_seconds and now - float(last) > expiry_seconds:
        turn.expired = turn.cancel = True
        return turn
    turn.updates[ACTIVE_SLOT] = now
    turn.updates[NOTICE_SLOT] = None

    cancel_intent = intent == "cancel_form" and confidence >= INTENT_CONFIDENCE
    # "giữ lại thông tin" is never a cancel, whatever the intent classifier thought of "giữ"
    if is_cancel(text) or (cancel_intent and not has_content_value(text) and not _KEEP.search(_key(text))):
        turn.cancel = True
        return turn

    if _KEEP.search(_key(text)):
        turn.updates[KEEP_SLOT] = True
        turn.messages.append(response_text("utter_form_keep_data"))
        rest = _KEEP.sub(" ", _key(text)).strip()
        if not rest or is_affirm(rest):
            if requested == CONFIRM_SLOT and (not rest or is_affirm(rest)):
                turn.updates[CONFIRM_SLOT] = True
            return turn
        text = rest if is_affirm(rest) else text

    if _RESUME.match(_key(text)):
        turn.messages.append(response_text("utter_form_resume"))
        return turn

    pending = values.get(PENDING_SLOT)
    if pending:
        turn.updates[PENDING_SLOT] = None
        slot = pending["slot"]
        f = spec.field(slot)
        if is_affirm(text) or (intent == "affirm" and confidence >= INTENT_CONFIDENCE and len(_key(text).split()) <= 3):
            turn.updates[slot] = pending["value"]
            _after_update(spec, values, turn, [slot])
            return turn
        if is_deny(text) or (intent == "deny" and confidence >= INTENT_CONFIDENCE and len(_key(text).split()) <= 3):
            turn.messages.append(response_text("utter_form_reenter", field=f.label.lower()))
            turn.updates[NOTICE_SLOT] = "silent"
            # ask the same field again
            return turn
        requested = slot  # anything else is a new value for that field

    if requested == CONFIRM_SLOT and is_affirm(text):
        turn.updates[CONFIRM_SLOT] = True
        return turn
    if requested == CONFIRM_SLOT and is_deny(text):
        turn.messages.append(response_text("utter_form_which_to_fix"))
        turn.updates[NOTICE_SLOT] = "silent"
        return turn

    mentions, prefix = find_mentions(spec, text, requested if requested != CONFIRM_SLOT else None)
    assignments: List[Tuple[str, str]] = []
    field_asked = spec.field(requested) if requested else None
    if field_asked and has_content(prefix):
        assignments.append((requested, prefix))
    assignments += [(m.slot, m.value) for m in mentions]

    if not mentions and (_CORRECTION.match(_key(text)) or (intent == "correct_field" and confidence >= INTENT_CONFIDENCE)):
        # "sửa tên mẹ" without the new value: never read it as a value
        turn.messages.append(response_text("utter_form_correction_needs_value"))
        turn.updates[NOTICE_SLOT] = "silent" if requested == CONFIRM_SLOT else None
        return turn

    if not mentions and field_asked is not None:
        extra = self_identified(spec, field_asked, text)
        if extra:
            assignments = [(requested, extra[0])] + extra[1]
            mentions = [Mention(slot, value) for slot, value in extra[1]]

    if not mentions:
        question = looks_like_question(text)
        confident_other = intent in INTERRUPTING_INTENTS and confidence >= INTENT_CONFIDENCE
        strong = field_asked is not None and strong_value(spec, field_asked, text, values)
        # a valid name or address the classifier took for something vague is still an answer
        soft = (
            field_asked is not None and not question and intent in SOFT_INTENTS
            and soft_value(spec, field_asked, text, values)
        )
        if (question or confident_other or intent in {"nlu_fallback", "out_of_scope"} and field_asked is None) and not (strong or soft):
            turn.reject = True
            return turn
        if field_asked is None:
            # at the summary: neither yes, no nor a correction
            turn.messages.append(response_text("utter_form_confirm_reminder"))
            turn.updates[NOTICE_SLOT] = "silent"
            return turn
        if not assignments:
            assignments = [(requested, text)]

    filled: List[str] = []
    errors: List[str] = []
    merged = {**values, **turn.updates}
    for slot, raw in assignments:
        f = spec.field(slot)
        parsed = parse_field(spec, f, raw, merged, today)
        if parsed.error:
            errors.append(slot)
            prefix_label = "" if len(assignments) == 1 else f"{describe(f)}: "
            turn.messages.append(prefix_label + parsed.error)
        elif parsed.confirm:
            turn.updates[PENDING_SLOT] = {"slot": slot, "value": parsed.value, "message": parsed.confirm}
        else:
            turn.updates[slot] = parsed.value
            merged[slot] = parsed.value
            filled.append(slot)

    if filled and (len(assignments) > 1 or any(s != requested or values.get(s) is not None for s in filled)):
        noted = "; ".join(f"{describe(spec.field(s))}: {display(merged[s])}" for s in filled)
        corrected = any(values.get(s) is not None for s in filled)
        turn.messages.insert(0, response_text("utter_form_corrected" if corrected else "utter_form_noted", values=noted))
    _after_update(spec, values, turn, filled)
    if requested in errors or (errors and not filled):
        turn.updates[NOTICE_SLOT] = "silent"
    return turn


def has_content_value(text: str) -> bool:
    return bool(re.search(r"\d", text))


def _after_update(spec: FormSpec, values: Dict[str, Any], turn: Turn, changed: List[str]) -> None:
    """Consequences of new values: skip a missing father's fields, copy the requester's details when
    the confirmation is for themself, re-check identification numbers against birth year/gender."""
    merged = {**values, **turn.updates}
    for section in spec.sections:
        if not section.optional_when_name_missing:
            continue
        name = next((f for f in section.fields if f.attr == "name"), None)
        if name and name.slot in changed:
            if merged.get(name.slot) == "":
                for f in section.fields:
                    if f.slot != name.slot:
                        turn.updates[f.slot] = ""
            elif values.get(name.slot) == "":
                for f in section.fields:
                    if f.slot != name.slot and merged.get(f.slot) == "":
                        turn.updates[f.slot] = None
    if spec.same_person:
        (when_slot, when_value), = spec.same_person["when"].items()
        if when_slot in changed and merged.get(when_slot) == when_value:
            for target, source in spec.same_person["copy"].items():
                if merged.get(source) is not None and merged.get(target) is None:
                    turn.updates[target] = merged[source]
    merged = {**values, **turn.updates}
    for f in spec.fields:
        if f.type != "id_number" or not merged.get(f.slot) or f.slot in changed:
            continue
        related = {x.slot for x in spec.fields if x.role == f.role and x.attr in {"dob", "gender"}}
        if not related.intersection(changed):
            continue
        year, gender = person_year_gender(spec, f.role, merged)
        error = parsers.id_number_mismatch(merged[f.slot], year, gender)
        if error:
            turn.updates[f.slot] = None
            turn.messages.append(response_text("utter_form_earlier_value_invalid", field=describe(f), error=error))
