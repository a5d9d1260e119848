"""A whole catalogue file: read, map, merge, validate, report (the dry run); apply as drafts.

``dry_run(content, fmt, working, today, partial=False)`` -> ``Report``, computed against ``working``
(the published knowledge with the drafts, ``KnowledgeStore.working()``), nothing written:
  1. read the file with the reader of ``fmt`` (json | html | xlsx: ``READERS``); a record it cannot
     read is an error ``record N: field: problem``;
  2. map each record (``catalogue.mapper``); a code twice in the file is an error of the second record;
  3. find what each record updates and merge (``catalogue.merge``): the id of the procedure it updates,
     else the name's slug, made unique with the base code (``-1-001193``) and then a counter;
  4. retire: unless ``partial``, every imported procedure of the same source and province (the
     ``.Hnn`` part of its record code) whose record is not in the file gets ``catalogue.retired_on``
     (already retired ones are left as they are);
  5. validate the whole result with ``bot.knowledge.checks`` (``validate_snapshot``): a problem of a
     record's procedure is ``record N: <field>: <problem>``.
A record whose content is the same as before (dates aside) counts as unchanged and is not touched.
The report lists added (id, record, name), changed (with the fields), unchanged, retired, the
differences a hand-written procedure kept, and the errors. **Nothing half applied:** when there is any
error, ``items`` is empty and ``apply`` refuses; fix the file and import it again.

``apply(store, report, user)`` saves ``report.items`` as drafts in one transaction
(``KnowledgeStore.save_drafts``) and writes one audit entry; a reviewer publishes them (/changes).
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple

from bot.knowledge.store import KnowledgeStore, Snapshot, canonical, changed_fields, problems_of, validate_snapshot
from catalogue import read_html, read_json, read_xlsx
from catalogue.mapper import map_record, province_of, slug
from catalogue.merge import find_existing, merge, retire
from catalogue.record import Record, RecordError

READERS: Dict[str, Tuple[Callable[[bytes], Tuple[List[Record], List[RecordError]]], str]] = {
    "json": (read_json.read, "csdl_quoc_gia"),
    "html": (read_html.read, "cong_tinh"),
    "xlsx": (read_xlsx.read, "excel"),
}
EXTENSIONS = {".json": "json", ".html": "html", ".htm": "html", ".xlsx": "xlsx"}


def format_of(filename: str, fmt: Optional[str] = None) -> Optional[str]:
    """The reader for a file: ``fmt`` when given, else by its extension (None: unknown)."""
    if fmt:
        return fmt if fmt in READERS else None
    name = (filename or "").lower()
    return next((f for ext, f in EXTENSIONS.items() if name.endswith(ext)), None)


@dataclass
class Report:
    file: str = ""
    format: str = ""
    source: str = ""
    added: List[Dict[str, Any]] = field(default_factory=list)
    changed: List[Dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0
    retired: List[Dict[str, Any]] = field(default_factory=list)
    differences: List[Dict[str, Any]] = field(default_factory=list)
    errors: List[str] = field(default_factory=list)
    items: List[Dict[str, Any]] = field(default_factory=list)  # procedures to save as drafts

    @property
    def can_apply(self) -> bool:
        return not self.errors and bool(self.items)

    def to_json(self) -> Dict[str, Any]:
        return asdict(self)

    def summary(self) -> Dict[str, int]:
        return {"added": len(self.added), "changed": len(self.changed), "unchanged": self.unchanged,
                "retired": len(self.retired), "differences": len(self.differences), "errors": len(self.errors)}


def _unique_id(wanted: str, code: str, taken: set) -> str:
    if wanted not in taken:
        return wanted
    with_code = f"{wanted}-{slug(code, 40)}" if code else wanted
    candidate, n = with_code, 2
    while candidate in taken:
        candidate, n = f"{with_code}-{n}", n + 1
    return candidate


def dry_run(content: bytes, fmt: str, working: Snapshot, today: dt.date, partial: bool = False, filename: str = "") -> Report:
    """What importing ``content`` would do to ``working`` (see the module docstring)."""
    reader, source = READERS[fmt]
    report = Report(file=filename, format=fmt, source=source)
    records, read_errors = reader(content)
    report.errors += [str(e) for e in read_errors]
    candidate = copy.deepcopy(working)
    procedures = candidate["procedures"]
    taken = set(procedures)
    seen_codes: Dict[str, int] = {}
    touched: List[Tuple[Record, str]] = []
    for record in records:
        mapped, errors = map_record(record, source, today)
        report.errors += [str(e) for e in errors]
        if errors:
            continue
        if record.code in seen_codes:
            report.errors.append(str(RecordError(record.number, "code", f"mã {record.code} trùng với record {seen_codes[record.code]}")))
            continue
        seen_codes[record.code] = record.number
        existing = find_existing(mapped, working)
        if existing is not None:
            mapped["id"] = existing["id"]
        else:
            mapped["id"] = _unique_id(mapped["id"], mapped.get("code", ""), taken)
        taken.add(mapped["id"])
        merged, differences = merge(mapped, existing)
        if differences:
            report.differences.append({"id": merged["id"], "record": record.code, "number": record.number,
                                       "fields": [d["field"] for d in differences], "details": differences})
        procedures[merged["id"]] = merged
        touched.append((record, merged["id"]))
    if not partial and records:
        provinces = {province_of(r.code) for r in records}
        in_file = {r.code for r in records}
        for item_id, data in working["procedures"].items():
            block = data.get("catalogue") or {}
            if (block.get("source") == source and province_of(block.get("record", "")) in provinces
                    and block.get("record") not in in_file and not block.get("retired_on")):
                procedures[item_id] = retire(data, today)
                report.retired.append({"id": item_id, "record": block.get("record"), "name": data.get("name")})
    base, problems = validate_snapshot(candidate)
    items: List[Dict[str, Any]] = []
    for record, item_id in touched:
        mine = problems_of(problems, "procedures", item_id)
        if mine:
            report.errors += [f"record {record.number}: {p.message}" for p in mine]
            continue
        clean = canonical("procedures", base.procedures[item_id])
        entry = {"id": item_id, "record": record.code, "number": record.number, "name": clean["name"]}
        before = working["procedures"].get(item_id)
        if before is None:
            report.added.append(entry)
        elif _without_dates(before) != _without_dates(clean):
            report.changed.append({**entry, "fields": changed_fields(before, clean)})
        else:
            report.unchanged += 1
            continue
        items.append(clean)
    for entry in report.retired:
        mine = problems_of(problems, "procedures", entry["id"])
        if mine:
            report.errors += [f"{entry['id']}: {p.message}" for p in mine]
        else:
            items.append(canonical("procedures", base.procedures[entry["id"]]))
    if not records and not report.errors:
        report.errors.append("file: không có bản ghi thủ tục nào")
    report.items = [] if report.errors else items
    return report


def _without_dates(data: Dict[str, Any]) -> Dict[str, Any]:
    """A procedure without the dates an import writes (verified_on, the record's read_on, imported_on):
    a record whose content did not change leaves its procedure as it is, dates included."""
    out = copy.deepcopy(data)
    out.pop("verified_on", None)
    (out.get("catalogue") or {}).pop("imported_on", None)
    for source in out.get("sources") or []:
        source.pop("read_on", None)
    return out


class ImportRefused(Exception):
    """The report has errors (nothing is applied) or nothing to apply."""


def apply(store: KnowledgeStore, report: Report, user: str) -> int:
    """Save the report's procedures as drafts, all or nothing; the number saved."""
    if report.errors:
        raise ImportRefused(f"{len(report.errors)} lỗi: chưa nhập gì, hãy sửa tệp rồi nhập lại")
    problems = store.save_drafts("procedures", report.items, user)
    if problems:
        raise ImportRefused("; ".join(str(p) for p in problems))
    store.audit(user, "catalogue_import_applied", report.file, report.summary())
    return len(report.items)
