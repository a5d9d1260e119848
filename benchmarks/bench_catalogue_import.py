#!/usr/bin/env python
"""Catalogue import time at a province's scale (issue 10: import of 2,000 records ≤ 60 s).

The two real records of ``tests/catalogue/fixtures/dvcqg_v1.json`` repeated under 2,000 made-up codes
and names ("… (bản thử số N)", province H99): labelled distractors for timing only, never kept as
knowledge. Measures a first import (dry run, then apply as drafts), publishes, then a re-import of
1,990 of them with one record changed (1 changed, 10 retired, 1,989 unchanged expected).

    .venv/bin/python benchmarks/bench_catalogue_import.py [--redis-url redis://127.0.0.1:6379/13]

Database ``--redis-url`` names is flushed before and after: give it one of its own.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402

from bot.knowledge.store import KnowledgeStore  # noqa: E402
from catalogue import importer  # noqa: E402

FIXTURE = ROOT / "tests" / "catalogue" / "fixtures" / "dvcqg_v1.json"
SEED = ROOT / "tests" / "admin" / "fixtures" / "knowledge"


def distractors(count: int) -> list:
    base = json.loads(FIXTURE.read_text(encoding="utf-8"))
    records = []
    for i in range(count):
        record = copy.deepcopy(base[i % len(base)])
        record["MATTHC"] = f"9.{i:06d}.000.00.00.H99"
        record["TENTTHC"] = f"{record['TENTTHC']} (bản thử số {i})"
        records.append(record)
    return records


def timed(step):  # noqa: ANN001, ANN201 - a small helper
    start = time.perf_counter()
    result = step()
    return result, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--records", type=int, default=2000)
    args = parser.parse_args()
    client = redis.Redis.from_url(args.redis_url)
    client.flushdb()
    try:
        store = KnowledgeStore(client, SEED)
        records = distractors(args.records)
        content = json.dumps(records, ensure_ascii=False).encode()
        report, dry = timed(lambda: importer.dry_run(content, "json", store.working(), dt.date(2026, 12, 3)))
        saved, apply = timed(lambda: importer.apply(store, report, "benchmark"))
        print(f"first import of {len(records)}: dry run {dry:.1f} s, apply {apply:.1f} s ({saved} drafts, {len(report.errors)} errors)")
        store.publish("benchmark", "first import")
        later = records[: len(records) - 10]
        later[0]["CACHTHUCTHUCHIEN"][0]["THOIGIAN"][0]["THOIGIANGIAIQUYET"] = 9
        content = json.dumps(later, ensure_ascii=False).encode()
        again, dry = timed(lambda: importer.dry_run(content, "json", store.working(), dt.date(2026, 12, 10)))
        _, apply = timed(lambda: importer.apply(store, again, "benchmark"))
        print(f"re-import of {len(later)}: dry run {dry:.1f} s, apply {apply:.1f} s "
              f"({len(again.changed)} changed, {len(again.retired)} retired, {again.unchanged} unchanged)")
    finally:
        client.flushdb()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
