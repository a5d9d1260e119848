"""Notification texts and the Zalo template registry, as data (``applications/data/``).

``notification_templates.yml``: per status, the chat lines (a line whose placeholder is empty is left
out) and the SMS template registered with the carriers (GSM-7, an empty placeholder sent as "-",
free-text values cut so that the whole fits ``sms_parts`` parts of 160 characters).
``zalo_templates.yml``: per status, the Zalo modes in order and the ZNS template (id, parameter
mapping, approval state); the estimated cost per mode. ``ZALO_TEMPLATES_FILE`` (bot/settings.py)
points at the operator's own copy. ``check()`` lists what is wrong with both files (every status
covered, every placeholder known, SMS plain GSM-7 and within its parts with the longest values).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

from applications.statuses import LABELS
from core.message_text import gsm7_length, is_gsm7, sms_parts, to_gsm7
from notifications.message import ZALO_MODES, ZnsTemplate

DATA = Path(__file__).resolve().parent / "data"
TEXTS_FILE = DATA / "notification_templates.yml"
ZALO_FILE = DATA / "zalo_templates.yml"
PLACEHOLDERS = ("code", "procedure", "label", "time", "appointment", "appointment_before", "new_appointment",
                "reason", "missing", "amount", "note", "next_step")
FREE_TEXT = ("reason", "missing", "note", "procedure", "amount")  # cut to fit an SMS; the others have bounded lengths
# The longest value each bounded placeholder takes (codes: 40 characters; dates dd/mm/yyyy; times HH:MM dd/mm/yyyy)
LONGEST = {"code": "X" * 40, "time": "23:59 31/12/2025", "appointment": "31/12/2025", "appointment_before": "31/12/2025",
           "new_appointment": "31/12/2025", "amount": "1.250.000.000 dong", "label": "x" * 40}
SEGMENT = 160


def placeholders(template: str) -> List[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


@dataclass(frozen=True)
class StatusTemplates:
    chat: Tuple[str, ...]
    sms: str
    sms_parts: int


@dataclass(frozen=True)
class ZaloEntry:
    modes: Tuple[str, ...]
    template_id: str
    params: Dict[str, str]
    approved: bool


@dataclass(frozen=True)
class Registry:
    texts: Dict[str, StatusTemplates]
    zalo: Dict[str, ZaloEntry]
    cost: Dict[str, float]

    def zns(self, status: str, values: Dict[str, str]) -> Optional[ZnsTemplate]:
        entry = self.zalo.get(status)
        if entry is None or not entry.template_id:
            return None
        return ZnsTemplate(entry.template_id, {name: values.get(field) or "-" for name, field in entry.params.items()},
                           entry.approved)

    def modes(self, status: str) -> Tuple[str, ...]:
        entry = self.zalo.get(status)
        return entry.modes if entry else ("cs",)


def _load_yaml(path: Path) -> Dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def load_registry(texts_file: Path = TEXTS_FILE, zalo_file: Path = ZALO_FILE) -> Registry:
    texts_raw = _load_yaml(texts_file).get("statuses") or {}
    texts = {status: StatusTemplates(tuple(entry.get("chat") or ()), str(entry.get("sms") or ""),
                                     int(entry.get("sms_parts") or 1)) for status, entry in texts_raw.items()}
    zalo_raw = _load_yaml(zalo_file)
    default_modes = tuple((zalo_raw.get("defaults") or {}).get("modes") or ("cs",))
    zalo = {}
    for status, entry in (zalo_raw.get("statuses") or {}).items():
        zns = entry.get("zns") or {}
        zalo[status] = ZaloEntry(tuple(entry.get("modes") or default_modes), str(zns.get("template_id") or ""),
                                 {str(k): str(v) for k, v in (zns.get("params") or {}).items()}, bool(zns.get("approved")))
    for status in LABELS:
        zalo.setdefault(status, ZaloEntry(default_modes, "", {}, False))
    cost = {str(k): float(v) for k, v in (zalo_raw.get("cost") or {}).items()}
    return Registry(texts, zalo, cost)


@lru_cache(maxsize=4)
def registry(zalo_file: Optional[str] = None) -> Registry:
    return load_registry(zalo_file=Path(zalo_file) if zalo_file else ZALO_FILE)


def fill_chat(lines: Tuple[str, ...], values: Dict[str, str]) -> str:
    kept = []
    for line in lines:
        names = placeholders(line)
        if any(not values.get(name) for name in names):
            continue
        kept.append(line.format(**{name: values[name] for name in names}))
    return "\n".join(kept)


def parts_of(text: str) -> int:
    """How many SMS parts ``text`` takes as the SMS sender cuts it (``core.message_text.sms_parts``)."""
    return len(sms_parts(text, SEGMENT, max_parts=9))


def fill_sms(template: str, values: Dict[str, str], parts: int) -> str:
    """The registered SMS text with ``values``: plain GSM-7, within ``parts`` parts (free text cut)."""
    plain = {name: to_gsm7(values.get(name) or "") or "-" for name in placeholders(template)}
    text = template.format(**plain)
    for name in FREE_TEXT:
        if name not in plain or plain[name] == "-":
            continue
        while parts_of(text) > parts and len(plain[name]) > 4:
            over = max(gsm7_length(text) - (SEGMENT if parts == 1 else (SEGMENT - 8) * parts), 10)
            keep = max(len(plain[name].rstrip(".")) - over, 1)
            plain[name] = plain[name][:keep].rstrip(" ;,.") + "..."
            text = template.format(**plain)
    return text


def check(reg: Optional[Registry] = None) -> List[str]:
    """What is wrong with the templates (empty when they are fine)."""
    reg = reg or load_registry()
    problems: List[str] = []
    for status in LABELS:
        entry = reg.texts.get(status)
        if entry is None:
            problems.append(f"{status}: no notification template")
            continue
        for text in (*entry.chat, entry.sms):
            for name in placeholders(text):
                if name not in PLACEHOLDERS:
                    problems.append(f"{status}: unknown placeholder {{{name}}}")
        if not entry.sms or not is_gsm7(entry.sms) or entry.sms != to_gsm7(entry.sms):
            problems.append(f"{status}: the SMS template must be plain GSM-7 without diacritics")
        if not any(re.search(r"[^\x00-\x7f]", line) for line in entry.chat):
            problems.append(f"{status}: the chat text has no Vietnamese diacritics")
        longest = {**LONGEST, **{name: "x" * 400 for name in FREE_TEXT}}
        if parts_of(fill_sms(entry.sms, longest, entry.sms_parts)) > entry.sms_parts:
            problems.append(f"{status}: the SMS takes more than {entry.sms_parts} part(s) with the longest values")
        zalo = reg.zalo.get(status)
        if zalo is not None:
            for mode in zalo.modes:
                if mode not in ZALO_MODES:
                    problems.append(f"{status}: unknown Zalo mode {mode}")
            for name, field in zalo.params.items():
                if field not in PLACEHOLDERS:
                    problems.append(f"{status}: ZNS parameter {name} maps to unknown {field}")
    for status in reg.texts:
        if status not in LABELS:
            problems.append(f"{status}: not a status")
    return problems
