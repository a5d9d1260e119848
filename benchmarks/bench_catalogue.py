"""Scale benchmark (issue 10): the curated knowledge alone vs the same with a province's catalogue (≥ 2,000
imported procedures) loaded next to it, in one run, on this machine. Writes docs/benchmarks.md (section
"Catalogue scale (issue 10)") and prints it.

    /work/main/.venv/bin/python benchmarks/bench_catalogue.py [--redis-port 6385] [--repeat 3]

The catalogue is benchmarks/catalogue_data/: real procedure names with their codes, fields and levels
(real-*.yml, with their sources) and generated distractors (distractors-*.json, clearly labelled) to
reach 2,000. Their content is a placeholder: they exist only here, never in knowledge/. A real record
that is one of the curated procedures (same code, or the same name without "Thủ tục") is left out: the
importer updates the curated file instead of adding a second procedure.

Measured, against the curated-only knowledge of the same run:
1. import: mapping the 2,000 records to procedure dicts and validating them (``Procedure.parse_obj``),
   then the whole snapshot as a publish checks it (``store.validate_snapshot``), and building the live
   snapshot (matcher, FAQ and special-case indexes);
2. memory: this process's RSS before and after the catalogue's live snapshot is built (the curated one
   already loaded, both kept);
3. the held-out NLU set (tests/nlu_heldout/): procedure accuracy through the NLU's procedure entity
   (``bot.nlu.procedure_extractor.procedure_entities``, what the Rasa server's ProcedureEntityExtractor
   returns), by variant;
4. understanding time per held-out message: ``procedure_entities(text)`` (the knowledge-dependent part of
   the Rasa parse; the DIET intent classifier does not depend on the knowledge) plus ``understand(text)``
   (stage 1 of the answer, on the action server), wall clock, each message ``--repeat`` times, the two
   knowledges interleaved; the matcher's result cache is emptied before every call (its typo cache stays,
   as in a running process); median and p95 over messages;
5. publish (needs a Redis server on ``--redis-port``, which is flushed: use a test port): a second process
   polls ``repository.current()`` as the Rasa and action servers do (``KNOWLEDGE_RELOAD_SECONDS``,
   background reload); the time from the publish call returning to that process answering from the new
   version, for a one-entry change of the curated knowledge and for publishing the catalogue.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.heldout import VARIANTS, items as heldout_items, procedure_correct  # noqa: E402
from bot.answering.understand import understand  # noqa: E402
from bot.knowledge import repository  # noqa: E402
from bot.knowledge.loader import KnowledgeBase, load_knowledge  # noqa: E402
from bot.knowledge.model import Procedure  # noqa: E402
from bot.knowledge.repository import KnowledgeRepository, LiveKnowledge  # noqa: E402
from bot.knowledge.store import KnowledgeStore, canonical, read_yaml_dir, validate_snapshot  # noqa: E402
from bot.nlu import procedure_extractor  # noqa: E402
from bot.text import search_key  # noqa: E402

DATA = ROOT / "benchmarks" / "catalogue_data"
RESULTS = ROOT / "docs" / "benchmarks.md"
SECTION = "## Catalogue scale (issue 10)"
PLACEHOLDER = "Theo hồ sơ thủ tục trên Cổng Dịch vụ công quốc gia"
PORTAL = "https://dichvucong.gov.vn"
RECORD_URL = "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc={}"
TODAY = dt.date(2026, 12, 3)
AUTHORITY = {"xa": "Ủy ban nhân dân cấp xã", "tinh": "Cơ quan chuyên môn thuộc Ủy ban nhân dân cấp tỉnh",
             "trung_uong": "Bộ, cơ quan ngang bộ"}


# --------------------------------------------------------------------------- catalogue records

def raw_records() -> List[Dict]:
    """Every record of the catalogue data, real first, as {code, name, field, level, url, retired_on, kind}."""
    found: List[Dict] = []
    for path in sorted(DATA.glob("real-*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        sources, authorities = data.get("sources") or {}, data.get("authorities") or {}
        for row in data["records"]:
            code, name, field, level, source = row[:5]
            found.append({"code": str(code), "name": name, "field": field, "level": level,
                          "url": sources.get(source, RECORD_URL.format(code)), "kind": "real",
                          "authority": authorities.get(level), "retired_on": row[5] if len(row) > 5 else None})
    for path in sorted(DATA.glob("distractors-*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for row in data["records"]:
            found.append({**row, "url": None, "kind": "distractor", "authority": None, "retired_on": None})
    return found


def procedure_dict(record: Dict) -> Dict:
    """A record as the importer would write it in our schema (placeholder content, catalogue block)."""
    prefix = "dx" if record["kind"] == "distractor" else "tt"
    read_on = TODAY.isoformat()
    catalogue = {"source": "csdl_quoc_gia", "record": record["code"], "field": record["field"],
                 "level": record["level"], "imported_on": read_on}
    if record.get("url"):
        catalogue["url"] = record["url"]
    if record.get("retired_on"):
        catalogue["retired_on"] = str(record["retired_on"])
    return {
        "id": f"{prefix}-{record['code'].replace('.', '-')}",
        "code": record["code"],
        "name": record["name"],
        "documents": [PLACEHOLDER],
        "fee": {"note": f"{PLACEHOLDER} (mức phí, lệ phí theo hồ sơ thủ tục)"},
        "deadline": PLACEHOLDER,
        "authority": record.get("authority") or AUTHORITY.get(record["level"], PLACEHOLDER),
        "online": {"level": "mot_phan", "description": PLACEHOLDER, "url": PORTAL},
        "legal_basis": [PLACEHOLDER],
        "sources": [{"title": "Danh mục thủ tục hành chính (bản ghi cho benchmark)",
                     "url": record.get("url") or PORTAL, "read_on": read_on}],
        "verified_on": read_on,
        "catalogue": catalogue,
    }


def _folded_name(name: str) -> str:
    key = search_key(name)
    return key[len("thu tuc "):] if key.startswith("thu tuc ") else key


def catalogue_dicts(curated: KnowledgeBase) -> Tuple[List[Dict], int, Dict[str, int]]:
    """The catalogue's procedure dicts, without the real records that are curated procedures."""
    codes = {p.code for p in curated.procedures.values() if p.code}
    names = {_folded_name(p.name) for p in curated.procedures.values()}
    kept, skipped, counts = [], 0, {"real": 0, "distractor": 0, "retired": 0}
    for record in raw_records():
        if record["kind"] == "real" and (record["code"] in codes or _folded_name(record["name"]) in names):
            skipped += 1
            continue
        kept.append(procedure_dict(record))
        counts[record["kind"]] += 1
        counts["retired"] += bool(record.get("retired_on"))
    return kept, skipped, counts


