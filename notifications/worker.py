"""Notification worker: one process of the consumer group; run several, as separate processes
(``python -m launcher.notification_worker [--name NAME]`` starts one, wired).

The worker owns delivery, not what a notification says nor who wants it: its entry point gives it
``render(code, event, short=False)`` (the text; ``short`` for SMS) and ``subscriptions`` (``Subscriptions``:
whether a recipient is still subscribed to a code, asked before sending; ``unsubscribe``, for a
recipient the provider refuses with 403).

Every worker is a consumer of the group ``notif:workers`` on each channel's stream ``notif:stream:{channel}``
(one reader per channel and ``concurrency`` notifications in flight per channel, so a slow or failing
provider never holds up the others):

* new messages come with XREADGROUP; messages left pending by a dead worker are taken over with
  XAUTOCLAIM once idle for ``claim_idle`` seconds (a live worker keeps its own in-flight messages
  fresh with XCLAIM ... JUSTID, so they are never stolen while it is still working on them);
* delivery is at least once, made exactly once with the idempotency key: ``notif:done:{key}`` is
  checked before sending and set right after the provider accepted, ``notif:lock:{key}`` (a lease)
  keeps two workers from sending the same notification at the same time, and ``notif:parts:{key}``
  holds the SMS parts already accepted, so a retry or a reclaiming worker sends only the rest;
* per-channel and per-recipient rate limits are shared by all workers (``notifications.ratelimit``);
* timeouts, 429 and 5xx are retried with exponential backoff and full jitter (429's Retry-After is
  honoured); after ``max_attempts`` failures, or at once for an error that retrying cannot fix, the
  notification goes to the dead-letter stream ``notif:dead`` with the last error, for operators
  (``python -m notifications.deadletter``);
* what the notification says comes from ``render`` as a ``notifications.message.Notice`` (a plain
  text is accepted too); the Zalo sender gets the whole notice and the application's phone
  (``subscriptions.phone``) to choose its mode;
* after acceptance (``notifications.tracking``): a sender that expects a delivery receipt (ZNS, SMS)
  leaves the notification "sent" until the receipt or ``receipt_deadline``; the others are delivered;
* an error retrying cannot fix, a failure receipt or a missed deadline falls back to the next channel
  the citizen consented to (``notifications.fallback``, ``subscriptions.fallback_targets``); with no
  such channel the notification goes to the dead-letter stream as before. Every step is a line in the
  application's notification history and a daily count;
* quiet hours: on ``quiet_channels`` nothing is sent between ``quiet_hours`` (Vietnam time); such a
  notification waits in ``notif:later`` and goes back on its stream when they end.

Metrics (``core.metrics``): each worker counts its provider calls, deliveries (and the time from the
status change to the delivery), retries and dead letters per channel; with ``metrics_port`` set
(``NOTIFY_METRICS_PORT``) ``run_worker`` serves them on a small HTTP server (``core.ops_http``:
``/metrics``, ``/health/live``, ``/health/ready`` = Redis answers), where a scrape also reads the
queue from Redis: entries per channel stream (``notifications_queue_depth``), those taken and not yet
acknowledged (``notifications_in_flight``) and the dead-letter stream's length. A port already in use
is logged and the worker delivers without it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import signal
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable, Dict, Iterable, List, Optional, Protocol, Set, Tuple

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from aiohttp import web

from bot.privacy import mask
from bot.settings import StatusSettings
from channels.errors import ProviderError
from notifications.fallback import VIA, fall_back
from notifications.message import as_notice
from core.metrics import (
    NOTIFY_ATTEMPTS, NOTIFY_DEAD, NOTIFY_DEAD_DEPTH, NOTIFY_DELIVERED, NOTIFY_DELIVERY_SECONDS, NOTIFY_IN_FLIGHT, NOTIFY_QUEUE,
    NOTIFY_RETRIES, channel_label,
)
from core.ops_http import add_ops_routes, count_requests, redis_check
from channels.zalo.window import cs_window
from notifications.parts import RedisParts
from notifications.ratelimit import RateLimiter
from notifications.senders import Sent, Senders, build_senders
from notifications.tracking import FAILED, VIETNAM, Tracking
from notifications.stream import STATS_KEY as _STATS_KEY
from notifications.stream import (
    ATTEMPTS_PREFIX, CHANNEL, CHANNELS, CODE, CREATED_MS, DEAD_LETTER_KEY, DEAD_MAXLEN, DONE_PREFIX, DONE_TTL_SECONDS,
    EVENT, GROUP, KEY, LOCK_PREFIX, PARTS_PREFIX, RECIPIENT, parse_entry, stream_key,
)

logger = logging.getLogger("notifications.worker")

STATS_KEY = _STATS_KEY


@dataclass
class WorkerConfig:
    concurrency: int = 32
    max_attempts: int = 8
    backoff_base: float = 1.0
    backoff_max: float = 300.0
    claim_idle: float = 60.0
    send_timeout: float = 10.0
    channel_rates: Optional[Dict[str, float]] = None
    recipient_rates: Optional[Dict[str, float]] = None
    channel_burst: int = 1
    block_ms: int = 1000
    receipt_deadline: float = 900.0
    quiet_hours: Tuple[int, ...] = ()
    quiet_channels: Tuple[str, ...] = ("sms",)
    sweep_every: float = 1.0
    metrics_host: str = "127.0.0.1"
    metrics_port: int = 0  # 0: no metrics server

    @classmethod
    def from_settings(cls, settings: StatusSettings) -> "WorkerConfig":
        return cls(
            concurrency=settings.concurrency, max_attempts=settings.max_attempts,
            backoff_base=settings.backoff_base, backoff_max=settings.backoff_max, claim_idle=settings.claim_idle,
            send_timeout=settings.send_timeout, channel_rates=dict(settings.channel_rates),
            recipient_rates=dict(settings.recipient_rates), receipt_deadline=settings.receipt_deadline,
            quiet_hours=tuple(settings.quiet_hours), quiet_channels=tuple(settings.quiet_channels),
            metrics_host=settings.metrics_host, metrics_port=settings.metrics_port,
        )


def quiet_until(hours: Tuple[int, ...], now: Optional[float] = None) -> Optional[float]:
    """When the quiet hours ``(start, end)`` (Vietnam time) in force at ``now`` end (epoch seconds), or None."""
    if len(hours) != 2:
        return None
    start, end = hours
    moment = datetime.fromtimestamp(now if now is not None else time.time(), tz=VIETNAM)
    inside = (start <= moment.hour or moment.hour < end) if start > end else (start <= moment.hour < end)
    if not inside:
        return None
    until = moment.replace(hour=end, minute=0, second=0, microsecond=0)
    if until <= moment:
        until += timedelta(days=1)
    return until.timestamp()


def backoff(attempt: int, base: float, cap: float, retry_after: Optional[float] = None) -> float:
    """Seconds before attempt ``attempt + 1``: full jitter over base * 2^(attempt-1), at most ``cap``;
    never less than the provider's Retry-After."""
    delay = random.uniform(0, min(cap, base * (2 ** max(attempt - 1, 0))))
    if retry_after:
        delay = max(delay, min(retry_after, cap))
    return delay


