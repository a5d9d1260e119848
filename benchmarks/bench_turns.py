"""Turn cost benchmark (issue 13): the previous version and this one, side by side in one run. Writes
docs/benchmarks.md (section "Fast turns") and prints the tables.

    .venv/bin/python benchmarks/bench_turns.py [--previous REV] [--no-write]

In one run, on this machine, for the previous version (``--previous``, default ``main``, checked out in
a temporary git worktree with the trained models copied) and then for this working tree:

1. starts that version's whole assistant the way its own test fixture does (benchmarks/turns/serve.py:
   action server + Rasa server, Redis tracker and lock stores on database 13 of TEST_REDIS_PORT);
2. drives it over the web chat channel (``POST /webhooks/webchat/webhook`` with a signed session token,
   what the web chat page sends), client on loopback:
   - ``/greet`` turns, Rasa's floor: an intent payload skips NLU and runs no custom action;
   - question turns: procedure questions and follow-ups (NLU + the answer action);
   each with 1 conversation at a time and with 20 concurrent conversations, 10 turns per conversation;
3. one conversation of 200 question turns: the median of its first 10 turns against its last 10;
4. CPU seconds used per turn by the Rasa server (all its processes), the action server and Redis
   (from /proc, psutil), and each process's resident memory at the end.

The versions run one after the other, never together: each has both cores. Takes 4-6 minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import aiohttp
import psutil
import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from channels.webchat import session as webchat_session  # noqa: E402

SERVE = ROOT / "benchmarks" / "turns" / "serve.py"
RESULTS_MD = ROOT / "docs" / "benchmarks.md"
SECTION = "## Fast turns (issue 13)"
REDIS_PORT = int(os.environ.get("TEST_REDIS_PORT", "6379"))
REDIS_DB = 13
QUESTIONS = ["Lệ phí cấp đổi giấy phép lái xe bao nhiêu?", "lam lai can cuoc bi mat can giay to gi",
             "đăng ký khai sinh mất mấy ngày", "con le phi thi sao", "lam online dc ko"]
GREET = "/greet"
TURNS_PER_CONVERSATION = 10
LONG_SESSION = 200
ENDS = 10  # turns compared at each end of the long session
TARGETS = ("≥ 2× question turns/s at 20 concurrent conversations against the previous version; question "
           "throughput ≥ 80% of the /greet floor; p95 ≤ 400 ms at 20 concurrent; turn 200 ≤ 1.3× turn 1")


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


# --- the processes of one running version -----------------------------------------------------------

def role(process: psutil.Process) -> Optional[str]:
    try:
        line = " ".join(process.cmdline())
    except psutil.Error:
        return None
    if "bot.rasa_server" in line or "rasa run" in line:
        return "rasa"
    if "bot.action_server" in line or "rasa_sdk" in line:
        return "actions"
    if "multiprocessing" in line:  # Sanic's worker processes (spawned by the Rasa server)
        return "rasa"
    return None


def processes(root_pid: int) -> Dict[int, Tuple[str, psutil.Process]]:
    found: Dict[int, Tuple[str, psutil.Process]] = {}
    for child in psutil.Process(root_pid).children(recursive=True):
        name = role(child)
        if name:
            found[child.pid] = (name, child)
    return found


def redis_process() -> psutil.Process:
    return psutil.Process(int(redis.Redis(port=REDIS_PORT).info("server")["process_id"]))


def cpu_seconds(procs: Dict[int, Tuple[str, psutil.Process]], redis_proc: psutil.Process) -> Dict[str, float]:
    totals = {"rasa": 0.0, "actions": 0.0, "redis": 0.0}
    for name, proc in procs.values():
        try:
            times = proc.cpu_times()
        except psutil.Error:
            continue
        totals[name] += times.user + times.system
    times = redis_proc.cpu_times()
    totals["redis"] = times.user + times.system
    return totals


# --- load -------------------------------------------------------------------------------------------

class Client:
    def __init__(self, url: str, secret: str) -> None:
        self.url = f"{url}/webhooks/webchat/webhook"
        self.secret = secret
        self.errors = 0

    async def conversation(self, session: aiohttp.ClientSession, messages: Sequence[str]) -> List[float]:
        token = webchat_session.issue(self.secret, uuid.uuid4().hex[:22])
        headers = {"Authorization": f"Bearer {token}"}
        times = []
        for message in messages:
            started = time.perf_counter()
            async with session.post(self.url, json={"message": message}, headers=headers) as response:
                body = await response.json(content_type=None)
                if response.status != 200 or not body:
                    self.errors += 1
            times.append(1000 * (time.perf_counter() - started))
        return times


def cycle(messages: Sequence[str], n: int) -> List[str]:
    return [messages[i % len(messages)] for i in range(n)]


async def drive(url: str, secret: str, root_pid: int) -> Dict:
    client = Client(url, secret)
    redis_proc = redis_process()
    results: Dict = {"cases": {}}
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=100)) as session:
        await client.conversation(session, QUESTIONS + [GREET])  # warm-up: every code path once
        await asyncio.gather(*[client.conversation(session, QUESTIONS) for _ in range(4)])
        cases = {
            ("greet", 1): ([GREET] * TURNS_PER_CONVERSATION, 6, 1),
            ("question", 1): (cycle(QUESTIONS, TURNS_PER_CONVERSATION), 6, 1),
            ("greet", 20): ([GREET] * TURNS_PER_CONVERSATION, 20, 20),
            ("question", 20): (cycle(QUESTIONS, TURNS_PER_CONVERSATION), 20, 20),
        }
        for (kind, parallel), (messages, conversations, at_once) in cases.items():
            procs = processes(root_pid)
            before = cpu_seconds(procs, redis_proc)
            errors = client.errors
            started = time.perf_counter()
            times: List[float] = []
            for first in range(0, conversations, at_once):
                batch = await asyncio.gather(*[client.conversation(session, messages)
                                               for _ in range(min(at_once, conversations - first))])
                times += [t for conversation in batch for t in conversation]
            elapsed = time.perf_counter() - started
            after = cpu_seconds(procs, redis_proc)
            results["cases"][f"{kind}@{parallel}"] = {
                "kind": kind, "concurrent": parallel, "n": len(times), "turns_per_s": len(times) / elapsed,
                "median": statistics.median(times), "p95": percentile(times, 0.95),
                "cpu_ms": {k: 1000 * (after[k] - before[k]) / len(times) for k in after},
                "errors": client.errors - errors,
            }
            print(f"  {kind}@{parallel}: {len(times) / elapsed:.1f} turns/s, median {statistics.median(times):.0f} ms",
                  flush=True)
        long_times = await client.conversation(session, cycle(QUESTIONS, LONG_SESSION))
        results["long"] = {"first": statistics.median(long_times[:ENDS]), "last": statistics.median(long_times[-ENDS:]),
                           "n": LONG_SESSION}
        print(f"  long session: first {results['long']['first']:.0f} ms, last {results['long']['last']:.0f} ms", flush=True)
    results["memory_mb"] = sorted(
        [(name, proc.memory_info().rss / 2**20) for name, proc in processes(root_pid).values() if proc.is_running()],
        key=lambda item: item[0],
    ) + [("redis", redis_proc.memory_info().rss / 2**20)]
    results["processes"] = {name: sum(1 for n, _ in processes(root_pid).values() if n == name) for name in ("rasa", "actions")}
    return results


def run_version(checkout: Path, work: Path, label: str) -> Dict:
    print(f"{label}: starting the assistant ({checkout})", flush=True)
    env = {**os.environ, "PYTHONPATH": str(checkout), "TEST_REDIS_PORT": str(REDIS_PORT)}
    server = subprocess.Popen(
        [sys.executable, str(SERVE), "--data-dir", str(work / label), "--redis-db", str(REDIS_DB)],
        cwd=checkout, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert server.stdout is not None and server.stdin is not None
        line = ""
        while not line.startswith("{"):
            line = server.stdout.readline()
            if not line and server.poll() is not None:
                raise RuntimeError(f"{label}: the assistant did not start")
        ready = json.loads(line)
        return asyncio.run(drive(ready["url"], ready["webchat_secret"], ready["pid"]))
    finally:
        if server.stdin:
            server.stdin.close()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()


def checkout_of(rev: str, work: Path) -> Path:
    target = work / "previous"
    subprocess.run(["git", "worktree", "add", "--detach", str(target), rev], cwd=ROOT, check=True, capture_output=True)
    (target / ".venv").symlink_to(ROOT / ".venv")
    if (ROOT / "models").is_dir():  # a model trained on the same data is reused (models are named by its hash)
        shutil.copytree(ROOT / "models", target / "models")
    return target


# --- report -----------------------------------------------------------------------------------------

def report(runs: Dict[str, Dict], previous: str, commit: str) -> str:
    lines = [
        SECTION, "",
        f"Run {dt.datetime.utcnow():%Y-%m-%d %H:%M} UTC on {platform.machine()}, {os.cpu_count()} cores, with "
        f"`benchmarks/bench_turns.py`: \"previous\" is {previous}, \"this\" is {commit}, measured one after the "
        f"other in the same run, each with the machine to itself. Redis tracker and lock stores; web chat "
        f"channel (signed session token), client on loopback; {TURNS_PER_CONVERSATION} turns per conversation. "
        f"`/greet` is Rasa's floor (an intent payload: no NLU, no custom action); question turns are procedure "
        f"questions and follow-ups (NLU + the answer action). CPU per turn is the CPU time the processes used "
        f"during the case divided by its turns (on 2 cores, 1000 ms per turn of CPU caps throughput at 2 turns/s).",
        "", f"Targets: {TARGETS}.", "",
        "| version | turn | concurrent | turns | turns/s | median ms | p95 ms | CPU ms/turn: Rasa | actions | Redis | errors |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for version, run in runs.items():
        for case in run["cases"].values():
            cpu = case["cpu_ms"]
            lines.append(
                f"| {version} | {case['kind']} | {case['concurrent']} | {case['n']} | {case['turns_per_s']:.1f} | "
                f"{case['median']:.0f} | {case['p95']:.0f} | {cpu['rasa']:.0f} | {cpu['actions']:.0f} | "
                f"{cpu['redis']:.1f} | {case['errors']} |"
            )
    lines += ["", "| version | long session: median of turns 1-10 ms | of turns 191-200 ms | ratio | "
                  "Rasa processes | memory per process (MB, resident at the end) |", "|---|---|---|---|---|---|"]
    for version, run in runs.items():
        long = run["long"]
        memory = ", ".join(f"{name} {mb:.0f}" for name, mb in run["memory_mb"])
        lines.append(f"| {version} | {long['first']:.0f} | {long['last']:.0f} | {long['last'] / long['first']:.2f} | "
                     f"{run['processes']['rasa']} | {memory} |")
    if "previous" in runs and "this" in runs:
        prev, this = runs["previous"]["cases"], runs["this"]["cases"]
        ratio = this["question@20"]["turns_per_s"] / prev["question@20"]["turns_per_s"]
        floor = this["question@20"]["turns_per_s"] / this["greet@20"]["turns_per_s"]
        floor_prev = prev["question@20"]["turns_per_s"] / prev["greet@20"]["turns_per_s"]
        long = runs["this"]["long"]
        lines += [
            "", "Against the targets (same run):", "",
            f"- question turns/s at 20 concurrent, this / previous: **{ratio:.2f}×** (target ≥ 2×)",
            f"- question throughput / `/greet` floor at 20 concurrent: **{100 * floor:.0f}%** "
            f"(previous {100 * floor_prev:.0f}%; target ≥ 80%)",
            f"- p95 of question turns at 20 concurrent: **{this['question@20']['p95']:.0f} ms** "
            f"(previous {prev['question@20']['p95']:.0f} ms; target ≤ 400 ms)",
            f"- turn 191-200 / turn 1-10 of one session: **{long['last'] / long['first']:.2f}** "
            f"(previous {runs['previous']['long']['last'] / runs['previous']['long']['first']:.2f}; target ≤ 1.3)",
        ]
    return "\n".join(lines) + "\n"


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
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--previous", default="main", help="git revision of the previous version ('' to skip)")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-turns-"))
    runs: Dict[str, Dict] = {}
    checkout = None
    previous = ""
    try:
        if args.previous:
            previous = subprocess.run(["git", "rev-parse", "--short", args.previous], cwd=ROOT, check=True,
                                      capture_output=True, text=True).stdout.strip()
            checkout = checkout_of(args.previous, work)
            runs["previous"] = run_version(checkout, work, "previous")
        runs["this"] = run_version(ROOT, work, "this")
    finally:
        if checkout is not None:
            subprocess.run(["git", "worktree", "remove", "--force", str(checkout)], cwd=ROOT, capture_output=True)
        shutil.rmtree(work, ignore_errors=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True,
                           text=True).stdout.strip()
    text = report(runs, f"{args.previous} ({previous})" if previous else "", commit + (" + changes" if dirty else ""))
    print(text)
    if args.json:
        args.json.write_text(json.dumps(runs, indent=1), encoding="utf-8")
    if not args.no_write:
        write_section(text)


if __name__ == "__main__":
    main()
