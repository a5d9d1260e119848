"""Excel (.xlsx, openpyxl) and .csv export/import of procedures and FAQ entries.

The workbook has one sheet per kind ("Thủ tục", "FAQ"); row 1 holds the column labels (the labels
or the plain keys are accepted on import), one item a row, lists one entry a line inside a cell.
A procedure's channels and special cases are rows of their own sheets ("Cách thức thực hiện",
"Trường hợp đặc biệt"), the procedure id in the first column, in the procedure's order. On import,
when such a sheet is in the workbook its rows are the whole list for every procedure of the
"Thủ tục" sheet (no row: none); when the sheet is absent (an older workbook, or a .csv, which holds
one kind only) those lists are kept as they are. A sub-sheet row whose procedure is not on the
"Thủ tục" sheet of the same file is an error of that row.
A .csv holds one kind, told apart by its columns (a "question" column means FAQ).

Import is two steps: ``dry_run`` reads every row, validates it with the knowledge rules and compares
it with the current knowledge (published + drafts), giving what would be added or changed and every
row error with its sheet and row number (an error inside a channel or special case is reported at
its row of the sub-sheet); ``apply`` then saves the valid rows as drafts. Rows absent
from the file are left alone (nothing is deleted by an import).
"""

from __future__ import annotations

import copy
import csv
import io
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill

from admin.forms import COLUMNS, SUB_TABLES, from_cells, from_sub_cells, sub_rows, to_cells
from bot.knowledge.store import KINDS, Snapshot, canonical, changed_fields, problems_of, validate_snapshot

SHEETS = {"procedures": "Thủ tục", "faq": "FAQ"}
SUB_SHEETS = {"channels": "Cách thức thực hiện", "special_cases": "Trường hợp đặc biệt"}
MAX_ROWS = 5000
WIDTHS = {"id": 28, "name": 36, "question": 40, "answer": 60, "documents": 50, "aliases": 36, "sources": 50,
          "procedure": 28, "steps": 50, "conditions": 40, "variants": 36}
_FORMULA_START = ("=", "+", "-", "@")


