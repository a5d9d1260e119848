"""The answer path on the real citizens' questions, DEV split only, without Rasa: a fast loop for tuning.

    .venv/bin/python benchmarks/dev_answers.py [--out FILE.json] [--compare FILE.json] [--show ID,ID]

Asks every dev item (the same selection as benchmarks/dev_understand.py: ``split: dev`` and a URL that
hashes to dev; a test item is never read) as written and folded without diacritics, each in a new
context, through ``bot.answering.pipeline.answer`` on the knowledge of KNOWLEDGE_DIR, and scores the
replies with benchmarks/real_questions/judge.py. Prints the verdicts per variant (covered: correct,
partial, clarify, dont_know, wrong; uncovered: honest don't-know, wrong, clarify), then every item whose
verdict differs from ``--compare`` (a file an earlier ``--out`` wrote), and the reply of each ``--show`` item.

The Rasa benchmark (bench_real_questions.py) is the figure to report: it goes through NLU, rules and the
action server. This one skips them, so its numbers can differ by a few items.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_real_questions import VARIANTS, headings, variants  # noqa: E402
from benchmarks.dev_understand import dev_items  # noqa: E402
from benchmarks.real_questions.judge import judge  # noqa: E402
from bot.answering.pipeline import Context, answer  # noqa: E402
from bot.knowledge import repository  # noqa: E402


def messages_of(reply) -> List[Dict]:
    return [{"text": reply.text, "buttons": [{"title": b.title} for b in reply.buttons]}]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path)
    parser.add_argument("--compare", type=Path)
    parser.add_argument("--show", default="", help="comma-separated item ids whose replies to print")
    args = parser.parse_args()
    items = dev_items(sorted((ROOT / "tests" / "real_questions").glob("*.yml")))
    live = repository.current()
    names = headings({pid: p.name for pid, p in live.base.procedures.items()})
    show = {s.strip() for s in args.show.split(",") if s.strip()}
    verdicts: Dict[str, str] = {}
    counts: Dict[str, collections.Counter] = {}
    for item in items:
        for variant, text in variants(item).items():
            reply = answer(text, Context(), live)
            verdict = judge(item, messages_of(reply), names)
            key = f"{item['id']}|{variant}"
            verdicts[key] = verdict.verdict
            group = f"{variant} {'covered' if item.get('procedure') else 'uncovered'}"
            counts.setdefault(group, collections.Counter())[verdict.verdict] += 1
            if item["id"] in show:
                print(f"--- {key}: {verdict.verdict} {verdict.reason} (expected {item.get('procedure')}, "
                      f"got {reply.kind} {reply.procedure_id})\n{reply.text}\n")
    for variant in VARIANTS:
        for kind in ("covered", "uncovered"):
            counter = counts.get(f"{variant} {kind}", collections.Counter())
            total = sum(counter.values())
            print(f"{variant:13} {kind:9} n={total:3}  " + "  ".join(f"{v} {counter[v]}" for v in
                                                                    ("correct", "partial", "clarify", "dont_know", "wrong")))
    if args.compare and args.compare.is_file():
        before = json.loads(args.compare.read_text(encoding="utf-8"))
        for key in sorted(verdicts):
            if before.get(key) != verdicts[key]:
                print(f"changed {key}: {before.get(key)} -> {verdicts[key]}")
    if args.out:
        args.out.write_text(json.dumps(verdicts, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
