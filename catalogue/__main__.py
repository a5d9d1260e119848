"""``python -m catalogue import FILE [--format json|html|xlsx] [--dry-run] [--partial] [--user NAME]``

Reads FILE (the format from its extension unless ``--format``), prints the import report (added,
changed with their fields, retired, differences kept in hand-written procedures, errors as
``record N: field: problem``) and, unless ``--dry-run``, saves the result as drafts in the Redis the
settings name (``REDIS_URL``, ``bot.settings``): a reviewer publishes them in the workspace (/changes).
Exit status: 0 done (or dry run without errors), 1 errors (nothing saved), 2 usage (unknown format,
no REDIS_URL, unreadable file).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import List, Optional

from catalogue import importer


def print_report(report: importer.Report, out=sys.stdout) -> None:  # noqa: ANN001 - a text stream
    counts = report.summary()
    print(f"{report.file}: {counts['added']} mới, {counts['changed']} thay đổi, {counts['unchanged']} không đổi, "
          f"{counts['retired']} rời danh mục, {counts['differences']} khác biệt giữ nguyên, {counts['errors']} lỗi", file=out)
    for entry in report.added:
        print(f"  + {entry['id']} ({entry['record']}): {entry['name']}", file=out)
    for entry in report.changed:
        print(f"  ~ {entry['id']} ({entry['record']}): {', '.join(entry['fields'])}", file=out)
    for entry in report.retired:
        print(f"  - {entry['id']} ({entry['record']}): rời danh mục", file=out)
    for entry in report.differences:
        print(f"  ! {entry['id']} ({entry['record']}): giữ bản viết tay, khác bản ghi ở {', '.join(entry['fields'])}", file=out)
    for error in report.errors:
        print(f"  lỗi: {error}", file=out)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m catalogue", description=__doc__.split("\n\n")[1])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("import", help="import a catalogue file as drafts")
    run.add_argument("file", type=Path)
    run.add_argument("--format", choices=sorted(importer.READERS))
    run.add_argument("--dry-run", action="store_true", help="report only, save nothing")
    run.add_argument("--partial", action="store_true", help="the file holds part of the catalogue: retire nothing")
    run.add_argument("--user", default="nhập danh mục", help="the name the drafts and the audit log show")
    args = parser.parse_args(argv)
    fmt = importer.format_of(args.file.name, args.format)
    if fmt is None:
        print("Không rõ định dạng: dùng --format json|html|xlsx", file=sys.stderr)
        return 2
    try:
        content = args.file.read_bytes()
    except OSError as error:
        print(f"Không đọc được {args.file}: {error}", file=sys.stderr)
        return 2
    import redis

    from bot.knowledge.store import KnowledgeStore
    from bot.settings import load_settings

    settings = load_settings()
    if not settings.redis_url:
        print("REDIS_URL chưa đặt: bản nháp nằm trong Redis của khu làm việc.", file=sys.stderr)
        return 2
    store = KnowledgeStore(redis.Redis.from_url(settings.redis_url), settings.knowledge_dir)
    report = importer.dry_run(content, fmt, store.working(), dt.date.today(), partial=args.partial, filename=args.file.name)
    print_report(report)
    if report.errors:
        print("Chưa nhập gì (có lỗi): sửa tệp rồi nhập lại.")
        return 1
    if args.dry_run:
        print("Chạy thử: chưa lưu gì.")
        return 0
    saved = importer.apply(store, report, args.user) if report.items else 0
    print(f"Đã lưu {saved} thủ tục thành bản nháp: người duyệt xuất bản ở /changes.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
