"""Knowledge validation as a pure function over data: ``check_knowledge(procedures, faq, synonyms)``.

The input is raw data, as a YAML file or a published snapshot holds it: ``procedures`` and ``faq`` map
an item's key (its file name without ``.yml``) to its dict, ``synonyms`` is the lexicon's dict (or
None). Nothing is read or written; the same data always gives the same findings. Two readers map the
findings to places: the file loader (``bot.knowledge.loader``: ``file:line``) and the workspace's
store (``bot.knowledge.store.validate_snapshot``, in memory).

The checks, in this order (the findings come out in it):
  1. each procedure, in the given order: a mapping of fields; the schema (``Procedure``, pydantic:
     types, required fields, no unknown field, the validators of ``bot.knowledge.model``); its id is
     its key;
  2. each FAQ entry the same (``FaqEntry``);
  3. the synonym lexicon (``SynonymLexicon``), when given;
  4. across items: a FAQ entry's ``procedure`` names a procedure that passed 1.
An item with a finding of 1–3 is left out of the result (so a FAQ pointing to it is reported in 4).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Tuple, Type, TypeVar

from pydantic import BaseModel, ValidationError

from bot.knowledge.model import FaqEntry, Procedure, Synonym, SynonymLexicon

Model = TypeVar("Model", bound=BaseModel)

PROCEDURES, FAQ, LEXICON = "procedures", "faq", "lexicon"
LEXICON_KEY = "synonyms"
MODELS: Dict[str, Type[BaseModel]] = {PROCEDURES: Procedure, FAQ: FaqEntry, LEXICON: SynonymLexicon}


@dataclass(frozen=True)
class Finding:
    """A problem of one item: ``kind`` procedures, faq or lexicon; ``key`` the item's key;
    ``location`` where inside the item (keys and list indexes, as pydantic gives them; () the item as
    a whole); None for a check across items (4), which names the item but no place in it."""

    kind: str
    key: str
    location: Optional[Tuple[Any, ...]]
    message: str


@dataclass
class Checked:
    """What passed, and the findings in check order."""

    procedures: Dict[str, Procedure] = field(default_factory=dict)
    faq: List[FaqEntry] = field(default_factory=list)
    synonyms: List[Synonym] = field(default_factory=list)
    findings: List[Finding] = field(default_factory=list)


def check_item(kind: str, key: str, document: Any) -> Tuple[Optional[BaseModel], List[Finding]]:
    """One item against its model (checks 1–3): the parsed item, or None and its findings."""
    if not isinstance(document, dict):
        return None, [Finding(kind, key, (), "expected a mapping of fields")]
    try:
        item = MODELS[kind].parse_obj(document)
    except ValidationError as error:
        findings = []
        for detail in error.errors():
            location = tuple(p for p in detail["loc"] if p != "__root__")
            where = ".".join(str(p) for p in location) or "file"
            findings.append(Finding(kind, key, location, f"{where}: {detail['msg']}"))
        return None, findings
    item_id = getattr(item, "id", None)
    if item_id is not None and item_id != key:
        return None, [Finding(kind, key, ("id",), f"id '{item_id}' must match the file name '{key}'")]
    return item, []


def cross_findings(procedures: Mapping[str, Procedure], faq: List[FaqEntry]) -> List[Finding]:
    """Check 4: every FAQ entry's procedure exists."""
    return [Finding(FAQ, entry.id, None, f"procedure '{entry.procedure}' does not exist")
            for entry in faq if entry.procedure and entry.procedure not in procedures]


def check_knowledge(procedures: Mapping[str, Any], faq: Mapping[str, Any], synonyms: Any = None) -> Checked:
    """Every check over raw data (see the module's docstring); ``synonyms`` None: no lexicon."""
    checked = Checked()
    for key, document in procedures.items():
        item, found = check_item(PROCEDURES, key, document)
        checked.findings += found
        if item is not None:
            checked.procedures[key] = item  # type: ignore[assignment]
    for key, document in faq.items():
        item, found = check_item(FAQ, key, document)
        checked.findings += found
        if item is not None:
            checked.faq.append(item)  # type: ignore[arg-type]
    if synonyms is not None:
        lexicon, found = check_item(LEXICON, LEXICON_KEY, synonyms)
        checked.findings += found
        checked.synonyms = list(lexicon.synonyms) if lexicon is not None else []  # type: ignore[attr-defined]
    checked.findings += cross_findings(checked.procedures, checked.faq)
    return checked
