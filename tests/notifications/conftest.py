import asyncio
import time
from typing import Callable, Dict, List

import pytest_asyncio

from applications.store import StatusStore
from notifications.senders import Senders
from launcher.notification_worker import status_worker as Worker
from notifications.worker import WorkerConfig

NOTIFY_DB = 12


@pytest_asyncio.fixture
async def aredis(async_redis_db):
    return async_redis_db(NOTIFY_DB)


@pytest_asyncio.fixture
async def store(aredis):
    return StatusStore(aredis)


async def until(condition: Callable[[], object], timeout: float = 10.0, what: str = "condition") -> None:
    """Poll ``condition`` (sync or async) until true, or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


class Recorder:
    """In-process senders that record what they were asked to send, with scripted failures."""

    def __init__(self) -> None:
        self.sent: List[tuple] = []
        self.calls: Dict[str, int] = {}
        self.failures: Dict[str, List[Exception]] = {}  # recipient -> errors to raise first

    def senders(self, channels=("telegram", "zalo", "sms")) -> Senders:
        def make(channel):
            async def send(recipient, text, key):
                self.calls[recipient] = self.calls.get(recipient, 0) + 1
                queue = self.failures.get(recipient) or []
                if queue:
                    raise queue.pop(0)
                self.sent.append((channel, recipient, text, time.monotonic()))
            return send
        return Senders({c: make(c) for c in channels})


@pytest_asyncio.fixture
async def run_worker(aredis):
    started = []

    def start(senders: Senders, name: str = "w1", **config) -> Worker:
        defaults = dict(concurrency=16, max_attempts=4, backoff_base=0.05, backoff_max=0.2, claim_idle=1.0,
                        send_timeout=1.0, block_ms=100)
        worker = Worker(aredis, senders, name, WorkerConfig(**{**defaults, **config}))
        started.append((worker, asyncio.create_task(worker.run())))
        return worker

    yield start
    for worker, task in started:
        worker.stop()
    for worker, task in started:
        await asyncio.wait_for(task, 10)
