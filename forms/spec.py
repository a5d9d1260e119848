"""Form definitions (data in ``forms/definitions/*.yml``) and the lists and cues they use."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

HERE = Path(__file__).resolve().parent
DEFINITIONS = HERE / "definitions"

# Slots every form shares (one form is active at a time).
CONFIRM_SLOT = "form_confirmed"
PENDING_SLOT = "form_pending"
KEEP_SLOT = "form_keep_data"
ACTIVE_SLOT = "form_last_active"
NOTICE_SLOT = "form_notice"
SHARED_SLOTS = [CONFIRM_SLOT, PENDING_SLOT, KEEP_SLOT, ACTIVE_SLOT, NOTICE_SLOT]


@dataclass(frozen=True)
class Field:
    slot: str
    label: str
    attr: str
    type: str
    prompt: str
    role: str
    section: str
    optional: bool = False
    choices: Optional[str] = None
    who: str = ""  # short words for whose field it is, in messages ("mẹ", "cháu")
    in_words: bool = False  # the PDF also writes the date in words ("ghi bằng chữ")


@dataclass
class Section:
    title: str
    role: str
    fields: List[Field]
    gender: Optional[str] = None
    optional_when_name_missing: bool = False


@dataclass
class FormSpec:
    id: str
    form: str
    title: str
    short_title: str
    template: str
    procedure: str
    keywords: List[str]
    sections: List[Section]
    declaration: str
    signer: str
    signer_title: str
    addressee: Optional[str] = None
    form_code: Optional[str] = None
    addressee_slot: Optional[str] = None
    same_person: Dict[str, Any] = field(default_factory=dict)

    @property
    def fields(self) -> List[Field]:
        return [f for s in self.sections for f in s.fields]

    @property
    def slots(self) -> List[str]:
        return [f.slot for f in self.fields]

    @property
    def required_slots(self) -> List[str]:
        return self.slots + [CONFIRM_SLOT]

    def field(self, slot: str) -> Optional[Field]:
        return next((f for f in self.fields if f.slot == slot), None)

    def section_of(self, slot: str) -> Optional[Section]:
        return next((s for s in self.sections if any(f.slot == slot for f in s.fields)), None)

    def role_field(self, role: str, attr: str) -> Optional[Field]:
        return next((f for f in self.fields if f.role == role and f.attr == attr), None)


def _load(path: Path) -> FormSpec:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    sections = []
    for s in raw["sections"]:
        fields = [
            Field(
                slot=f["slot"], label=f["label"], attr=f["attr"], type=f["type"], prompt=f["prompt"],
                role=s["role"], section=s["title"], optional=bool(f.get("optional", False)), choices=f.get("choices"),
                who=s.get("who", ""), in_words=bool(f.get("in_words", False)),
            )
            for f in s["fields"]
        ]
        sections.append(
            Section(s["title"], s["role"], fields, s.get("gender"), bool(s.get("optional_when_name_missing", False)))
        )
    return FormSpec(
        id=raw["id"], form=raw["form"], title=raw["title"], short_title=raw["short_title"], template=raw["template"],
        procedure=raw["procedure"], keywords=list(raw.get("keywords") or []), sections=sections,
        declaration=raw["declaration"], signer=raw["signer"], signer_title=raw["signer_title"],
        addressee=raw.get("addressee"), form_code=raw.get("form_code"), addressee_slot=raw.get("addressee_slot"), same_person=raw.get("same_person") or {},
    )


@lru_cache(maxsize=1)
def all_forms() -> Dict[str, FormSpec]:
    """Form specs by Rasa form name (``form_khai_sinh``…), in a stable order."""
    specs = [_load(p) for p in sorted(DEFINITIONS.glob("*.yml"))]
    return {s.form: s for s in specs}


def form_by_id(form_id: str) -> Optional[FormSpec]:
    return next((s for s in all_forms().values() if s.id == form_id), None)


def form_of_slot(slot: str) -> Optional[FormSpec]:
    return next((s for s in all_forms().values() if slot in s.slots), None)


@lru_cache(maxsize=1)
def choices() -> Dict[str, Dict[str, List[str]]]:
    raw = yaml.safe_load((HERE / "choices.yml").read_text(encoding="utf-8"))
    return {k: {str(v): [str(a) for a in (al or [])] for v, al in items.items()} for k, items in raw.items()}


@lru_cache(maxsize=1)
def cues() -> Dict[str, Any]:
    return yaml.safe_load((HERE / "cues.yml").read_text(encoding="utf-8"))
