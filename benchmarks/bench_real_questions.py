"""Real citizens' questions benchmark (issue 9). Writes docs/benchmarks.md (section "Real citizens'
questions") and docs/real-questions-results.json, and prints the tables.

    .venv/bin/python benchmarks/bench_real_questions.py [--previous REV] [--split test|dev|all] [--json PATH]

In one run, on this machine:
1. reads every question of tests/real_questions/*.yml (copied from public pages, with their URLs);
2. makes each a second time folded without diacritics (a mechanical copy: what citizens type on SMS);
3. for the previous version (``--previous``, default: the main of before issue 9, checked out in a
   temporary git worktree) and for this working tree, starts that version's whole assistant with its
   own trained model and knowledge, and asks every question in a new conversation
   (benchmarks/real_questions/drive.py, through the version's own test fixture);
4. scores each reply (benchmarks/real_questions/judge.py): correct, partial, clarify, honest don't-know,
   confidently wrong; reports them per split, variant and aspect, against the targets of issue 9.

Needs the Redis of the tests (TEST_REDIS_PORT, default 6379; database 14 is flushed).
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, List, Mapping, Sequence, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.real_questions.judge import judge, strip_diacritics  # noqa: E402

QUESTIONS = ROOT / "tests" / "real_questions"
DRIVER = ROOT / "benchmarks" / "real_questions" / "drive.py"
RESULTS_MD = ROOT / "docs" / "benchmarks.md"
RESULTS_JSON = ROOT / "docs" / "real-questions-results.json"
PREVIOUS = "642816a"  # main before issue 9
SECTION = "## Real citizens' questions (issue 9)"
VARIANTS = ("as_written", "no_diacritics")
TARGETS = "≥ 90% correct on covered questions; ≤ 2% confidently wrong overall; ≥ 95% of uncovered answered honestly"


def load_questions(folder: Path = QUESTIONS) -> List[Dict]:
    items: List[Dict] = []
    for path in sorted(folder.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        items += data.get("questions") or []
    return items


def variants(item: Mapping) -> Dict[str, str]:
    text = str(item["question"]).strip()
    return {"as_written": text, "no_diacritics": strip_diacritics(text)}


def run_version(checkout: Path, items: Sequence[Mapping], work: Path, label: str) -> Dict:
    questions = [{"key": f"{item['id']}|{name}", "text": text} for item in items for name, text in variants(item).items()]
    qfile, out = work / f"{label}-questions.json", work / f"{label}-replies.json"
    qfile.write_text(json.dumps(questions, ensure_ascii=False), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    print(f"{label}: asking {len(questions)} questions ({checkout})", flush=True)
    subprocess.run(
        [sys.executable, str(DRIVER), "--questions", str(qfile), "--out", str(out), "--data-dir", str(work / label)],
        cwd=checkout, env=env, check=True,
    )
    return json.loads(out.read_text(encoding="utf-8"))


def checkout_of(rev: str, work: Path) -> Path:
    target = work / f"checkout-{rev}"
    subprocess.run(["git", "worktree", "add", "--detach", str(target), rev], cwd=ROOT, check=True, capture_output=True)
    (target / ".venv").symlink_to(ROOT / ".venv")
    if (ROOT / "models").is_dir():  # a model trained on the same data is reused (models are named by its hash)
        shutil.copytree(ROOT / "models", target / "models")
    return target


def headings(names: Mapping[str, str]) -> Dict[str, List[str]]:
    """A procedure is named by its full name or by the name without its bracketed part."""
    return {pid: sorted({name, name.split(" (")[0]}) for pid, name in names.items()}


def score(items: Sequence[Mapping], run: Mapping) -> List[Dict]:
    by_key = {reply["key"]: reply for reply in run["replies"]}
    names = headings(run["names"])
    scored = []
    for item in items:
        for variant in VARIANTS:
            reply = by_key[f"{item['id']}|{variant}"]
            verdict = judge(item, reply["messages"], names)
            scored.append({
                "id": item["id"], "split": item.get("split"), "variant": variant,
                "covered": bool(item.get("procedure")), "aspects": list(item.get("aspects") or []),
                "verdict": verdict.verdict, "reason": verdict.reason, "aspects_met": verdict.aspects_met,
                "named": list(verdict.named), "seconds": reply["seconds"], "error": reply["error"],
                "reply": "\n".join(m.get("text") or "" for m in reply["messages"])[:700],
            })
    return scored


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


def summary_rows(scored: Sequence[Mapping], version: str) -> List[str]:
    rows = []
    for variant in VARIANTS:
        rows_v = [s for s in scored if s["variant"] == variant]
        covered = [s for s in rows_v if s["covered"]]
        uncovered = [s for s in rows_v if not s["covered"]]
        count = collections.Counter(s["verdict"] for s in covered)
        wrong_all = sum(1 for s in rows_v if s["verdict"] == "wrong")
        honest_unc = sum(1 for s in uncovered if s["verdict"] == "dont_know")
        rows.append(
            f"| {version} | {variant} | {len(covered)} | {pct(count['correct'], len(covered))} | "
            f"{pct(count['partial'], len(covered))} | {pct(count['clarify'], len(covered))} | "
            f"{pct(count['dont_know'], len(covered))} | {pct(count['wrong'], len(covered))} | "
            f"{len(uncovered)} | {pct(honest_unc, len(uncovered))} | {pct(wrong_all, len(rows_v))} |"
        )
    return rows


def aspect_rows(scored: Sequence[Mapping], version: str) -> List[str]:
    per: Dict[Tuple[str, str], collections.Counter] = collections.defaultdict(collections.Counter)
    for s in scored:
        if not s["covered"]:
            continue
        for aspect in s["aspects"]:
            c = per[(aspect, s["variant"])]
            c["n"] += 1
            c["met"] += 1 if s["aspects_met"].get(aspect) else 0
            c[s["verdict"]] += 1
    rows = []
    for (aspect, variant), c in sorted(per.items()):
        rows.append(
            f"| {version} | {aspect} | {variant} | {c['n']} | {pct(c['met'], c['n'])} | {pct(c['correct'], c['n'])} | "
            f"{pct(c['dont_know'], c['n'])} | {pct(c['wrong'], c['n'])} |"
        )
    return rows


def report(items: Sequence[Mapping], results: Mapping[str, List[Dict]], split: str, previous: str) -> str:
    n_cov = sum(1 for i in items if i.get("procedure"))
    urls = len({i["url"] for i in items})
    lines = [
        SECTION, "",
        f"Run {dt.date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} cores, with "
        f"`benchmarks/bench_real_questions.py`. {len(items)} questions of the {split} split copied from "
        f"{urls} public pages (tests/real_questions/, each with its URL): {n_cov} about procedures we cover, "
        f"{len(items) - n_cov} about procedures or cases we do not. Every question asked twice: as written, "
        f"and folded without diacritics (a mechanical copy). Each in a new conversation, through the "
        f"version's own running assistant; \"previous\" is {previous} (the version compared), measured in the "
        f"same run. Verdicts by benchmarks/real_questions/judge.py (its docstring says how).",
        "", f"Targets (test split): {TARGETS}.", "",
        "| version | variant | covered | correct | partial | clarify | honest don't-know | confidently wrong | uncovered | uncovered answered honestly | confidently wrong, all questions |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for version, scored in results.items():
        lines += summary_rows(scored, version)
    lines += [
        "", "Per aspect asked (covered questions; a question asking several aspects counts under each; "
        "\"facts given\" is that aspect's expected facts found in the reply):", "",
        "| version | aspect | variant | n | facts given | question correct | honest don't-know | confidently wrong |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for version, scored in results.items():
        lines += aspect_rows(scored, version)
    reasons = {v: collections.Counter(s["reason"] for s in scored if s["verdict"] == "wrong") for v, scored in results.items()}
    lines += ["", "Confidently wrong, by reason: " + "; ".join(
        f"{v}: " + (", ".join(f"{r} {n}" for r, n in c.most_common()) or "none") for v, c in reasons.items()
    ) + ".", "", "Replies per question: docs/real-questions-results.json.", ""]
    return "\n".join(lines)


def write_section(text: str) -> None:
    current = RESULTS_MD.read_text(encoding="utf-8") if RESULTS_MD.exists() else "# Benchmarks\n"
    if SECTION in current:
        head, rest = current.split(SECTION, 1)
        tail = rest.split("\n## ", 1)
        current = head + text + ("\n## " + tail[1] if len(tail) > 1 else "")
    else:
        current = current.rstrip("\n") + "\n\n" + text
    RESULTS_MD.write_text(current, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--previous", default=PREVIOUS, help="git revision of the previous version ('' to skip)")
    parser.add_argument("--split", default="test", choices=["test", "dev", "all"])
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--questions", type=Path, default=QUESTIONS, help="folder of question files")
    parser.add_argument("--json", type=Path, help="also write the per-question results here (e.g. for the dev split)")
    args = parser.parse_args()

    items = [i for i in load_questions(args.questions) if args.split == "all" or i.get("split") == args.split]
    work = Path(tempfile.mkdtemp(prefix="bench-rq-"))
    runs: Dict[str, Dict] = {}
    checkout = None
    try:
        if args.previous:
            checkout = checkout_of(args.previous, work)
            runs["previous"] = run_version(checkout, items, work, "previous")
        runs["this"] = run_version(ROOT, items, work, "this")
    finally:
        if checkout is not None:
            subprocess.run(["git", "worktree", "remove", "--force", str(checkout)], cwd=ROOT, capture_output=True)
    results = {version: score(items, run) for version, run in runs.items()}
    text = report(items, results, args.split, args.previous)
    print(text)
    payload = json.dumps({"split": args.split, "results": results}, ensure_ascii=False, indent=0)
    if args.json:
        args.json.write_text(payload, encoding="utf-8")
    if not args.no_write:
        write_section(text)
        RESULTS_JSON.write_text(payload, encoding="utf-8")


if __name__ == "__main__":
    main()
