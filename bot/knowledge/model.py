"""The knowledge base schema: procedures and FAQ entries (see docs/knowledge-schema.md)."""

from __future__ import annotations

import datetime as dt
import re
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional

import yaml

from pydantic import BaseModel, Extra, Field, root_validator, validator

from bot.text import search_key

ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
QUALIFIERS_FILE = Path(__file__).resolve().parents[1] / "text" / "qualifiers.yml"


@lru_cache(maxsize=1)
def known_qualifiers() -> FrozenSet[str]:
    """The qualifier keys of bot/text/qualifiers.yml (what a procedure or a special case may name)."""
    data = yaml.safe_load(QUALIFIERS_FILE.read_text(encoding="utf-8")) or {}
    return frozenset(data.get("qualifiers") or {})


def _check_qualifiers(value: List[str]) -> List[str]:
    unknown = [key for key in value if key not in known_qualifiers()]
    if unknown:
        raise ValueError(f"unknown qualifier(s) {', '.join(unknown)}: the keys are those of bot/text/qualifiers.yml")
    return value


class _Strict(BaseModel):
    class Config:
        extra = Extra.forbid
        anystr_strip_whitespace = True
        allow_mutation = False


def _check_id(value: str) -> str:
    if not ID_PATTERN.match(value):
        raise ValueError("id must be lowercase ascii letters, digits and dashes (e.g. cap-lai-the-can-cuoc)")
    return value


class Source(_Strict):
    title: str = Field(..., min_length=3)
    url: Optional[str] = None
    read_on: dt.date


class FeeItem(_Strict):
    case: Optional[str] = None
    amount: int = Field(..., ge=0, description="VND; 0 means free")
    unit: Optional[str] = None


class Fee(_Strict):
    items: List[FeeItem] = []
    exemptions: List[str] = []
    note: Optional[str] = None

    @root_validator(skip_on_failure=True)
    def _items_or_note(cls, values: Dict) -> Dict:
        if not values.get("items") and not values.get("note"):
            raise ValueError("fee needs items (amounts) or a note saying who sets the amount")
        return values

    @property
    def is_free(self) -> bool:
        return bool(self.items) and all(item.amount == 0 for item in self.items)


class OnlineLevel(str, Enum):
    toan_trinh = "toan_trinh"
    mot_phan = "mot_phan"
    khong = "khong"


class Online(_Strict):
    level: OnlineLevel
    description: Optional[str] = None
    url: Optional[str] = None


class ChannelKind(str, Enum):
    """Cách thức thực hiện, as the national procedure database numbers them (1, 2, 3)."""

    truc_tiep = "truc_tiep"  # 1: nộp trực tiếp
    truc_tuyen = "truc_tuyen"  # 2: trực tuyến
    buu_chinh = "buu_chinh"  # 3: qua dịch vụ bưu chính


class ChannelWay(_Strict):
    """One way of submitting, with its own deadline and fee where they differ from the procedure's."""

    kind: ChannelKind
    deadline: Optional[str] = None
    fee: Optional[Fee] = None
    description: Optional[str] = None


class Result(_Strict):
    """Kết quả thực hiện: what the citizen receives, and how long it stays valid."""

    document: str = Field(..., min_length=3)
    validity: Optional[str] = None


class CatalogueLevel(str, Enum):
    """Cấp thực hiện, as the national procedure database states it (after the 1/7/2025 reform)."""

    xa = "xa"  # UBND cấp xã (commune, ward, special zone)
    tinh = "tinh"  # cấp tỉnh (provincial departments, provincial police)
    trung_uong = "trung_uong"  # ministries and central agencies


class Catalogue(_Strict):
    """Where an imported procedure came from: written by the importer (catalogue/), never by hand.

    A procedure with this block may have no hand-written aliases: it is found by its official name.
    """

    source: str = Field(..., min_length=3)  # csdl_quoc_gia | cong_tinh | excel: which reader made it
    record: str = Field(..., min_length=3)  # the record's code as published (e.g. 1.003583.000.00.00.H37)
    field: Optional[str] = None  # lĩnh vực thực hiện (Hộ tịch, Đường bộ…)
    level: Optional[CatalogueLevel] = None  # cấp thực hiện
    url: Optional[str] = None  # the record's page, when it has one
    imported_on: dt.date
    retired_on: Optional[dt.date] = None  # set when a re-import no longer holds the record


class SpecialCaseTopic(str, Enum):
    """What a special case is about (docs/knowledge-schema.md)."""

    obligation = "obligation"  # who must do it, and by when (time limit to register)
    condition = "condition"  # eligibility conditions
    delegation = "delegation"  # ủy quyền, someone else submits or receives
    minor = "minor"  # children, age milestones
    late = "late"  # registering late (quá hạn)
    lost = "lost"  # lost or damaged originals
    foreign = "foreign"  # foreign element, abroad
    penalty = "penalty"  # what happens / the fine when it is late or not done
    exemption = "exemption"  # who pays nothing or less
    validity = "validity"  # how long the result stays valid
    other = "other"


