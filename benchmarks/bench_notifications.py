#!/usr/bin/env python
"""Fault-injection benchmark of the notification pipeline (issue 4).

10,000 status changes (5 for each of 2,000 applications) pushed through the signed ingestion API,
2,000 subscribers spread over Telegram, Zalo and SMS, delivered by worker processes
(``python -m launcher.notification_worker``) through the real provider clients to the fake providers of
tests/fakes, which answer 10% 5xx, 5% 429 (Retry-After: 1) and 2% timeouts (they hang; nothing is
delivered). One worker is SIGKILLed mid-run and restarted. Reports delivered, duplicates seen by the
fakes, lost, dead letters, throughput against the configured rate limits and the latency from the
status change (applied by the API) to delivery (accepted by the provider).

    .venv/bin/python benchmarks/bench_notifications.py [--out FILE.md]   (figures go into docs/benchmarks.md, section "Notifications")

Loopback only. Every key lives under its own prefix (STATUS_KEY_PREFIX=bench-<pid>:) in Redis
database 9 by default, and is deleted at the end: the database is never flushed, so the tests (which
flush 10-15) and a running assistant are not disturbed.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import platform
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402
from redis.asyncio import Redis  # noqa: E402

from core.channels import MESSAGING_CHANNELS as CHANNELS  # noqa: E402
from applications.statuses import LABELS  # noqa: E402
from applications.store import StatusStore  # noqa: E402
from notifications.stream import DEAD_LETTER_KEY, DONE_PREFIX, GROUP, stream_key  # noqa: E402
from notifications.worker import STATS_KEY  # noqa: E402
from tests.notifications.harness import Pipeline, status_changes  # noqa: E402

STATUSES = ("moi_tiep_nhan", "dang_xu_ly", "cho_bo_sung", "cho_tra_ket_qua", "da_tra_ket_qua")


def recipient(channel: str, i: int) -> str:
    return {"telegram": str(800000 + i), "zalo": f"z{i}", "sms": f"849{i:08d}"}[channel]


def percentile(values: List[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else float("nan")


async def subscribe(redis_url: str, codes: List[str], prefix: str) -> None:
    client = Redis.from_url(redis_url)
    store = StatusStore(client, prefix)
    for i, code in enumerate(codes):
        channel = CHANNELS[i % 3]
        await store.subscribe(code, channel, recipient(channel, i))
    await client.close()


def cleanup(client: redis.Redis, prefix: str) -> None:
    batch = []
    for key in client.scan_iter(prefix + "*", count=1000):
        batch.append(key)
        if len(batch) >= 500:
            client.delete(*batch)
            batch = []
    if batch:
        client.delete(*batch)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--applications", type=int, default=2000, help="= subscribers (one each)")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=32, help="in flight per channel per worker")
    parser.add_argument("--rate", action="append", default=[], metavar="CHANNEL=PER_SECOND",
                        help="per-channel limit (default telegram=30, zalo=25, sms=25)")
    parser.add_argument("--kill-at", type=float, default=0.4, help="SIGKILL worker-2 at this share delivered")
    parser.add_argument("--restart-after", type=float, default=5.0, help="seconds before the restart")
    parser.add_argument("--p-5xx", type=float, default=0.10)
    parser.add_argument("--p-429", type=float, default=0.05)
    parser.add_argument("--p-timeout", type=float, default=0.02)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--deadline", type=float, default=900, help="give up after this many seconds")
    parser.add_argument("--out", type=Path, help="write the report (Markdown) here")
    parser.add_argument("--seed", type=int, default=20251124)
    parser.add_argument("--pace", type=float, default=0.0,
                        help="push the changes at this many per second (default: as fast as possible, a burst)")
    args = parser.parse_args()

    prefix = f"bench-{os.getpid()}:"
    rates = {"telegram": 30.0, "zalo": 25.0, "sms": 25.0}
    for item in args.rate:
        name, value = item.split("=", 1)
        rates[name] = float(value)
    sync = redis.Redis.from_url(args.redis_url)

    codes = [f"H56.22-251124-{i:04d}" for i in range(args.applications)]
    asyncio.run(subscribe(args.redis_url, codes, prefix))
    events = status_changes(codes, STATUSES)
    # one round of changes for every application, then the next round (changes spread over time)
    events.sort(key=lambda e: (int(e["event_id"].rsplit("-", 1)[1]), e["code"]))
    expected = len(events)

    env = {
        "STATUS_KEY_PREFIX": prefix, "LOG_LEVEL": "INFO",
        "NOTIFY_CONCURRENCY": str(args.concurrency), "NOTIFY_CLAIM_IDLE": "10", "NOTIFY_SEND_TIMEOUT": "2",
        "NOTIFY_BACKOFF_BASE": "0.5", "NOTIFY_BACKOFF_MAX": "30", "NOTIFY_MAX_ATTEMPTS": "12",
        **{f"NOTIFY_RATE_{c.upper()}": str(rates[c]) for c in CHANNELS},
        "NOTIFY_RECIPIENT_RATE_TELEGRAM": "1", "NOTIFY_RECIPIENT_RATE_ZALO": "1", "NOTIFY_RECIPIENT_RATE_SMS": "0.2",
    }
    pipeline = Pipeline(args.redis_url, workers=args.workers, extra_env=env, log_dir=ROOT / "var" / "bench-logs")
    killed_at = restarted_at = None
    try:
        pipeline.start()
        for n, fake in enumerate(pipeline.fakes.values()):
            fake.inject_faults(p_5xx=args.p_5xx, p_429=args.p_429, p_timeout=args.p_timeout, hang=5,
                               retry_after=1, seed=args.seed + n)
        started = time.monotonic()
        push_times: List[float] = []
        push_errors: List[str] = []

        def push_all() -> None:
            batch = 20 if args.pace else 200
            for n, offset in enumerate(range(0, expected, batch)):
                if args.pace:  # keep to the pace: batch n goes out at n * batch / pace seconds
                    time.sleep(max(0.0, started + n * batch / args.pace - time.monotonic()))
                results = pipeline.push(events[offset:offset + batch])
                if not all(r["result"] == "applied" for r in results):
                    push_errors.append(str(results[:3]))
            push_times.append(time.monotonic() - started)

        pusher = threading.Thread(target=push_all, name="pusher", daemon=True)
        pusher.start()
        deadline = started + args.deadline
        last_print = 0.0
        while time.monotonic() < deadline:
            delivered = len(pipeline.deliveries())
            now = time.monotonic()
            if killed_at is None and delivered >= args.kill_at * expected:
                pipeline.kill_worker("worker-2")
                killed_at = now - started
                print(f"  SIGKILL worker-2 at {killed_at:.1f}s ({delivered} delivered)", flush=True)
            if killed_at is not None and restarted_at is None and now - started >= killed_at + args.restart_after:
                pipeline.start_worker("worker-2")
                restarted_at = now - started
                print(f"  worker-2 restarted at {restarted_at:.1f}s", flush=True)
            if now - last_print >= 10:
                print(f"  {now - started:6.1f}s: {delivered}/{expected} delivered", flush=True)
                last_print = now
            if delivered >= expected and (restarted_at is not None or args.kill_at >= 1):
                break
            time.sleep(0.5)
        elapsed = time.monotonic() - started
        pusher.join(60)
        pushed = push_times[0] if push_times else float("nan")
        assert not push_errors, push_errors
        # let anything in flight settle before counting duplicates (bounded)
        settle = time.monotonic() + 15
        while time.monotonic() < settle and any(sync.xlen(stream_key(c, prefix)) or sync.xpending(stream_key(c, prefix), GROUP)["pending"]
                                                 for c in CHANNELS):
            time.sleep(0.2)
        deliveries = pipeline.deliveries()
        injected = {name: dict(fake.injected) for name, fake in pipeline.fakes.items()}
    except BaseException:
        pipeline.stop()
        cleanup(sync, prefix)
        raise
    pipeline.stop()

    # --- figures --------------------------------------------------------------------------------
    per_channel = Counter(channel for channel, _, _ in deliveries)
    duplicates = sum(count - 1 for count in deliveries.values())
    distinct = len(deliveries)
    dead = sync.xlen(prefix + DEAD_LETTER_KEY)
    stats = {k.decode(): int(v) for k, v in sync.hgetall(prefix + STATS_KEY).items()}
    done: Dict[str, List[dict]] = defaultdict(list)
    for key in sync.scan_iter(prefix + DONE_PREFIX + "*", count=1000):
        channel = key.decode()[len(prefix + DONE_PREFIX):].split("|")[1]
        done[channel].append(json.loads(sync.get(key)))
    latencies = [(d["delivered"] - d["created"]) / 1000 for items in done.values() for d in items]
    lost = expected - sum(len(v) for v in done.values())
    rows = []
    for channel in CHANNELS:
        items = done[channel]
        if not items:
            continue
        window = (max(d["delivered"] for d in items) - min(d["created"] for d in items)) / 1000
        attempts = stats.get(f"{channel}:attempts", 0)
        # steady state: between the 5th and the 95th percentile of this channel's deliveries
        times = sorted(d["delivered"] for d in items)
        low, high = times[int(0.05 * (len(times) - 1))], times[int(0.95 * (len(times) - 1))]
        steady = sum(1 for t in times if low <= t <= high) / max((high - low) / 1000, 1e-9)
        calls_per_delivery = attempts / len(items)
        rows.append((channel, rates[channel], len(items), per_channel[channel], attempts, window,
                     attempts / window, len(items) / window, steady * calls_per_delivery, steady))
    # which notifications were seen twice, and who sent them (to explain any duplicate)
    duplicate_notes = []
    labels = {LABELS[status]: index for index, status in enumerate(STATUSES)}
    refs = {}
    for i, code in enumerate(codes):
        if CHANNELS[i % 3] == "sms":
            for index in range(len(STATUSES)):
                key = f"{code}-{index}|sms|{recipient('sms', i)}"
                refs[hashlib.sha256(key.encode()).hexdigest()[:24] + "-1"] = key
    for (channel, to, text), count in deliveries.items():
        if count < 2:
            continue
        if channel == "sms":
            key = refs.get(text, "?")
        else:
            code = text.split()[2].rstrip(":")
            label = next((label for label in labels if label in text), "")
            key = f"{code}-{labels.get(label, '?')}|{channel}|{to}"
        raw = sync.get(prefix + DONE_PREFIX + key)
        duplicate_notes.append(f"{channel}: seen {count} times; delivered by {json.loads(raw) if raw else 'nobody?'}")
    cleanup(sync, prefix)

    lines = [
        "# Notification benchmark (fault injection)",
        "",
        f"`benchmarks/bench_notifications.py`, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"{platform.machine()} with {os.cpu_count()} CPU cores, Python {platform.python_version()}, Redis on 127.0.0.1.",
        "",
        "## Setup",
        "",
        f"- {expected:,} status changes: {len(STATUSES)} for each of {args.applications:,} applications, pushed through "
        f"the signed ingestion API, round by round, "
        + (f"paced at {args.pace:g} changes/s in batches of 20 (all pushed in {pushed:.1f} s)." if args.pace else
           f"in batches of 200 as fast as possible (all pushed in {pushed:.1f} s, i.e. a burst)."),
        f"- {args.applications:,} subscribers, one per application, a third each on Telegram, Zalo and SMS: "
        f"{expected:,} notifications expected.",
        f"- {args.workers} worker processes (`python -m launcher.notification_worker`), each reading the three channel "
        f"streams with {args.concurrency} notifications in flight per channel, real provider clients (channels/) "
        "against the fakes of tests/fakes (loopback).",
        f"- Faults injected by every fake on its send endpoint: {args.p_5xx:.0%} 5xx, {args.p_429:.0%} 429 "
        f"(Retry-After: 1 s), {args.p_timeout:.0%} timeouts (the fake hangs 5 s, the client gives up after 2 s; "
        "nothing is delivered).",
        "- Rate limits (all workers together): " + ", ".join(f"{c} {rates[c]:g}/s" for c in CHANNELS)
        + "; per recipient: Telegram 1/s, Zalo 1/s, SMS 1 per 5 s.",
        "- Retries: exponential backoff with full jitter (0.5 s base, 30 s cap, Retry-After honoured), at most 12 "
        "attempts, then the dead-letter stream. Pending messages reclaimed with XAUTOCLAIM after 10 s idle.",
        f"- worker-2 SIGKILLed at {killed_at:.1f} s (after {args.kill_at:.0%} of the notifications were delivered), "
        f"restarted at {restarted_at:.1f} s." if killed_at is not None and restarted_at is not None else
        "- The worker was not killed (the run ended first).",
        "",
        "## Results",
        "",
        "| | |",
        "|---|---|",
        f"| notifications expected | {expected:,} |",
        f"| delivered (distinct, seen by the fakes) | {distinct:,} |",
        f"| duplicates seen by the fakes | {duplicates} |",
        f"| lost | {lost} |",
        f"| dead letters | {dead} |",
        f"| faults injected (5xx / 429 / timeouts) | {sum(i['5xx'] for i in injected.values())} / "
        f"{sum(i['429'] for i in injected.values())} / {sum(i['timeout'] for i in injected.values())} |",
        f"| run time (first push to last delivery) | {elapsed:.1f} s |",
        f"| latency status change → delivery, p50 / p99 / max | {percentile(latencies, 50):.1f} s / "
        f"{percentile(latencies, 99):.1f} s / {max(latencies) if latencies else float('nan'):.1f} s |",
        "",
        "| channel | limit /s | delivered | seen by fake | provider calls | whole run | calls/s, whole run | "
        "calls/s, steady state | delivered/s, steady state |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for channel, limit, delivered, seen, attempts, window, calls_rate, _, steady_calls, steady in rows:
        lines.append(f"| {channel} | {limit:g} | {delivered:,} | {seen:,} | {attempts:,} | {window:.1f} s | "
                     f"{calls_rate:.1f} ({calls_rate / limit:.0%}) | {steady_calls:.1f} ({steady_calls / limit:.0%}) | "
                     f"{steady:.1f} ({steady / limit:.0%}) |")
    lines += [
        "",
        "Provider calls include the failed ones (5xx, 429, timeouts): they use the provider's rate budget too, so "
        "with 17% of calls failing the delivered rate can reach at most about 83% of the limit; the call rate is "
        "what the limiter controls. Steady state: between the 5th and 95th percentile of the channel's deliveries "
        "(calls/s there = delivered/s × calls per delivery); the whole-run figure also counts the start and the "
        "tail of last retries. "
        + ("The changes arrive below the delivery capacity, so the latency is the pipeline's own plus the "
           "retries' backoff (a notification that meets a 429 waits at least its Retry-After) and the "
           "per-recipient limits (an SMS recipient gets at most one message per 5 s)." if args.pace else
           "The latency is dominated by queueing: the changes arrive as a burst and drain at the configured "
           "rates, so p50 is about half the run time."),
        "",
        "Found on the way: with one stream shared by the three channels, Telegram reached only 85% of its limit "
        "(25.5 calls/s of 30): the workers read the stream in order with a bounded number in flight, so the "
        "slower channels' backlog (25/s) held the slots and capped Telegram at their pace. Since then each "
        "channel has its own stream and its own in-flight budget per worker.",
        "",
    ]
    if duplicate_notes:
        lines += ["Duplicates:", ""] + [f"- {note}" for note in duplicate_notes] + [""]
    report = "\n".join(lines)
    print(report)
    if args.out:
        args.out.write_text(report, encoding="utf-8")
    return 0 if lost == 0 and duplicates == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
