"""Merging a mapped record with what the knowledge base already holds.

``find_existing(mapped, working)``: the procedure a record updates: the one whose ``catalogue.record``
is the record's code, else a procedure with the same ``code`` (the base code), else None (a new one).

``merge(mapped, existing)`` -> (the procedure to save, differences to report):
  - an imported procedure (it has a ``catalogue`` block): the official fields (``OFFICIAL_FIELDS``) are
    replaced by the record's; everything else officers added is kept (aliases, qualifiers,
    special_cases, notes, where…); its sources keep the officers' own entries next to the record's;
    a ``retired_on`` is cleared (the record is back);
  - a hand-written procedure (no ``catalogue`` block), matched by ``code``: it keeps every field it has
    and its id; it only gets the catalogue block and the official fields that are EMPTY in it (and the
    record as a source when a field was filled). An official field whose value differs from the record's
    is NOT changed: it is reported as a difference for officers to check (curated, verified fields win).

``retire(existing, today)``: the procedure with ``catalogue.retired_on`` set (a re-import no longer
held its record).
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any, Dict, List, Optional, Tuple

from catalogue.mapper import OFFICIAL_FIELDS, SOURCE_TITLES

Snapshot = Dict[str, Dict[str, Dict[str, Any]]]
NEVER_FILLED = ("verified_on", "sources", "catalogue")  # a hand-written procedure keeps its own


def find_existing(mapped: Dict[str, Any], working: Snapshot) -> Optional[Dict[str, Any]]:
    record = mapped["catalogue"]["record"]
    procedures = working.get("procedures", {})
    for data in procedures.values():
        if (data.get("catalogue") or {}).get("record") == record:
            return data
    code = mapped.get("code")
    if code:
        for data in procedures.values():
            if data.get("code") == code and not data.get("catalogue"):
                return data
    return None


def _is_record_source(source: Dict[str, Any]) -> bool:
    return any(str(source.get("title", "")).startswith(title + ", mã") for title in SOURCE_TITLES.values())


def _empty(value: Any) -> bool:
    return value in (None, "", [], {})


def merge(mapped: Dict[str, Any], existing: Optional[Dict[str, Any]]) -> Tuple[Dict[str, Any], List[Dict[str, Any]]]:
    """The procedure to save, and the differences a hand-written procedure keeps (see the docstring)."""
    if existing is None:
        return copy.deepcopy(mapped), []
    if existing.get("catalogue"):
        merged = {key: copy.deepcopy(value) for key, value in existing.items() if key not in OFFICIAL_FIELDS}
        merged.update({key: copy.deepcopy(value) for key, value in mapped.items() if key != "id"})
        merged["id"] = existing["id"]
        officers_sources = [s for s in existing.get("sources") or [] if not _is_record_source(s)]
        merged["sources"] = mapped["sources"] + officers_sources
        return _in_schema_order(merged), []
    merged = copy.deepcopy(existing)
    differences: List[Dict[str, Any]] = []
    filled = False
    for key in OFFICIAL_FIELDS:
        if key in NEVER_FILLED or key not in mapped:
            continue
        if _empty(existing.get(key)):
            if not _empty(mapped[key]):
                merged[key] = copy.deepcopy(mapped[key])
                filled = True
        elif existing.get(key) != mapped[key]:
            differences.append({"field": key, "ours": existing.get(key), "record": mapped[key]})
    merged["catalogue"] = copy.deepcopy(mapped["catalogue"])
    if filled:
        merged["sources"] = list(existing.get("sources") or []) + [s for s in mapped["sources"]
                                                                  if s not in (existing.get("sources") or [])]
    return _in_schema_order(merged), differences


def retire(existing: Dict[str, Any], today: dt.date) -> Dict[str, Any]:
    retired = copy.deepcopy(existing)
    retired["catalogue"]["retired_on"] = today.isoformat()
    return retired


def _in_schema_order(data: Dict[str, Any]) -> Dict[str, Any]:
    from bot.knowledge.model import Procedure

    order = list(Procedure.__fields__)
    return {key: data[key] for key in sorted(data, key=lambda k: order.index(k) if k in order else len(order))}