def _safe_cell(value: Any) -> Any:
    """Text that Excel would run as a formula is written as plain text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _sheet(workbook: Workbook, title: str, columns: List[Tuple[str, str]], rows: List[Dict[str, Any]]) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append([label for _, label in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1565C0")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cells in rows:
        sheet.append([_safe_cell(cells.get(key, "")) for key, _ in columns])
    for index, (key, _) in enumerate(columns, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = WIDTHS.get(key, 24)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "C2"


def export_xlsx(snapshot: Snapshot) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for kind in KINDS:
        items = [snapshot[kind][item_id] for item_id in sorted(snapshot.get(kind, {}))]
        _sheet(workbook, SHEETS[kind], COLUMNS[kind], [to_cells(kind, data) for data in items])
        if kind == "procedures":
            for table, title in SUB_SHEETS.items():
                _sheet(workbook, title, SUB_TABLES[table], [row for data in items for row in sub_rows(data)[table]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_csv(snapshot: Snapshot, kind: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    columns = COLUMNS[kind]
    writer.writerow([key for key, _ in columns])
    for item_id in sorted(snapshot.get(kind, {})):
        cells = to_cells(kind, snapshot[kind][item_id])
        writer.writerow([_safe_cell(cells.get(key, "")) for key, _ in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel opens it as UTF-8


# ---------------------------------------------------------------- reading


@dataclass
class Row:
    kind: str  # "procedures" | "faq" | a sub-table ("channels", "special_cases")
    sheet: str
    number: int
    cells: Dict[str, Any]


@dataclass
class ImportReport:
    added: List[Dict[str, Any]] = field(default_factory=list)
    changed: List[Dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0
    errors: List[Dict[str, Any]] = field(default_factory=list)
    items: List[Dict[str, Any]] = field(default_factory=list)  # valid added/changed: {kind, data}

    def to_json(self) -> Dict[str, Any]:
        return {"added": self.added, "changed": self.changed, "unchanged": self.unchanged, "errors": self.errors, "items": self.items}


def _columns(kind: str) -> List[Tuple[str, str]]:
    return COLUMNS[kind] if kind in COLUMNS else SUB_TABLES[kind]


def _key_of(header: Any, kind: str) -> Optional[str]:
    text = str(header or "").strip().lstrip("\ufeff")
    for key, label in _columns(kind):
        if text.lower() in (key.lower(), label.lower()):
            return key
    return None


def _cell_value(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("'") and value[1:2] in _FORMULA_START:
        return value[1:]
    return value


def _rows_of(kind: str, sheet: str, table: List[List[Any]], errors: List[Dict[str, Any]]) -> List[Row]:
    if not table:
        return []
    header = table[0]
    keys = [_key_of(h, kind) for h in header]
    needed = "id" if kind in COLUMNS else "procedure"
    if needed not in keys:
        label = dict(_columns(kind))[needed]
        errors.append({"sheet": sheet, "row": 1, "message": f"không tìm thấy cột “{label}” ở dòng 1"})
        return []
    unknown = [str(h) for h, k in zip(header, keys) if k is None and h not in (None, "")]
    if unknown:
        errors.append({"sheet": sheet, "row": 1, "message": "cột không dùng đến, bỏ qua: " + ", ".join(unknown)})
    rows = []
    for number, values in enumerate(table[1:MAX_ROWS + 1], start=2):
        cells = {k: _cell_value(v) for k, v in zip(keys, values) if k}
        if all(v in (None, "") for v in cells.values()):
            continue
        rows.append(Row(kind, sheet, number, cells))
    if len(table) > MAX_ROWS + 1:
        errors.append({"sheet": sheet, "row": MAX_ROWS + 2, "message": f"chỉ đọc {MAX_ROWS} dòng đầu"})
    return rows


def read_upload(filename: str, content: bytes) -> Tuple[List[Row], List[Dict[str, Any]]]:
    """Rows of an uploaded .xlsx or .csv file, and problems with the file itself."""
    errors: List[Dict[str, Any]] = []
    name = (filename or "").lower()
    if name.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            return [], [{"sheet": filename, "row": 0, "message": "tệp CSV phải ở dạng UTF-8"}]
        table = [row for row in csv.reader(io.StringIO(text))]
        header = [str(h).strip().lstrip("\ufeff").lower() for h in (table[0] if table else [])]
        kind = "faq" if any(_key_of(h, "faq") == "question" for h in header) else "procedures"
        return _rows_of(kind, filename, table, errors), errors
    if not name.endswith(".xlsx"):
        return [], [{"sheet": filename, "row": 0, "message": "chỉ nhận tệp .xlsx hoặc .csv"}]
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable upload is the officer's error message, never a 500
        return [], [{"sheet": filename, "row": 0, "message": "không đọc được tệp Excel (.xlsx)"}]
    rows: List[Row] = []
    found = False
    for kind in KINDS:
        if SHEETS[kind] in workbook.sheetnames:
            found = True
            table = [list(r) for r in workbook[SHEETS[kind]].iter_rows(values_only=True)]
            rows += _rows_of(kind, SHEETS[kind], table, errors)
    for table_name, title in SUB_SHEETS.items():
        if title in workbook.sheetnames:
            table = [list(r) for r in workbook[title].iter_rows(values_only=True)]
            sub = _rows_of(table_name, title, table, errors)
            rows += sub or [Row(table_name, title, 0, {})]  # an empty sheet still means "none"
    if not found:
        errors.append({"sheet": filename, "row": 0, "message": "cần trang tính “Thủ tục” và/hoặc “FAQ”"})
    return rows, errors


# ---------------------------------------------------------------- dry run


def _attach_sub_rows(rows: List[Row], report: ImportReport) -> Tuple[List[Row], Dict[Tuple[str, str], List[Row]]]:
    """Item rows, and the sub-sheet rows of each procedure id ({(table, id): rows}), each sub-sheet
    present in the file having an entry (maybe empty) for every procedure of the file."""
    items = [row for row in rows if row.kind in COLUMNS]
    procedure_ids = {str(from_cells("procedures", row.cells).get("id") or "") for row in items if row.kind == "procedures"}
    subs: Dict[Tuple[str, str], List[Row]] = {}
    for table in {row.kind for row in rows if row.kind in SUB_TABLES}:
        for pid in procedure_ids:
            subs[(table, pid)] = []
    for row in rows:
        if row.kind not in SUB_TABLES or not row.number:
            continue
        pid = str(row.cells.get("procedure") or "").strip()
        if not pid:
            report.errors.append({"sheet": row.sheet, "row": row.number, "message": "thiếu mã thủ tục (id)"})
        elif pid not in procedure_ids:
            report.errors.append({"sheet": row.sheet, "row": row.number, "id": pid,
                                  "message": f"thủ tục “{pid}” không có ở trang “{SHEETS['procedures']}” của tệp này"})
        else:
            subs[(row.kind, pid)].append(row)
    return items, subs


def _problem_row(message: str, row: Row, sub: Dict[str, List[Row]]) -> Tuple[str, int, str]:
    """Where a validation problem of a procedure belongs: the sub-sheet row of ``channels.N…`` or
    ``special_cases.N…``, else the procedure's own row."""
    for table, rows in sub.items():
        prefix = table + "."
        if message.startswith(prefix):
            number = message[len(prefix):].split(".", 1)[0].split(":", 1)[0]
            if number.isdigit() and int(number) < len(rows):
                return rows[int(number)].sheet, rows[int(number)].number, message[len(prefix) + len(number):].lstrip(".")
    return row.sheet, row.number, message