# --------------------------------------------------------------------------- measures

def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def build(base: KnowledgeBase) -> LiveKnowledge:
    live = KnowledgeRepository._build(base, [], "benchmark")
    from bot.answering.find import special_case_index  # built on first use by the answer path
    special_case_index(live), special_case_index(live, True)
    return live


def entities(live: LiveKnowledge, text: str) -> List[str]:
    repository.current = lambda: live  # the extractor asks the process's repository
    return sorted({e["value"] for e in procedure_extractor.procedure_entities(text)})


def timed(live: LiveKnowledge, text: str) -> float:
    live.matcher._results.clear()
    started = time.perf_counter()
    entities(live, text)
    live.matcher._results.clear()
    understand(text, live)
    return time.perf_counter() - started


def percentile(values: List[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def accuracy(live: LiveKnowledge, items: List[Dict]) -> Dict[str, Dict[str, float]]:
    found = [entities(live, item["text"]) for item in items]
    table = {}
    for variant in VARIANTS + ["all"]:
        chosen = [i for i, item in enumerate(items) if variant in ("all", item["variant"])]
        named = [i for i in chosen if items[i].get("procedure")]
        table[variant] = {
            "n": len(named), "n_all": len(chosen),
            "right": sum(procedure_correct(items[i], found[i]) for i in named),
            "right_all": sum(procedure_correct(items[i], found[i]) for i in chosen),
        }
    table["errors"] = [(items[i]["text"], items[i].get("procedure"), found[i]) for i in range(len(items))
                       if not procedure_correct(items[i], found[i])]
    return table


WATCHER = r"""
import sys, time, json
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from bot.knowledge.repository import KnowledgeRepository
from bot.settings import load_settings
settings = load_settings()
repo = KnowledgeRepository(settings.knowledge_dir, settings.knowledge_reload_seconds, settings.redis_url, background=True)
seen = None
deadline = time.time() + float(sys.argv[2])
while time.time() < deadline:
    live = repo.current()
    state = (live.base.version, len(live.base.procedures))
    if state != seen:
        seen = state
        print(json.dumps({"at": time.time(), "version": state[0], "procedures": state[1]}), flush=True)
    time.sleep(0.01)
"""


def publish_visibility(port: int, catalogue: List[Dict], reload_seconds: float) -> Dict[str, float]:
    import redis

    client = redis.Redis(host="127.0.0.1", port=port)
    client.flushdb()
    store = KnowledgeStore(client, ROOT / "knowledge")
    env = {**os.environ, "REDIS_URL": f"redis://127.0.0.1:{port}/0", "KNOWLEDGE_DIR": str(ROOT / "knowledge"),
           "KNOWLEDGE_RELOAD_SECONDS": str(reload_seconds)}
    watcher = subprocess.Popen([sys.executable, "-c", WATCHER, str(ROOT), "120"], env=env, stdout=subprocess.PIPE,
                               text=True)
    results: Dict[str, float] = {}
    try:
        json.loads(watcher.stdout.readline())  # the YAML files (nothing published yet)

        def wait_for(version: int) -> float:
            """When the watcher first answered from published version ``version``."""
            while True:
                line = json.loads(watcher.stdout.readline())
                if str(line["version"]).startswith(f"v{version}-"):
                    return line["at"]

        def draft(kind: str, data: Dict) -> None:
            client.hset("kb:drafts", f"{kind}/{data['id']}",
                        json.dumps({"data": data, "by": "benchmark", "at": "2026-12-03T00:00:00+00:00"},
                                   ensure_ascii=False))

        seed, _ = read_yaml_dir(ROOT / "knowledge")
        faq_id = sorted(seed["faq"])[0]
        draft("faq", dict(seed["faq"][faq_id], answer=seed["faq"][faq_id]["answer"] + " (bản sửa)"))
        started = time.time()
        version = store.publish("benchmark", "một mục FAQ")
        returned = time.time()
        results["small_publish_s"] = returned - started
        results["small_visible_s"] = wait_for(version) - returned
        for data in catalogue:
            draft("procedures", data)
        started = time.time()
        version = store.publish("benchmark", "danh mục của tỉnh")
        returned = time.time()
        results["catalogue_publish_s"] = returned - started
        results["catalogue_visible_s"] = wait_for(version) - returned
        results["snapshot_mb"] = len(client.get(f"kb:snapshot:{client.get('kb:version').decode()}")) / 1e6
    finally:
        watcher.kill()
        client.flushdb()
    return results


# --------------------------------------------------------------------------- report

def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next((int(line.split()[1]) // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    return (f"{cpu}, {os.cpu_count()} cores shared with other jobs, {memory // 1024} GiB RAM, "
            f"Python {platform.python_version()}, {platform.system()} {platform.release()}")


def report(figures: Dict) -> str:
    a, b = figures["accuracy_curated"], figures["accuracy_catalogue"]
    t = figures["timing"]
    lines = [
        SECTION, "",
        f"Run {figures['date']} with `benchmarks/bench_catalogue.py` on {figures['machine']}.",
        f"Catalogue: {figures['catalogue']} imported procedures next to the {figures['curated']} curated ones: "
        f"{figures['counts']['real']} real records of Hải Phòng's published lists "
        f"(benchmarks/catalogue_data/real-haiphong.yml, with sources; {figures['skipped']} more left out because "
        f"they are curated procedures, {figures['counts']['retired']} retired) and "
        f"{figures['counts']['distractor']} generated distractors (distractors-generated.json). Their content is a "
        "placeholder; none of it is in knowledge/.", "",
        "| measure | curated only | with the catalogue | ratio / delta | target |",
        "|---|---|---|---|---|",
    ]
    for variant in VARIANTS + ["all"]:
        ra, rb = a[variant]["right"] / a[variant]["n"] * 100, b[variant]["right"] / b[variant]["n"] * 100
        target = "within 2 points" if variant == "all" else ""
        lines.append(f"| held-out procedure accuracy, {variant} (n={a[variant]['n']}) | {ra:.1f}% | {rb:.1f}% | "
                     f"{rb - ra:+.1f} points | {target} |")
    ra = a["all"]["right_all"] / a["all"]["n_all"] * 100
    rb = b["all"]["right_all"] / b["all"]["n_all"] * 100
    lines.append(f"| held-out, every message (n={a['all']['n_all']}, also those naming none) | {ra:.1f}% | "
                 f"{rb:.1f}% | {rb - ra:+.1f} points | |")
    for name, key in (("understanding per message, median", "p50"), ("understanding per message, p95", "p95")):
        lines.append(f"| {name} | {t['curated'][key] * 1000:.1f} ms | {t['catalogue'][key] * 1000:.1f} ms | "
                     f"×{t['catalogue'][key] / t['curated'][key]:.2f} | {'≤ ×1.5' if key == 'p95' else ''} |")
    lines += [
        f"| live snapshot build (matcher, FAQ and special-case indexes) | {figures['build_curated_s'] * 1000:.0f} ms | "
        f"{figures['build_catalogue_s'] * 1000:.0f} ms | | |",
        f"| process memory (RSS) for the catalogue's snapshot | {figures['rss_curated_mb']:.0f} MB | "
        f"{figures['rss_catalogue_mb']:.0f} MB | +{figures['rss_catalogue_mb'] - figures['rss_curated_mb']:.0f} MB | "
        "≤ +200 MB |",
        f"| import: mapping + validating {figures['catalogue']} records (Procedure) | | "
        f"{figures['import_s']:.2f} s | | ≤ 60 s |",
        f"| import: the whole snapshot checked as a publish checks it | | {figures['validate_s']:.2f} s | | |",
    ]
    publish = figures.get("publish")
    if publish:
        lines += [
            f"| publish call (drafts applied, validated, written) | {publish['small_publish_s']:.2f} s | "
            f"{publish['catalogue_publish_s']:.2f} s | | |",
            f"| publish visible in a second process (KNOWLEDGE_RELOAD_SECONDS={figures['reload_seconds']:g}) | "
            f"{publish['small_visible_s']:.2f} s | {publish['catalogue_visible_s']:.2f} s | | ≤ 5 s |",
            f"| published snapshot in Redis | | {publish['snapshot_mb']:.1f} MB | | |",
        ]
    else:
        lines.append("| publish visible in a second process | not measured (no --redis-port) | | | ≤ 5 s |")
    lines += [
        "",
        "\"Curated only\" and \"with the catalogue\" are measured in the same process, interleaved. Held-out "
        "accuracy counts the messages that name one procedure (`benchmarks/heldout.py`, the rule of "
        "`bench_nlu.py`), through the NLU's procedure entity. \"Understanding per message\" is "
        "`procedure_entities(text)` (the knowledge-dependent part of the Rasa parse: the intent classifier does "
        f"not depend on the knowledge) plus `understand(text)` (stage 1 on the action server), wall clock, "
        f"{figures['repeat']} runs per message, result cache emptied before each. Memory is this process's RSS "
        "before and after building the catalogue's live snapshot with the curated one loaded; the Rasa server "
        "and the action server each hold one such snapshot. Publish visibility: a second process polls "
        "`repository.current()` with the background reload the servers use."
        " The first snapshot build of a process pays the word segmentation of the FAQ texts (cached afterwards), so the curated build reads slower than the catalogue's built after it.",
        "",
    ]
    if b["errors"] != a["errors"]:
        new = [e for e in b["errors"] if e not in a["errors"]]
        fixed = [e for e in a["errors"] if e not in b["errors"]]
        lines.append(f"Held-out messages that change with the catalogue: {len(new)} now wrong, {len(fixed)} now right.")
        for text, expected, found in new[:10]:
            lines.append(f"- now wrong: “{text}” expected {expected}, found {found or 'none'}")
        lines.append("")
    return "\n".join(lines) + "\n"


def write(section: str) -> None:
    existing = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmarks\n\n"
    if SECTION in existing:
        before, after = existing.split(SECTION, 1)
        rest = after[after.find("\n## "):] if "\n## " in after else ""
        existing = before + section + rest.lstrip("\n")
        if rest:
            existing = before + section + "\n" + rest.lstrip("\n")
    else:
        existing = existing.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(existing, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis-port", type=int, default=None, help="a TEST Redis server (it is flushed)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    curated, problems = load_knowledge(ROOT / "knowledge")
    assert not problems, problems
    started = time.perf_counter()
    live_curated = build(curated)
    build_curated = time.perf_counter() - started
    items = heldout_items()
    for item in items[:20]:  # warm both paths (lexicons, lazy imports)
        entities(live_curated, item["text"]), understand(item["text"], live_curated)
    rss_curated = rss_mb()

    started = time.perf_counter()
    dicts, skipped, counts = catalogue_dicts(curated)
    imported = [Procedure.parse_obj(data) for data in dicts]
    import_s = time.perf_counter() - started
    snapshot = {"procedures": {p.id: canonical("procedures", p) for p in curated.procedures.values()},
                "faq": {e.id: canonical("faq", e) for e in curated.faq}}
    snapshot["procedures"].update({p.id: canonical("procedures", p) for p in imported})
    started = time.perf_counter()
    _, found = validate_snapshot(snapshot)
    validate_s = time.perf_counter() - started
    assert not found, found[:3]

    big = KnowledgeBase(procedures={**curated.procedures, **{p.id: p for p in imported}}, faq=list(curated.faq),
                        synonyms=list(curated.synonyms), version="catalogue")
    started = time.perf_counter()
    live_catalogue = build(big)
    build_catalogue = time.perf_counter() - started
    for item in items[:20]:
        entities(live_catalogue, item["text"]), understand(item["text"], live_catalogue)
    rss_catalogue = rss_mb()

    accuracy_curated, accuracy_catalogue = accuracy(live_curated, items), accuracy(live_catalogue, items)
    timings: Dict[str, List[float]] = {"curated": [], "catalogue": []}
    for item in items:
        runs = {"curated": [], "catalogue": []}
        for _ in range(args.repeat):
            runs["curated"].append(timed(live_curated, item["text"]))
            runs["catalogue"].append(timed(live_catalogue, item["text"]))
        for name in runs:
            timings[name].append(statistics.median(runs[name]))
    timing = {name: {"p50": statistics.median(values), "p95": percentile(values, 0.95)}
              for name, values in timings.items()}

    reload_seconds = float(os.environ.get("KNOWLEDGE_RELOAD_SECONDS", "2"))
    publish = publish_visibility(args.redis_port, dicts, reload_seconds) if args.redis_port else None
    figures = {
        "date": TODAY.isoformat(), "machine": machine(), "catalogue": len(imported), "curated": len(curated.procedures),
        "counts": counts, "skipped": skipped, "accuracy_curated": accuracy_curated,
        "accuracy_catalogue": accuracy_catalogue, "timing": timing, "repeat": args.repeat,
        "rss_curated_mb": rss_curated, "rss_catalogue_mb": rss_catalogue, "import_s": import_s,
        "validate_s": validate_s, "build_curated_s": build_curated, "build_catalogue_s": build_catalogue,
        "publish": publish, "reload_seconds": reload_seconds,
    }
    text = report(figures)
    print(text)
    for error in accuracy_catalogue["errors"]:
        if error not in accuracy_curated["errors"]:
            print("NEW ERROR", error)
    if not args.no_write:
        write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
