"""The notification pipeline as separate processes against the fake providers: the status ingestion
API and N workers (``python -m``), the fakes from tests/fakes in threads of this process. Used by the
process test and by benchmarks/bench_notifications.py. Loopback only."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

from applications.api import sign
from tests.fakes.base import free_port
from tests.fakes.sms import FakeSmsGateway
from tests.fakes.telegram import FakeTelegram
from tests.fakes.zalo import FakeZalo

ROOT = Path(__file__).resolve().parents[2]
SECRET = "bench-secret"
TELEGRAM_TOKEN = "4242:notification-bench"
SMS_KEY = "sms-bench-key"


class Pipeline:
    def __init__(self, redis_url: str, workers: int = 2, extra_env: Optional[Dict[str, str]] = None,
                 log_dir: Optional[Path] = None) -> None:
        self.redis_url = redis_url
        self.n_workers = workers
        self.extra_env = extra_env or {}
        self.log_dir = log_dir
        self.telegram = FakeTelegram(TELEGRAM_TOKEN)
        self.zalo = FakeZalo("4318164526394040911", "zalo-secret", "access-bench", "refresh-bench")
        self.sms = FakeSmsGateway(SMS_KEY)
        self.api_port = free_port()
        self.api: Optional[subprocess.Popen] = None
        self.workers: Dict[str, subprocess.Popen] = {}
        self.killed_at: List[float] = []  # time.monotonic() of each SIGKILL

    @property
    def fakes(self):
        return {"telegram": self.telegram, "zalo": self.zalo, "sms": self.sms}

    def env(self) -> Dict[str, str]:
        return {
            **os.environ, "PYTHONPATH": str(ROOT), "REDIS_URL": self.redis_url, "STATUS_API_SECRET": SECRET,
            "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN, "TELEGRAM_API_BASE": self.telegram.url,
            "ZALO_OA_ACCESS_TOKEN": "access-bench", "ZALO_API_BASE": self.zalo.url, "ZALO_OAUTH_BASE": self.zalo.url,
            "SMS_GATEWAY_URL": self.sms.url, "SMS_GATEWAY_API_KEY": SMS_KEY, "SMS_BRANDNAME": "DVCONG",
            "LOG_LEVEL": "WARNING", **self.extra_env,
        }

    def _output(self, name: str):
        if self.log_dir is None:
            return subprocess.DEVNULL
        self.log_dir.mkdir(parents=True, exist_ok=True)
        return open(self.log_dir / f"{name}.log", "ab")

    def start(self) -> "Pipeline":
        for fake in self.fakes.values():
            fake.start()
        self.api = subprocess.Popen([sys.executable, "-m", "applications.api", "--port", str(self.api_port)],
                                    cwd=ROOT, env=self.env(), stdout=self._output("api"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.api_port}/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or self.api.poll() is not None:
                    raise RuntimeError("the status API did not start")
                time.sleep(0.1)
        for n in range(1, self.n_workers + 1):
            self.start_worker(f"worker-{n}")
        return self

    def start_worker(self, name: str) -> subprocess.Popen:
        process = subprocess.Popen([sys.executable, "-m", "launcher.notification_worker", "--name", name],
                                   cwd=ROOT, env=self.env(), stdout=self._output(name), stderr=subprocess.STDOUT)
        self.workers[name] = process
        return process

    def kill_worker(self, name: str) -> None:
        """SIGKILL: no goodbye, its pending messages stay in the group for XAUTOCLAIM."""
        process = self.workers[name]
        os.kill(process.pid, signal.SIGKILL)
        self.killed_at.append(time.monotonic())
        process.wait(10)

    def push(self, events: List[Dict]) -> List[Dict]:
        body = json.dumps({"events": events}).encode()
        timestamp = str(int(time.time()))
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.api_port}/api/status-events", data=body, method="POST",
            headers={"Content-Type": "application/json", "X-Timestamp": timestamp,
                     "X-Signature": sign(SECRET, timestamp, body)})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())["results"]

    def deliveries(self) -> Counter:
        """(channel, recipient, text) -> how many times the fake provider accepted it."""
        return Counter(key for key, _ in self.delivery_times())

    def delivery_times(self) -> List[tuple]:
        """``((channel, recipient, text), time accepted)`` for each message a fake provider accepted."""
        seen = []
        for at, entry in self.telegram.received_at(self.telegram.delivered):
            seen.append((("telegram", str(entry["params"]["chat_id"]), entry["params"]["text"]), at))
        for at, entry in self.zalo.received_at(lambda e: e.get("endpoint") == "message/cs" and "rejected" not in e):
            seen.append((("zalo", entry["user_id"], entry["message"]["text"]), at))
        for at, entry in self.sms.received_at(lambda e: "rejected" not in e):
            seen.append((("sms", entry["to"], entry["ref"]), at))  # ref: one per notification part
        return seen

    def stop(self) -> None:
        processes = [p for p in [*self.workers.values(), self.api] if p is not None]
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
        deadline = time.monotonic() + 30
        for fake in self.fakes.values():
            fake.inject_faults()  # no more faults; let the hanging ones end before the fakes stop
        while any(fake.hanging for fake in self.fakes.values()) and time.monotonic() < deadline:
            time.sleep(0.05)
        for fake in self.fakes.values():
            fake.stop()


def status_changes(codes: Iterable[str], statuses: Tuple[str, ...], start_hour: int = 8) -> List[Dict]:
    """Status changes for each code, one per status, an hour apart (event ids unique)."""
    events = []
    for code in codes:
        for index, status in enumerate(statuses):
            event = {"event_id": f"{code}-{index}", "code": code, "status": status,
                     "event_time": f"2025-03-16T{start_hour + index:02d}:00:00+07:00"}
            if status == "cho_bo_sung":
                event["missing_documents"] = ["Bản sao giấy chứng sinh"]
            if status == "tu_choi":
                event["reason"] = "Hồ sơ không đủ điều kiện"
            if index == 0:
                event["appointment_date"] = "2025-03-25"
            events.append(event)
    return events
