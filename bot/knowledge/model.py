"""The knowledge base schema: procedures and FAQ entries (see docs/knowledge-schema.md)."""

from __future__ import annotations

import datetime as dt
import re
from enum import Enum
from typing import Dict, List, Optional

from pydantic import BaseModel, Extra, Field, root_validator, validator

from bot.text import search_key

ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


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


class Procedure(_Strict):
    id: str
    name: str = Field(..., min_length=3)
    aliases: List[str] = Field(..., min_items=2)
    documents: List[str] = Field(..., min_items=1)
    fee: Fee
    deadline: str = Field(..., min_length=3)
    authority: str = Field(..., min_length=3)
    where: Optional[str] = None
    online: Online
    legal_basis: List[str] = Field(..., min_items=1)
    notes: List[str] = []
    sources: List[Source] = Field(..., min_items=1)
    verified_on: dt.date

    _id = validator("id", allow_reuse=True)(_check_id)

    @validator("aliases", "documents", "legal_basis", "notes", each_item=True)
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
