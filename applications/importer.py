"""Bulk import of status changes for offices without an API: ``python -m applications.importer FILE``.

FILE is CSV (UTF-8, header row) or JSON (a list of events or {"events": [...]}), with the fields of
``applications.events``: code, status, event_time, and optionally event_id, procedure, phone,
appointment_date, reason, missing_documents (in CSV: separated by ';'), note. A row without event_id
gets one derived from its content, so importing the same file twice changes nothing. Valid rows are
applied (with their notifications, like the API); invalid rows are listed by line and the command
exits with status 1. ``--dry-run`` only checks the file.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Tuple

from redis.asyncio import Redis

from applications.events import EventError, StatusEvent, parse_event
from applications.store import StatusStore
from bot.settings import load_status_settings


def read_rows(path: Path) -> List[Tuple[str, Dict[str, Any]]]:
    """(where, row) pairs: "line 3" for CSV, "item 2" for JSON."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".json":
        data = json.loads(text)
        items = data.get("events") if isinstance(data, dict) else data
        if not isinstance(items, list):
            raise ValueError("a JSON import is a list of events or {\"events\": [...]}")
        return [(f"item {i}", item) for i, item in enumerate(items, 1)]
    reader = csv.DictReader(text.splitlines())
    rows = []
    for line, row in enumerate(reader, 2):
        rows.append((f"line {line}", {k.strip(): (v or "").strip() for k, v in row.items() if k}))
    return rows


def with_event_id(row: Any) -> Any:
    if isinstance(row, dict) and not row.get("event_id"):
        digest = hashlib.sha256(json.dumps(row, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        row = {**row, "event_id": "import-" + digest[:24]}
    return row


def parse_rows(rows: List[Tuple[str, Any]]) -> Tuple[List[StatusEvent], List[str]]:
    events, errors = [], []
    for where, row in rows:
        try:
            events.append(parse_event(with_event_id(row)))
        except EventError as error:
            errors += [f"{where}: {message}" for message in error.errors]
    return events, errors


async def import_file(path: Path, store: StatusStore, dry_run: bool = False) -> Tuple[Counter, List[str]]:
    events, errors = parse_rows(read_rows(path))
    results: Counter = Counter()
    if not dry_run:
        for event in events:
            results[await store.apply(event)] += 1
    else:
        results["valid"] = len(events)
    return results, errors


async def _main(path: Path, redis_url: str, dry_run: bool) -> int:
    redis = Redis.from_url(redis_url)
    try:
        results, errors = await import_file(path, StatusStore(redis, load_status_settings().key_prefix), dry_run)
    finally:
        await redis.close()
    for error in errors:
        print(error, file=sys.stderr)
    summary = ", ".join(f"{count} {result}" for result, count in sorted(results.items())) or "nothing applied"
    print(f"{path.name}: {summary}; {len(errors)} error(s)")
    return 1 if errors else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", type=Path)
    parser.add_argument("--dry-run", action="store_true", help="check the file, apply nothing")
    parser.add_argument("--redis-url", default=load_status_settings().redis_url)
    args = parser.parse_args()
    if not args.redis_url:
        print("REDIS_URL is not set (or pass --redis-url)", file=sys.stderr)
        return 2
    try:
        return asyncio.run(_main(args.file, args.redis_url, args.dry_run))
    except (OSError, ValueError) as error:
        print(f"cannot read {args.file}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
