"""Stage 1 on the real citizens' questions, DEV split only: expected vs found procedure and aspects.

    .venv/bin/python benchmarks/dev_understand.py [FILE ...] [--quiet]

Reads the real-question files (tests/real_questions/*.yml, or the files given), keeps the items whose
``split`` is dev AND whose URL hashes to dev (the dataset's own rule), never shows or counts a test item,
runs ``understand`` on the knowledge of KNOWLEDGE_DIR and prints, per item, what was expected and what
was found, then the figures: procedure right (resolved to the expected one, or not_covered when none of
ours covers it), not-covered detected, aspect recall and precision (micro), and the time per message.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path
from typing import Dict, List

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.answering.types import ResolutionStatus  # noqa: E402
from bot.answering.understand import understand  # noqa: E402
from bot.knowledge import repository  # noqa: E402


def _split_of(url: str) -> str:
    return "test" if int(hashlib.sha256(url.encode()).hexdigest(), 16) % 2 == 0 else "dev"


def dev_items(files: List[Path]) -> List[Dict]:
    items = []
    for path in files:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as error:
            print(f"{path}: cannot read ({error.__class__.__name__})")
            continue
        for item in data.get("questions") or []:
            if item.get("split") == "dev" and _split_of(str(item.get("url", ""))) == "dev":
                items.append(item)
    return items


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--quiet", action="store_true", help="figures only")
    args = parser.parse_args()
    files = args.files or sorted((ROOT / "tests" / "real_questions").glob("*.yml"))
    items = dev_items(files)
    live = repository.current()
    understand("khởi động", live)  # lexicons load once per process: not counted in the time per message
    right = covered_total = nc_total = nc_found = nc_false = 0
    tp = fp = fn = 0
    elapsed = 0.0
    for item in items:
        started = time.perf_counter()
        found = understand(str(item["question"]), live)
        elapsed += time.perf_counter() - started
        res = found.resolution
        expected = item.get("procedure")
        if expected:
            covered_total += 1
            ok = res.status == ResolutionStatus.resolved and res.procedure_id == expected
            nc_false += res.status == ResolutionStatus.not_covered
        else:
            nc_total += 1
            ok = res.status == ResolutionStatus.not_covered
            nc_found += ok
        right += ok
        want = [a for a in item.get("aspects") or []]
        got = [a.value for a in found.asked]
        tp += len(set(want) & set(got))
        fp += len(set(got) - set(want))
        fn += len(set(want) - set(got))
        if not args.quiet:
            mark = "ok " if ok else "BAD"
            print(f"{mark} {item['id']}: expected {expected or 'not covered: ' + str(item.get('not_covered'))} {want}")
            print(f"    found {res.status.value} {res.procedure_id or ''} {list(res.candidates)} q={list(res.qualifiers)}"
                  f" unc={list(res.uncovered_qualifiers)} {got}")
            if not ok or set(want) != set(got):
                print("    " + " ".join(str(item["question"]).split())[:400])
    n = len(items) or 1
    print(f"\n{len(items)} dev items: procedure right {right}/{len(items)} ({right / n:.0%}); covered ones right "
          f"{right - nc_found}/{covered_total}; not covered detected {nc_found}/{nc_total}; covered but said "
          f"not covered {nc_false}; aspects recall {tp / max(tp + fn, 1):.0%}, precision {tp / max(tp + fp, 1):.0%}; "
          f"{elapsed / n * 1000:.1f} ms per message")
    return 0


if __name__ == "__main__":
    sys.exit(main())