def dry_run(rows: List[Row], working: Snapshot, file_errors: List[Dict[str, Any]]) -> ImportReport:
    report = ImportReport(errors=list(file_errors))
    candidate = copy.deepcopy(working)
    seen: Dict[Tuple[str, str], int] = {}
    parsed_rows: List[Tuple[Row, Dict[str, Any]]] = []
    rows, subs = _attach_sub_rows(rows, report)
    sub_of: Dict[str, Dict[str, List[Row]]] = {}
    for row in rows:
        data = from_cells(row.kind, row.cells)
        item_id = str(data.get("id") or "")
        if not item_id:
            report.errors.append({"sheet": row.sheet, "row": row.number, "message": "thiếu mã (id)"})
            continue
        if (row.kind, item_id) in seen:
            report.errors.append({"sheet": row.sheet, "row": row.number, "message": f"mã “{item_id}” trùng với dòng {seen[(row.kind, item_id)]}"})
            continue
        seen[(row.kind, item_id)] = row.number
        if row.kind == "procedures":
            sub_of[item_id] = {}
            for table in SUB_TABLES:
                if (table, item_id) in subs:  # the sheet is in the file: its rows are the whole list
                    sub_of[item_id][table] = subs[(table, item_id)]
                    entries = [from_sub_cells(table, r.cells) for r in subs[(table, item_id)]]
                    if entries:
                        data[table] = entries
                elif (working["procedures"].get(item_id) or {}).get(table):  # absent sheet: kept
                    data[table] = copy.deepcopy(working["procedures"][item_id][table])
        candidate[row.kind][item_id] = data
        parsed_rows.append((row, data))
    base, problems = validate_snapshot(candidate)
    parsed = {"procedures": base.procedures, "faq": {e.id: e for e in base.faq}}
    for row, data in parsed_rows:
        item_id = data["id"]
        mine = problems_of(problems, row.kind, item_id)
        if mine:
            for problem in mine:
                sheet, number, message = _problem_row(problem.message, row, sub_of.get(item_id, {}))
                report.errors.append({"sheet": sheet, "row": number, "id": item_id, "message": message})
            continue
        item = parsed[row.kind].get(item_id)
        if item is None:
            report.errors.append({"sheet": row.sheet, "row": row.number, "id": item_id, "message": "không đọc được"})
            continue
        clean = canonical(row.kind, item)
        before = working[row.kind].get(item_id)
        entry = {"kind": row.kind, "id": item_id, "sheet": row.sheet, "row": row.number}
        if before is None:
            report.added.append(entry)
        elif before != clean:
            report.changed.append({**entry, "fields": changed_fields(before, clean)})
        else:
            report.unchanged += 1
            continue
        report.items.append({"kind": row.kind, "data": clean})
    return report
