"""A fake HTTP server in its own thread and event loop, with a thread-safe record of what it got."""

from __future__ import annotations

import asyncio
import random
import socket
import threading
import time
from abc import ABC, abstractmethod
from typing import Any, Callable, Dict, List, Optional

from aiohttp import web


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class FakeServer(ABC):
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._lock = threading.Lock()
        self._received: List[Dict[str, Any]] = []
        self._times: List[float] = []  # time.monotonic() of each recorded entry
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._thread: Optional[threading.Thread] = None
        self._runner: Optional[web.AppRunner] = None
        self._failures: List[Dict[str, Any]] = []
        self._random: Optional[Dict[str, Any]] = None  # inject_faults(): off by default
        self.injected: Dict[str, int] = {"5xx": 0, "429": 0, "timeout": 0}
        self.hanging = 0  # injected timeouts still hanging
        # delivery receipts (ZNS events, SMS delivery reports): where to post them, how late, and a
        # share lost or late for fault benchmarks (off unless set)
        self.receipt_url: Optional[str] = None
        self.receipt_delay = 0.05
        self.receipt_loss = 0.0
        self.receipt_late = 0.0
        self.receipt_late_delay = 5.0
        self.receipts_sent: Dict[str, int] = {"posted": 0, "lost": 0, "late": 0, "refused": 0}
        self._receipt_rng = random.Random(7)
        self._client = None

    # --- to implement ----------------------------------------------------------------------
    @abstractmethod
    def routes(self, app: web.Application) -> None:
        """Add the provider's API routes to ``app``."""

    # --- recording ---------------------------------------------------------------------------
    def record(self, entry: Dict[str, Any]) -> None:
        with self._lock:
            self._received.append(entry)
            self._times.append(time.monotonic())

    def received(self, predicate: Callable[[Dict[str, Any]], bool] = lambda e: True) -> List[Dict[str, Any]]:
        with self._lock:
            return [e for e in self._received if predicate(e)]

    def received_at(self, predicate: Callable[[Dict[str, Any]], bool] = lambda e: True) -> List[tuple]:
        """``(time.monotonic() when recorded, entry)`` for each matching entry, oldest first."""
        with self._lock:
            return [(t, e) for t, e in zip(self._times, self._received) if predicate(e)]

    def wait_for(self, predicate: Callable[[Dict[str, Any]], bool], count: int = 1, timeout: float = 60.0,
                 settle: Optional[Callable[[List[Dict[str, Any]]], bool]] = None) -> List[Dict[str, Any]]:
        """Poll (deadline, no fixed sleep) until ``count`` recorded entries match ``predicate``."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.received(predicate)
            if len(found) >= count and (settle is None or settle(found)):
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"{type(self).__name__}: expected {count} matching request(s) within {timeout}s, got {found!r}")
            time.sleep(0.02)

    # --- failure injection -------------------------------------------------------------------
    def fail_next(self, times: int = 1, after: int = 0, **failure: Any) -> None:
        """The next ``times`` matching calls fail as described (provider specific keys), once
        ``after`` calls have gone through normally."""
        with self._lock:
            self._failures.extend({} for _ in range(after))
            self._failures.extend(dict(failure) for _ in range(times))

    def take_failure(self) -> Optional[Dict[str, Any]]:
        with self._lock:
            if self._failures:
                return self._failures.pop(0) or None
            if self._random:
                draw = self._random["rng"].random()
                if draw < self._random["p_5xx"]:
                    self.injected["5xx"] += 1
                    return {"status": self._random["rng"].choice((500, 502, 503))}
                if draw < self._random["p_5xx"] + self._random["p_429"]:
                    self.injected["429"] += 1
                    return {"status": 429, "retry_after": self._random["retry_after"]}
            return None

    def inject_faults(self, p_5xx: float = 0.0, p_429: float = 0.0, p_timeout: float = 0.0, hang: float = 30.0,
                      retry_after: int = 1, seed: Optional[int] = None,
                      paths: tuple = ("sendMessage", "/message/cs", "/message/transaction", "/message/template", "/sms/send")) -> None:
        """Random faults on the send endpoints (for fault-injection benchmarks; off unless called):
        a share of calls answered 5xx or 429 (with Retry-After), and a share ``p_timeout`` that hangs
        for ``hang`` seconds before being dropped unanswered (so the caller times out; nothing is
        recorded or delivered)."""
        with self._lock:
            self._random = {"p_5xx": p_5xx, "p_429": p_429, "p_timeout": p_timeout, "hang": hang,
                            "retry_after": retry_after, "rng": random.Random(seed), "paths": paths}

    @web.middleware
    async def _timeouts(self, request: web.Request, handler: Callable) -> web.StreamResponse:
        faults = self._random
        if faults and faults["p_timeout"] > 0 and any(p in request.path for p in faults["paths"]):
            with self._lock:
                hang = faults["rng"].random() < faults["p_timeout"]
                if hang:
                    self.injected["timeout"] += 1
            if hang:
                self.hanging += 1
                try:
                    await asyncio.sleep(faults["hang"])
                finally:
                    self.hanging -= 1
                raise web.HTTPGatewayTimeout()
        return await handler(request)

    # --- delivery receipts -------------------------------------------------------------------
    def post_receipt(self, body: bytes, headers: Dict[str, str]) -> None:
        """Post a receipt to ``receipt_url`` later, from the fake's own loop (call it in a handler)."""
        if not self.receipt_url:
            return
        with self._lock:
            draw = self._receipt_rng.random()
            if draw < self.receipt_loss:
                self.receipts_sent["lost"] += 1
                return
            delay = self.receipt_late_delay if draw < self.receipt_loss + self.receipt_late else self.receipt_delay
            if delay == self.receipt_late_delay:
                self.receipts_sent["late"] += 1
        asyncio.get_running_loop().create_task(self._post_later(self.receipt_url, body, headers, delay))

    async def _post_later(self, url: str, body: bytes, headers: Dict[str, str], delay: float) -> None:
        import aiohttp

        await asyncio.sleep(delay)
        if self._client is None:
            self._client = aiohttp.ClientSession()
        for _ in range(5):  # a provider retries a receipt it could not deliver
            try:
                async with self._client.post(url, data=body, headers=headers) as response:
                    if response.status < 500:
                        with self._lock:
                            self.receipts_sent["posted" if response.status == 200 else "refused"] += 1
                        return
            except (aiohttp.ClientError, asyncio.TimeoutError):
                pass
            await asyncio.sleep(0.5)

    # --- lifecycle ---------------------------------------------------------------------------
    def start(self) -> "FakeServer":
        ready = threading.Event()
        errors: List[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            try:
                app = web.Application(client_max_size=2 * 1024 * 1024, middlewares=[self._timeouts])
                self.routes(app)
                self._runner = web.AppRunner(app, access_log=None)
                loop.run_until_complete(self._runner.setup())
                loop.run_until_complete(web.TCPSite(self._runner, "127.0.0.1", self.port).start())
            except BaseException as error:  # reported to the starting thread
                errors.append(error)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            if self._client is not None:
                loop.run_until_complete(self._client.close())
            loop.run_until_complete(self._runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=run, name=type(self).__name__, daemon=True)
        self._thread.start()
        ready.wait(10)
        if errors:
            raise errors[0]
        return self

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)