Render = Callable[..., Any]  # render(code, event) -> a Notice (or the notification's text)


class Subscriptions(Protocol):
    """Who still wants a notification (the status store is one)."""

    async def is_subscribed(self, code: str, channel: str, recipient: str) -> bool: ...

    async def unsubscribe(self, channel: str, recipient: str) -> int: ...

    # Optional (the status store has both): the application's phone (Zalo ZNS) and the channels to
    # fall back to, ``(channel, recipient)`` in order, without those in ``tried``.
    # async def phone(self, code: str) -> Optional[str]: ...
    # async def fallback_targets(self, code: str, tried: List[str]) -> List[Tuple[str, str]]: ...


async def ensure_group(redis: Redis, prefix: str = "", channels: Iterable[str] = CHANNELS) -> None:
    for channel in channels:
        try:
            await redis.xgroup_create(stream_key(channel, prefix), GROUP, id="0", mkstream=True)
        except ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise


class Worker:
    """One consumer of every channel's stream; ``concurrency`` notifications in flight per channel, so a
    slow or failing provider never takes the slots of the others."""

    def __init__(self, redis: Redis, senders: Senders, name: str, config: WorkerConfig, prefix: str = "",
                 channels: Iterable[str] = CHANNELS, *, render: Render, subscriptions: Subscriptions,
                 costs: Optional[Dict[str, float]] = None) -> None:
        self.redis = redis
        self.tracking = Tracking(redis, prefix, costs)
        self.targets = getattr(subscriptions, "fallback_targets", None)
        self.senders = senders
        self.render = render
        self.subscriptions = subscriptions
        self.name = name
        self.config = config
        self.prefix = prefix
        self.channels = list(channels)
        self.streams = {channel: stream_key(channel, prefix) for channel in self.channels}
        self.limiter = RateLimiter(redis, prefix)
        self.in_flight: Dict[Tuple[str, str], str] = {}  # (stream, stream id) -> idempotency key
        self.tasks: Dict[str, Set[asyncio.Task]] = {channel: set() for channel in self.channels}
        self.stopping = asyncio.Event()

    def free(self, channel: str) -> int:
        return self.config.concurrency - len(self.tasks[channel])

    # --- the loops ------------------------------------------------------------------------

    async def run(self) -> None:
        await ensure_group(self.redis, self.prefix, self.channels)
        logger.info("worker %s started (concurrency %d per channel)", self.name, self.config.concurrency)
        helpers = [asyncio.create_task(self._heartbeat()), asyncio.create_task(self._reclaim_loop()),
                   asyncio.create_task(self._sweep_loop())]
        readers = [asyncio.create_task(self._read_loop(channel)) for channel in self.channels]
        try:
            await asyncio.gather(*readers)
        finally:
            for task in helpers + readers:
                task.cancel()
            pending = [task for tasks in self.tasks.values() for task in tasks]
            if pending:
                await asyncio.wait(pending, timeout=self.config.send_timeout + 1)
            logger.info("worker %s stopped", self.name)

    async def _read_loop(self, channel: str) -> None:
        stream = self.streams[channel]
        # What this consumer held when it last died (same name after a restart) comes first.
        own = await self.redis.xreadgroup(GROUP, self.name, {stream: "0"}, count=self.config.concurrency)
        for _stream, messages in own or []:
            for message_id, fields in messages:
                if fields:
                    self._start(channel, message_id, fields)
        while not self.stopping.is_set():
            free = self.free(channel)
            if free <= 0:
                await asyncio.wait(self.tasks[channel], return_when=asyncio.FIRST_COMPLETED)
                continue
            try:
                reply = await self.redis.xreadgroup(GROUP, self.name, {stream: ">"}, count=free,
                                                    block=self.config.block_ms)
            except ResponseError as error:
                if "NOGROUP" not in str(error) and "UNBLOCKED" not in str(error):
                    raise
                logger.warning("stream %s or its group disappeared; creating them again", stream)
                await ensure_group(self.redis, self.prefix, [channel])
                continue
            except (RedisConnectionError, RedisTimeoutError) as error:
                logger.warning("Redis unavailable (%s); retrying in 1s", type(error).__name__)
                await asyncio.sleep(1)
                continue
            for _stream, messages in reply or []:
                for message_id, fields in messages:
                    self._start(channel, message_id, fields)

    def stop(self) -> None:
        self.stopping.set()

    def _start(self, channel: str, message_id: bytes, fields: Dict[bytes, bytes]) -> None:
        sid = message_id.decode() if isinstance(message_id, bytes) else message_id
        stream = self.streams[channel]
        if (stream, sid) in self.in_flight:
            return
        data = parse_entry(fields)
        self.in_flight[(stream, sid)] = data.get(KEY, "")
        task = asyncio.create_task(self._guarded(stream, sid, data))
        self.tasks[channel].add(task)
        task.add_done_callback(self.tasks[channel].discard)

    async def _guarded(self, stream: str, sid: str, data: Dict[str, str]) -> None:
        try:
            await self.process(stream, sid, data)
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001  (left pending: another attempt after the reclaim delay)
            logger.exception("notification %s: unexpected error; left pending", sid)
        finally:
            self.in_flight.pop((stream, sid), None)

    async def _heartbeat(self) -> None:
        """Keep this worker's in-flight messages (and their locks) from looking abandoned."""
        lease = int(self.config.claim_idle * 1000)
        while True:
            await asyncio.sleep(max(self.config.claim_idle / 4, 0.2))
            items = list(self.in_flight.items())
            if not items:
                continue
            by_stream: Dict[str, List[str]] = {}
            for (stream, sid), _ in items:
                by_stream.setdefault(stream, []).append(sid)
            async with self.redis.pipeline(transaction=False) as pipe:
                for stream, sids in by_stream.items():
                    pipe.xclaim(stream, GROUP, self.name, 0, sids, justid=True)
                for _, key in items:
                    pipe.pexpire(self.prefix + LOCK_PREFIX + key, lease)
                await pipe.execute()

    async def _reclaim_loop(self) -> None:
        while True:
            try:
                await self.reclaim()
            except Exception:  # noqa: BLE001
                logger.exception("XAUTOCLAIM failed")
            await asyncio.sleep(max(self.config.claim_idle / 2, 0.5))

    async def _sweep_loop(self) -> None:
        while True:
            try:
                await self.sweep()
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001  (logged with its traceback; the next round tries again)
                logger.exception("receipt deadline / later sweep failed")
            await asyncio.sleep(self.config.sweep_every)

    async def sweep(self) -> int:
        """Fall back for the notifications whose receipt deadline passed; release those whose quiet
        hours ended. How many were moved."""
        moved = await self.tracking.release()
        for entry in await self.tracking.overdue():
            if await fall_back(self.tracking, self.targets, entry, "no delivery receipt before the deadline") is None:
                await self._dead_entry(entry, "no delivery receipt before the deadline and no other channel")
            moved += 1
        return moved

    async def _dead_entry(self, entry: Dict[str, str], error: str) -> None:
        await self.tracking.dead(entry, error, self.name)

    async def reclaim(self, max_rounds: int = 50) -> int:
        """Take over messages idle for ``claim_idle`` seconds (their worker died); how many."""
        taken = 0
        for channel, stream in self.streams.items():
            start = "0-0"
            for _ in range(max_rounds):
                free = self.free(channel)
                if free <= 0 or self.stopping.is_set():
                    break
                reply = await self.redis.xautoclaim(
                    stream, GROUP, self.name, int(self.config.claim_idle * 1000), start_id=start, count=free
                )
                start, messages = reply[0], reply[1]
                for message_id, fields in messages:
                    if fields:
                        taken += 1
                        self._start(channel, message_id, fields)
                if start in (b"0-0", "0-0"):
                    break
        if taken:
            logger.info("worker %s reclaimed %d pending notification(s)", self.name, taken)
        return taken

    # --- one notification -----------------------------------------------------------------

    async def _finish(self, stream: str, sid: str, key: str, stat: str, dead: Optional[Dict[str, str]] = None) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            if dead is not None:
                pipe.xadd(self.prefix + DEAD_LETTER_KEY, dead, maxlen=DEAD_MAXLEN, approximate=True)
            pipe.xack(stream, GROUP, sid)
            pipe.xdel(stream, sid)
            pipe.delete(self.prefix + LOCK_PREFIX + key, self.prefix + ATTEMPTS_PREFIX + key,
                        self.prefix + PARTS_PREFIX + key)
            pipe.hincrby(self.prefix + STATS_KEY, stat, 1)
            await pipe.execute()

    async def process(self, stream: str, sid: str, data: Dict[str, str]) -> None:
        key, channel, recipient, code = data[KEY], data[CHANNEL], data[RECIPIENT], data[CODE]
        done_key = self.prefix + DONE_PREFIX + key
        lock_key = self.prefix + LOCK_PREFIX + key
        if await self.redis.exists(done_key):
            await self._finish(stream, sid, key, f"{channel}:already_done")
            return
        if data.get(VIA) != "fallback" and not await self.subscriptions.is_subscribed(code, channel, recipient):
            await self._finish(stream, sid, key, f"{channel}:unsubscribed")
            return
        if not await self.redis.set(lock_key, self.name, nx=True, px=int(self.config.claim_idle * 1000)):
            return  # another worker is sending it right now; it acks (or, if it dies, we meet it again)
        if await self.redis.exists(done_key):  # delivered between the first check and the lock
            await self._finish(stream, sid, key, f"{channel}:already_done")
            return
        send = self.senders.get(channel)
        if send is None:
            await self._dead(stream, sid, data, "no sender configured for this channel", 0)
            return
        if channel in self.config.quiet_channels:
            until = quiet_until(self.config.quiet_hours)
            if until is not None:
                await self.tracking.later(data, until)
                await self.tracking.record(data, "deferred", reason="quiet hours")
                await self._finish(stream, sid, key, f"{channel}:quiet_deferred")
                return
        notice = as_notice(self.render(code, json.loads(data[EVENT])))
        text = notice.for_channel(channel)
        wants_notice = getattr(send, "wants_notice", False)
        phone = None
        if wants_notice and hasattr(self.subscriptions, "phone"):
            phone = await self.subscriptions.phone(code)  # type: ignore[attr-defined]
        rates = self.config.channel_rates or {}
        per_recipient = self.config.recipient_rates or {}
        while True:
            await asyncio.sleep(await self.limiter.reserve(f"{channel}|{recipient}", per_recipient.get(channel, 0)))
            await asyncio.sleep(await self.limiter.reserve(channel, rates.get(channel, 0), self.config.channel_burst))
            try:
                await self.redis.hincrby(self.prefix + STATS_KEY, f"{channel}:attempts", 1)
                NOTIFY_ATTEMPTS.labels(channel_label(channel)).inc()
                call = send(recipient, text, key, notice=notice, phone=phone) if wants_notice else send(recipient, text, key)
                sent = await asyncio.wait_for(call, self.config.send_timeout + 1)
            except (ProviderError, asyncio.TimeoutError) as error:
                if isinstance(error, asyncio.TimeoutError):
                    error = ProviderError(None, None, "timed out")
                attempts = int(await self.redis.incr(self.prefix + ATTEMPTS_PREFIX + key))
                await self.redis.expire(self.prefix + ATTEMPTS_PREFIX + key, DONE_TTL_SECONDS)
                if not error.retryable or attempts >= self.config.max_attempts:
                    if error.status == 403:  # the recipient blocked us / unfollowed: stop writing to them
                        await self._drop_subscriber(channel, recipient)
                    reason = f"{error.kind or error.status}: {error.message}"
                    await self.tracking.record(data, FAILED, reason=reason)
                    if await fall_back(self.tracking, self.targets, data, reason) is not None:
                        await self._finish(stream, sid, key, f"{channel}:fallback")
                        return
                    await self._dead(stream, sid, data, f"{error.status}: {error.message}", attempts)
                    return
                delay = backoff(attempts, self.config.backoff_base, self.config.backoff_max, error.retry_after)
                NOTIFY_RETRIES.labels(channel_label(channel)).inc()
                logger.info("notification %s to %s on %s failed (%s, attempt %d); retry in %.1fs",
                            sid, mask(recipient), channel, error.status, attempts, delay)
                await asyncio.sleep(delay)
                continue
            now_ms = int(time.time() * 1000)
            await self.redis.set(done_key, json.dumps({"created": int(data.get(CREATED_MS, 0)), "delivered": now_ms,
                                                       "worker": self.name, "id": sid}), ex=DONE_TTL_SECONDS)
            await self._finish(stream, sid, key, f"{channel}:delivered")
            sent = sent if isinstance(sent, Sent) else Sent(channel)
            if sent.receipt:
                for failed in await self.tracking.expect(data, sent.mode, list(sent.ids), self.config.receipt_deadline):
                    if await fall_back(self.tracking, self.targets, failed, "delivery failed") is None:
                        await self._dead_entry(failed, "delivery failed and no other channel")
            else:
                await self.tracking.delivered_now(data, sent.mode)
            NOTIFY_DELIVERED.labels(channel_label(channel)).inc()
            created_ms = int(data.get(CREATED_MS, 0) or 0)
            if created_ms:
                NOTIFY_DELIVERY_SECONDS.labels(channel_label(channel)).observe(max(now_ms - created_ms, 0) / 1000)
            return

    async def _drop_subscriber(self, channel: str, recipient: str) -> None:
        removed = await self.subscriptions.unsubscribe(channel, recipient)
        logger.warning("%s refused %s (403): %d subscription(s) ended", channel, mask(recipient), removed)

    async def _dead(self, stream: str, sid: str, data: Dict[str, str], error: str, attempts: int) -> None:
        logger.warning("notification %s on %s to the dead-letter stream after %d attempt(s): %s",
                       sid, data.get(CHANNEL), attempts, mask(error))
        dead = {**data, "error": error[:500], "attempts": str(attempts), "stream_id": sid, "worker": self.name,
                "failed_ms": str(int(time.time() * 1000))}
        await self._finish(stream, sid, data[KEY], f"{data.get(CHANNEL)}:dead", dead)
        NOTIFY_DEAD.labels(channel_label(data.get(CHANNEL))).inc()


