"""NLU and latency benchmark (issue 2). Writes docs/benchmarks.md (section "NLU") and prints it.

    .venv/bin/python benchmarks/bench_nlu.py [--skip-latency]

In one run, on this machine:
1. trains our pipeline (config.yml) and Rasa's default pipeline (benchmarks/config_default.yml:
   WhitespaceTokenizer + CountVectorsFeaturizer + DIETClassifier) on the same nlu_data/, timing both;
2. evaluates both on the held-out set tests/nlu_heldout/heldout.yml (never used for training):
   intent accuracy per variant (with diacritics / without / abbreviated), and procedure accuracy per
   variant: ours through its ProcedureEntityExtractor, the baseline through an exact lookup of the same
   aliases (what Rasa's RegexEntityExtractor with a lookup table does);
3. starts the whole assistant and measures REST turn latency (median, p95), sequential and with 20
   concurrent conversations, against a baseline turn that skips NLU (an "/greet" payload) in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.knowledge import repository  # noqa: E402
from bot.training import train_command  # noqa: E402

from benchmarks.heldout import HELDOUT, VARIANTS, procedure_correct  # noqa: E402
RESULTS = ROOT / "docs" / "benchmarks.md"


def with_seed(config: Path, seed: int, out: Path) -> Path:
    """A copy of ``config`` whose DIETClassifier uses ``seed`` (kept beside it so custom components resolve)."""
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    for component in data["pipeline"]:
        if component["name"] == "DIETClassifier":
            component["random_seed"] = seed
    seeded = out / f"{config.stem}-seed{seed}.yml"
    seeded.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return seeded


def train(config: Path, out: Path) -> Tuple[Path, float]:
    """Train from scratch (an empty output folder: Rasa reuses nothing) and time it."""
    fresh = Path(tempfile.mkdtemp(dir=out))
    started = time.perf_counter()
    subprocess.run(
        train_command(config, fresh, config.stem, nlu_only=True), cwd=ROOT, check=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    return fresh / f"{config.stem}.tar.gz", time.perf_counter() - started


def parse_all(model: Path, texts: List[str]) -> List[Dict]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))

    async def run() -> List[Dict]:
        return [await agent.parse_message(text) for text in texts]

    return asyncio.run(run())


def lookup_procedures(text: str) -> List[str]:
    """Baseline entity extraction: aliases found verbatim (case-insensitive) in the text."""
    base = repository.current().base
    lowered = text.lower()
    return sorted({p.id for p in base.procedures.values() for a in [p.name, *p.aliases] if a.lower() in lowered})


def score(items: List[Dict], predictions: List[Dict], found: List[List[str]]) -> Dict[str, Dict[str, float]]:
    table: Dict[str, Dict[str, float]] = {}
    for variant in VARIANTS + ["all"]:
        chosen = [i for i, item in enumerate(items) if variant in ("all", item["variant"])]
        top = [predictions[i]["top"] == items[i]["intent"] for i in chosen]
        final = [predictions[i]["final"] == items[i]["intent"] for i in chosen]
        named = [i for i in chosen if items[i].get("procedure")]
        table[variant] = {
            "n": len(chosen),
            "intent": 100 * sum(top) / len(chosen),
            "intent_final": 100 * sum(final) / len(chosen),
            "procedure": 100 * sum(procedure_correct(items[i], found[i]) for i in named) / max(len(named), 1),
            "procedure_n": len(named),
            "procedure_all": 100 * sum(procedure_correct(items[i], found[i]) for i in chosen) / len(chosen),
        }
    return table


def intent_of(parsed: Dict) -> Dict[str, str]:
    ranking = [r for r in parsed.get("intent_ranking", []) if r["name"] != "nlu_fallback"]
    return {"top": ranking[0]["name"] if ranking else parsed["intent"]["name"], "final": parsed["intent"]["name"]}


def percentile(values: List[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def measure_latency(turns: int, concurrent: int) -> Dict[str, Dict[str, float]]:
    import aiohttp

    from launcher.assistant import start_assistant, stop
    from bot.training import ensure_model
    from channels.webchat import session as webchat_session
    from tests.conftest import free_port

    os.environ.pop("REDIS_URL", None)
    os.environ["DATA_DIR"] = tempfile.mkdtemp()
    secret = os.environ.setdefault("WEBCHAT_SESSION_SECRET", uuid.uuid4().hex)
    rasa_port, action_port = free_port(), free_port()
    processes = start_assistant(rasa_port, action_port, str(ensure_model()))
    url = f"http://127.0.0.1:{rasa_port}/webhooks/webchat/webhook"
    questions = ["Lệ phí cấp đổi giấy phép lái xe bao nhiêu?", "lam lai can cuoc bi mat can giay to gi",
                 "đăng ký khai sinh mất mấy ngày", "con le phi thi sao", "lam online dc ko"]

    async def conversation(session: aiohttp.ClientSession, messages: List[str]) -> List[float]:
        token, times = webchat_session.issue(secret, uuid.uuid4().hex), []
        for message in messages:
            started = time.perf_counter()
            headers = {"Authorization": f"Bearer {token}"}
            async with session.post(url, json={"message": message}, headers=headers) as response:
                await response.json()
            times.append(1000 * (time.perf_counter() - started))
        return times

    async def run() -> Dict[str, Dict[str, float]]:
        results: Dict[str, Dict[str, float]] = {}
        async with aiohttp.ClientSession() as session:
            await conversation(session, questions)  # warm-up
            cases = {
                "baseline: /greet payload (no NLU), sequential": (["/greet"] * turns, 1),
                "question turn (NLU + action), sequential": ((questions * turns)[:turns], 1),
                f"question turn, {concurrent} concurrent conversations": ((questions * 4)[:10], concurrent),
            }
            for name, (messages, parallel) in cases.items():
                started = time.perf_counter()
                batches = await asyncio.gather(*[conversation(session, messages) for _ in range(parallel)])
                elapsed = time.perf_counter() - started
                times = [t for batch in batches for t in batch]
                results[name] = {"n": len(times), "median": statistics.median(times),
                                 "p95": percentile(times, 0.95), "throughput": len(times) / elapsed}
        return results

    try:
        return asyncio.run(run())
    finally:
        stop(processes)


def _mean(runs: List[Dict], variant: str, key: str) -> float:
    return statistics.mean(run[variant][key] for run in runs)


def _spread(runs: List[Dict], variant: str, key: str) -> str:
    values = [run[variant][key] for run in runs]
    mean = statistics.mean(values)
    return f"{mean:.1f}%" if len(values) == 1 else f"{mean:.1f}% ({min(values):.1f}–{max(values):.1f})"


def markdown(runs: Dict[str, List[Dict]], times: Dict[str, List[float]], latency: Optional[Dict],
             items: List[Dict], seeds: List[int]) -> str:
    counts = collections.Counter(i["variant"] for i in items)
    ours, base = runs["ours"], runs["default"]
    lines = [
        "# Benchmarks", "",
        "## NLU (issue 2)", "",
        f"Run {dt.date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} cores, "
        f"with `benchmarks/bench_nlu.py`. Held-out set: {len(items)} utterances in tests/nlu_heldout/ "
        f"({counts['diacritics']} with diacritics, {counts['no_diacritics']} without, "
        f"{counts['abbreviated']} abbreviated), written independently of nlu_data/ and never used for training. "
        f"Each pipeline was trained {len(seeds)} times on the same nlu_data/ (DIET seeds {', '.join(map(str, seeds))}, "
        "same epochs): accuracies are the mean, with the lowest and highest run in brackets.",
        "",
        "Intent accuracy is the top intent of DIET; \"after fallback\" counts a FallbackClassifier "
        "`nlu_fallback` as wrong (only our pipeline has one). Procedure accuracy is over the utterances that "
        "name exactly one procedure; \"all\" also counts follow-ups, chit-chat and ambiguous questions, "
        "where the right answer is no single procedure. The default pipeline has no procedure extractor: it is "
        "given an exact lookup of the same aliases (what Rasa's RegexEntityExtractor with a lookup table does).", "",
        "| variant | n | intent: ours | intent: default | difference | ours after fallback | procedure: ours | "
        "procedure: default | procedure, all utterances: ours / default |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for variant in VARIANTS + ["all"]:
        difference = _mean(ours, variant, "intent") - _mean(base, variant, "intent")
        lines.append(
            f"| {variant} | {ours[0][variant]['n']} | {_spread(ours, variant, 'intent')} | "
            f"{_spread(base, variant, 'intent')} | {difference:+.1f} | {_spread(ours, variant, 'intent_final')} | "
            f"{_mean(ours, variant, 'procedure'):.1f}% (n={ours[0][variant]['procedure_n']}) | "
            f"{_mean(base, variant, 'procedure'):.1f}% | "
            f"{_mean(ours, variant, 'procedure_all'):.1f}% / {_mean(base, variant, 'procedure_all'):.1f}% |"
        )
    lines += [
        "", "Training time (NLU only, same data, same DIET epochs; median of the runs):", "",
        "| pipeline | seconds |", "|---|---|",
        f"| ours (config.yml) | {statistics.median(times['ours']):.0f} |",
        f"| default (benchmarks/config_default.yml) | {statistics.median(times['default']):.0f} |",
        f"| ratio ours / default | {statistics.median(times['ours']) / statistics.median(times['default']):.2f} |",
    ]
    if latency:
        baseline = next(iter(latency.values()))["median"]
        lines += [
            "", "## REST turn latency (issue 2)", "",
            "The whole assistant (Rasa server + action server, in-memory tracker) on this machine, "
            "`POST /webhooks/webchat/webhook` (the web chat channel, signed session token), client on loopback.", "",
            "| case | turns | median ms | p95 ms | ratio of median to baseline | turns/s |",
            "|---|---|---|---|---|---|",
        ]
        for name, row in latency.items():
            lines.append(
                f"| {name} | {row['n']} | {row['median']:.0f} | {row['p95']:.0f} | "
                f"{row['median'] / baseline:.2f} | {row['throughput']:.1f} |"
            )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--turns", type=int, default=100)
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 11, 13], help="DIET random seeds")
    args = parser.parse_args()

    items = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))
    texts = [item["text"] for item in items]
    out = ROOT / "models" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    runs: Dict[str, List[Dict]] = {"ours": [], "default": []}
    times: Dict[str, List[float]] = {"ours": [], "default": []}
    for seed in args.seeds:
        for name, config in [("ours", ROOT / "config.yml"), ("default", ROOT / "benchmarks" / "config_default.yml")]:
            model, seconds = train(with_seed(config, seed, out), out)
            times[name].append(seconds)
            parsed = parse_all(model, texts)
            predictions = [intent_of(p) for p in parsed]
            if name == "ours":
                found = [sorted({e["value"] for e in p.get("entities", []) if e["entity"] == "procedure"}) for p in parsed]
            else:
                found = [lookup_procedures(text) for text in texts]
            runs[name].append(score(items, predictions, found))
            errors = [(items[i]["text"], items[i]["intent"], predictions[i]["top"]) for i in range(len(items))
                      if predictions[i]["top"] != items[i]["intent"]]
            print(f"{name}, seed {seed}: {len(errors)} intent errors", *[f"  {e}" for e in errors[:40]], sep="\n")
            if name == "ours" and seed == args.seeds[0]:
                misses = [(items[i]["text"], items[i].get("procedure"), found[i]) for i in range(len(items))
                          if not procedure_correct(items[i], found[i])]
                print(f"{name}: {len(misses)} procedure errors", *[f"  {m}" for m in misses[:40]], sep="\n")
    latency = None if args.skip_latency else measure_latency(args.turns, 20)
    report = markdown(runs, times, latency, items, args.seeds)
    existing = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    marker = "\n## Notifications"
    rest = existing[existing.index(marker):] if marker in existing else ""
    RESULTS.write_text(report + rest, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
