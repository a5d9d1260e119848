#!/usr/bin/env python
"""Fault benchmark with delivery receipts and fallback (issue 15).

2,000 applications x 5 status changes = 10,000 notifications through the signed ingestion API and
worker processes (``python -m launcher.notification_worker``), the real clients against the fakes:
half the applications subscribed on Zalo (sent by ZNS to the application's phone, fallback SMS),
half on SMS (fallback Zalo ZNS), every applicant having consented to both at the desk. Faults: 10% 5xx,
5% 429, 2% timeouts on every send; delivery receipts (ZNS events, SMS reports) 3% lost and 3% late
(after the receipt deadline); 1% of the phones undeliverable by SMS (failure reports); one worker
SIGKILLed and restarted. Checks: every notification delivered or reported failed with its reason
(none left waiting), 0 lost, 0 duplicates per channel (a status change reaches a phone at most once
by ZNS and once by SMS, and each SMS part once).

    .venv/bin/python benchmarks/bench_receipts.py [--redis-url redis://127.0.0.1:6379/9] [--out FILE.md]

Loopback only; keys under their own prefix in database 9, deleted at the end.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402
import yaml  # noqa: E402

from applications.templates import ZALO_FILE  # noqa: E402
from benchmarks.bench_notifications import STATUSES, cleanup  # noqa: E402
from notifications.stream import DEAD_LETTER_KEY, GROUP, stream_key  # noqa: E402
from notifications.tracking import AWAITING_KEY, LATER_KEY, STATE_PREFIX  # noqa: E402
from tests.notifications.harness import Pipeline, status_changes  # noqa: E402

PARAMS = {"moi_tiep_nhan": ("ma_ho_so", "trang_thai", "ngay_hen"), "dang_xu_ly": ("ma_ho_so", "trang_thai", "ngay_hen"),
          "cho_bo_sung": ("ma_ho_so", "giay_to"), "cho_tra_ket_qua": ("ma_ho_so", "trang_thai"),
          "da_tra_ket_qua": ("ma_ho_so", "thoi_gian")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--applications", type=int, default=2000)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--deadline", type=float, default=900)
    parser.add_argument("--receipt-deadline", type=float, default=20)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    prefix = f"bench-r{os.getpid()}:"
    sync = redis.Redis.from_url(args.redis_url)

    registry = yaml.safe_load(ZALO_FILE.read_text(encoding="utf-8"))
    for entry in registry["statuses"].values():
        entry["modes"] = ["zns"]
        entry["zns"]["approved"] = True
    tmp = Path(tempfile.mkdtemp()) / "zalo_templates.yml"
    tmp.write_text(yaml.safe_dump(registry, allow_unicode=True), encoding="utf-8")

    codes = [f"H56.22-251203-{i:04d}" for i in range(args.applications)]
    phones = {code: f"09{i:08d}" for i, code in enumerate(codes)}
    events = status_changes(codes, STATUSES)
    for event in events:
        i = int(event["code"].rsplit("-", 1)[1])
        event["phone"] = phones[event["code"]]
        event["notify_channels"] = ["zalo", "sms"] if i % 2 == 0 else ["sms", "zalo"]
    events.sort(key=lambda e: (int(e["event_id"].rsplit("-", 1)[1]), e["code"]))
    expected = len(events)

    env = {"STATUS_KEY_PREFIX": prefix, "NOTIFY_CONCURRENCY": "32", "NOTIFY_CLAIM_IDLE": "10", "NOTIFY_SEND_TIMEOUT": "2",
           "NOTIFY_BACKOFF_BASE": "0.5", "NOTIFY_BACKOFF_MAX": "30", "NOTIFY_MAX_ATTEMPTS": "12",
           "NOTIFY_RATE_ZALO": "50", "NOTIFY_RATE_SMS": "50", "NOTIFY_RECIPIENT_RATE_ZALO": "1",
           "NOTIFY_RECIPIENT_RATE_SMS": "1", "NOTIFY_RECEIPT_DEADLINE": str(args.receipt_deadline),
           "NOTIFY_RECEIPT_SECRET": "dlr-secret", "ZALO_APP_ID": "4318164526394040911", "ZALO_OA_SECRET_KEY": "oa-secret",
           "ZALO_TEMPLATES_FILE": str(tmp)}
    pipeline = Pipeline(args.redis_url, workers=3, extra_env=env, log_dir=ROOT / "var" / "bench-logs")
    pipeline.extra_env["ZALO_ZNS_BASE"] = pipeline.zalo.url
    pipeline.zalo.zns_templates = {e["zns"]["template_id"]: set(PARAMS[s]) for s, e in registry["statuses"].items() if s in PARAMS}
    undeliverable = {"84" + phones[c][1:] for c in codes[::100]}
    pipeline.sms.undeliverable = undeliverable
    killed = restarted = None
    try:
        pipeline.start()
        base = f"http://127.0.0.1:{pipeline.api_port}/notifications/receipts/"
        for n, (name, fake) in enumerate((("zalo", pipeline.zalo), ("sms", pipeline.sms))):
            fake.receipt_url = base + name
            fake.receipt_loss, fake.receipt_late, fake.receipt_late_delay = 0.03, 0.03, args.receipt_deadline + 10
            fake.inject_faults(p_5xx=0.10, p_429=0.05, p_timeout=0.02, hang=5, retry_after=1, seed=20261203 + n,
                               paths=("/message/template", "/sms/send"))
        # one subscriber per application (the status store's keys, written directly)
        for i, code in enumerate(codes):
            member = f"zalo|z{i}" if i % 2 == 0 else f"sms|84{phones[code][1:]}"
            sync.sadd(f"{prefix}app:{code}:subs", member)
            sync.sadd(f"{prefix}subs:{member}", code)
        started = time.monotonic()
        for offset in range(0, expected, 200):
            assert all(r["result"] == "applied" for r in pipeline.push(events[offset:offset + 200]))
        pushed = time.monotonic() - started
        deadline = started + args.deadline
        while time.monotonic() < deadline:
            settled = sum(1 for key in sync.scan_iter(prefix + STATE_PREFIX + "*", count=2000)
                          if sync.hget(key, "state") in (b"delivered", b"failed"))
            now = time.monotonic() - started
            if killed is None and settled >= 0.4 * expected:
                pipeline.kill_worker("worker-2")
                killed = now
            if killed is not None and restarted is None and now >= killed + 5:
                pipeline.start_worker("worker-2")
                restarted = now
            busy = any(sync.xlen(stream_key(c, prefix)) or sync.xpending(stream_key(c, prefix), GROUP)["pending"]
                       for c in ("zalo", "sms"))
            if restarted is not None and not busy and not sync.zcard(prefix + AWAITING_KEY) and not sync.zcard(prefix + LATER_KEY):
                break
            time.sleep(1)
        elapsed = time.monotonic() - started
        time.sleep(args.receipt_deadline / 2 + 12)  # let the late receipts arrive (they must change nothing)
        injected = {name: dict(fake.injected) for name, fake in (("zalo", pipeline.zalo), ("sms", pipeline.sms))}
        receipts = {name: dict(fake.receipts_sent) for name, fake in (("zalo", pipeline.zalo), ("sms", pipeline.sms))}
        zns = pipeline.zalo.received(lambda e: e.get("endpoint") == "zns" and "rejected" not in e)
        sms = pipeline.sms.received(lambda e: "rejected" not in e)
    except BaseException:
        pipeline.stop()
        cleanup(sync, prefix)
        raise
    pipeline.stop()

    # --- outcome of each of the 10,000 notifications (key = event|channel|recipient) ------------
    states = {}
    for key in sync.scan_iter(prefix + STATE_PREFIX + "*", count=2000):
        states[key.decode()[len(prefix + STATE_PREFIX):]] = {k.decode(): v.decode() for k, v in sync.hgetall(key).items()}
    dead = [{k.decode(): v.decode() for k, v in f.items()} for _, f in sync.xrange(prefix + DEAD_LETTER_KEY)]
    dead_keys = {d["key"]: d["error"] for d in dead}
    originals = {f"{e['event_id']}|{'zalo' if int(e['code'].rsplit('-', 1)[1]) % 2 == 0 else 'sms'}|"
                 f"{'z' + str(int(e['code'].rsplit('-', 1)[1])) if int(e['code'].rsplit('-', 1)[1]) % 2 == 0 else '84' + phones[e['code']][1:]}": e
                 for e in events}
    outcome = Counter()
    unresolved = []
    for key, event in originals.items():
        phone = "84" + phones[event["code"]][1:]
        chain = [key, f"{event['event_id']}|sms|{phone}", f"{event['event_id']}|zalo|tel:{phone}"]
        finals = [states.get(k, {}).get("state") for k in chain]
        if "delivered" in finals:
            outcome["delivered" if finals[0] == "delivered" else "delivered after fallback"] += 1
        elif any(k in dead_keys for k in chain):
            outcome["reported failed (dead letter with reason)"] += 1
        else:
            unresolved.append((key, finals))
    dup_zns = sum(c - 1 for c in Counter((e["phone"], e["tracking_id"]) for e in zns).values() if c > 1)
    per_event_phone = Counter()
    for e in zns:
        per_event_phone[(e["data"].get("ma_ho_so"), e["template_id"], e["phone"])] += 1
    twice_zns = sum(1 for c in per_event_phone.values() if c > 1)
    dup_sms = sum(c - 1 for c in Counter(e["ref"] for e in sms).values() if c > 1)
    reasons = Counter(d["error"].split(" (")[0][:60] for d in dead)
    lines = [
        f"`benchmarks/bench_receipts.py`, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {platform.machine()} "
        f"with {os.cpu_count()} CPU cores, Python {platform.python_version()}.", "",
        "| | |", "|---|---|",
        f"| notifications expected | {expected:,} |",
        *[f"| {name} | {count:,} |" for name, count in sorted(outcome.items())],
        f"| left unresolved (neither delivered nor reported failed) | {len(unresolved)} |",
        f"| duplicates: ZNS to the same phone for the same change / same tracking id | {twice_zns} / {dup_zns} |",
        f"| duplicates: SMS parts (same ref accepted twice) | {dup_sms} |",
        f"| dead letters, by reason | {', '.join(f'{r}: {n}' for r, n in reasons.most_common()) or 0} |",
        f"| faults injected (5xx / 429 / timeouts) ZNS; SMS | {injected['zalo']['5xx']}/{injected['zalo']['429']}/{injected['zalo']['timeout']}; "
        f"{injected['sms']['5xx']}/{injected['sms']['429']}/{injected['sms']['timeout']} |",
        f"| receipts posted / lost / late: ZNS; SMS | {receipts['zalo']['posted']}/{receipts['zalo']['lost']}/{receipts['zalo']['late']}; "
        f"{receipts['sms']['posted']}/{receipts['sms']['lost']}/{receipts['sms']['late']} |",
        f"| SMS numbers undeliverable (failure reports) | {len(undeliverable)} |",
        f"| worker-2 SIGKILLed / restarted at | {killed:.1f} s / {restarted:.1f} s |" if killed and restarted else "| worker kill | not reached |",
        f"| pushed in / run time | {pushed:.1f} s / {elapsed:.1f} s |",
    ]
    report = "\n".join(lines)
    print(report)
    if unresolved:
        print("unresolved (first 5):", unresolved[:5])
    if args.out:
        args.out.write_text(report + "\n", encoding="utf-8")
    cleanup(sync, prefix)
    return 0 if not unresolved and not dup_sms and not twice_zns else 1


if __name__ == "__main__":
    sys.exit(main())