class SpecialCase(_Strict):
    """A short verified answer to one question citizens ask about this procedure; found by retrieval
    scoped to the procedure (``question`` and ``variants``)."""

    id: str
    topic: SpecialCaseTopic
    question: str = Field(..., min_length=5)
    variants: List[str] = []
    answer: str = Field(..., min_length=10)
    unclear: bool = False  # the current rule is unclear: the answer says so and gives the hotline
    # qualifiers the procedure does not cover that THIS case answers ("cắt khẩu" under đăng ký thường trú):
    # a message saying them is answered by this case alone, never by the procedure's fields
    qualifiers: List[str] = []
    sources: List[Source] = Field(..., min_items=1)
    verified_on: dt.date

    _id = validator("id", allow_reuse=True)(_check_id)
    _qualifiers = validator("qualifiers", allow_reuse=True)(_check_qualifiers)


class Procedure(_Strict):
    id: str
    code: Optional[str] = None  # mã thủ tục in the national database (e.g. 1.001193)
    name: str = Field(..., min_length=3)
    aliases: List[str] = []  # at least 2, unless the procedure was imported (``catalogue``)
    # qualifiers this procedure covers (keys of bot/text/qualifiers.yml: cap_lai, mat, yeu_to_nuoc_ngoai…)
    qualifiers: List[str] = []
    documents: List[str] = Field(..., min_items=1)
    fee: Fee
    deadline: str = Field(..., min_length=3)
    authority: str = Field(..., min_length=3)
    where: Optional[str] = None
    online: Online
    legal_basis: List[str] = Field(..., min_items=1)
    notes: List[str] = []
    subjects: List[str] = []  # đối tượng thực hiện: who does it (and who must)
    conditions: List[str] = []  # yêu cầu, điều kiện
    steps: List[str] = []  # trình tự thực hiện, one step a line
    channels: List[ChannelWay] = []  # cách thức thực hiện, per channel
    result: Optional[Result] = None
    special_cases: List[SpecialCase] = []
    sources: List[Source] = Field(..., min_items=1)
    verified_on: dt.date
    catalogue: Optional[Catalogue] = None  # last: set by the importer only

    _id = validator("id", allow_reuse=True)(_check_id)
    _qualifiers = validator("qualifiers", allow_reuse=True)(_check_qualifiers)

    @root_validator(skip_on_failure=True)
    def _aliases_unless_imported(cls, values: Dict) -> Dict:
        if values.get("catalogue") is None and len(values.get("aliases") or []) < 2:
            raise ValueError("aliases: at least 2 ways citizens say it (only an imported procedure may have none)")
        return values

    @validator("channels")
    def _one_way_per_kind(cls, value: List[ChannelWay]) -> List[ChannelWay]:
        kinds = [way.kind for way in value]
        if len(kinds) != len(set(kinds)):
            raise ValueError("each channel kind (truc_tiep, truc_tuyen, buu_chinh) at most once")
        return value

    @validator("special_cases")
    def _unique_special_cases(cls, value: List[SpecialCase]) -> List[SpecialCase]:
        ids = [case.id for case in value]
        if len(ids) != len(set(ids)):
            raise ValueError("special case ids must be unique within the procedure")
        return value

    @validator("aliases", "documents", "legal_basis", "notes", "subjects", "conditions", "steps", each_item=True)
    def _not_blank(cls, value: str) -> str:
        if not value or not value.strip():
            raise ValueError("empty entry")
        return value

    @validator("aliases", each_item=True)
    def _specific_enough(cls, value: str) -> str:
        words = search_key(value).split()
        if len(words) == 1 and len(words[0]) < 4:
            raise ValueError(f"alias '{value}' is too short: it would match unrelated questions")
        return value


class FaqEntry(_Strict):
    id: str
    question: str = Field(..., min_length=5)
    variants: List[str] = []
    answer: str = Field(..., min_length=10)
    procedure: Optional[str] = None
    sources: List[Source] = Field(..., min_items=1)
    verified_on: dt.date

    _id = validator("id", allow_reuse=True)(_check_id)


class Synonym(_Strict):
    """Old or colloquial names ("said") for what a citizen means today ("means"): knowledge/lexicon/synonyms.yml."""

    means: str = Field(..., min_length=2)
    said: List[str] = Field(..., min_items=1)

    @validator("said", each_item=True)
    def _said_specific_enough(cls, value: str) -> str:
        words = search_key(value).split()
        if not words:
            raise ValueError("empty entry")
        if len(words) == 1 and len(words[0]) < 4:
            raise ValueError(f"'{value}' is too short: it would rewrite unrelated words")
        return value


class SynonymLexicon(_Strict):
    synonyms: List[Synonym] = []

    @validator("synonyms")
    def _each_name_once(cls, value: List[Synonym]) -> List[Synonym]:
        seen: Dict[str, str] = {}
        for entry in value:
            for said in entry.said:
                key = search_key(said)
                if key in seen and seen[key] != entry.means:
                    raise ValueError(f"'{said}' is listed for both '{seen[key]}' and '{entry.means}'")
                seen[key] = entry.means
        return value