async def read_queue_depths(redis: Redis, prefix: str = "", channels: Iterable[str] = CHANNELS) -> None:
    """Set the queue gauges from Redis: each channel stream's length and pending count, the dead letters'."""
    async with redis.pipeline(transaction=False) as pipe:
        for channel in channels:
            pipe.xlen(stream_key(channel, prefix))
            pipe.xpending(stream_key(channel, prefix), GROUP)
        pipe.xlen(prefix + DEAD_LETTER_KEY)
        replies = await pipe.execute(raise_on_error=False)
    for index, channel in enumerate(channels):
        length, pending = replies[2 * index], replies[2 * index + 1]
        NOTIFY_QUEUE.labels(channel_label(channel)).set(length if isinstance(length, int) else 0)
        NOTIFY_IN_FLIGHT.labels(channel_label(channel)).set(pending.get("pending", 0) if isinstance(pending, dict) else 0)
    dead = replies[-1]
    NOTIFY_DEAD_DEPTH.set(dead if isinstance(dead, int) else 0)


async def start_metrics_server(redis: Redis, config: WorkerConfig, prefix: str, channels: Iterable[str]) -> Optional[web.AppRunner]:
    """The worker's /metrics and health routes on ``config.metrics_port``; None when off or the port is taken."""
    if not config.metrics_port:
        return None
    channels = list(channels)
    app = web.Application(middlewares=[count_requests("notification_worker")])

    async def refresh() -> None:
        try:
            await read_queue_depths(redis, prefix, channels)
        except (RedisConnectionError, RedisTimeoutError) as error:  # the counters are still served
            logger.warning("queue depths not read, Redis unavailable (%s)", type(error).__name__)

    add_ops_routes(app, {"redis": redis_check(redis)}, before_scrape=refresh)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, config.metrics_host, config.metrics_port).start()
    except OSError as error:
        logger.error("metrics not served: cannot listen on %s:%d (%s)", config.metrics_host, config.metrics_port, error)
        await runner.cleanup()
        return None
    return runner


async def run_worker(redis_url: str, name: str, config: WorkerConfig, prefix: str = "",
                     channels: Iterable[str] = CHANNELS, *, render: Render,
                     subscriptions: Callable[[Redis], Subscriptions], costs: Optional[Dict[str, float]] = None) -> None:
    """Run one worker until SIGTERM/SIGINT; ``subscriptions`` is made on the worker's Redis client."""
    redis = Redis.from_url(redis_url)
    senders = build_senders(timeout=config.send_timeout, parts=RedisParts(redis, prefix), window=cs_window(redis))
    worker = Worker(redis, senders, name, config, prefix, channels, render=render, subscriptions=subscriptions(redis),
                    costs=costs)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, worker.stop)
    configured = ", ".join(sorted(senders.senders)) or "none"
    metrics = await start_metrics_server(redis, config, prefix, worker.channels)
    served = f"; metrics on http://{config.metrics_host}:{config.metrics_port}/metrics" if metrics else ""
    print(f"Notification worker {name}: channels configured: {configured}{served}", flush=True)
    try:
        await worker.run()
    finally:
        if metrics is not None:
            await metrics.cleanup()
        await senders.close()
        await redis.close()

