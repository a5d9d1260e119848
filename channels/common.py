"""What every webhook connector does the same way: refuse oversized, non-UTF-8 or malformed bodies
with a 4xx and one log line, acknowledge fast and handle the message in the background (providers
retry a webhook that is slow to answer), retry a provider call that failed for a passing reason, and
never lose a message to a Redis outage (``deliver``).

``deliver(on_new_message, message, wait)``: hands the message to the assistant. When Rasa cannot take
its conversation lock because Redis (tracker and lock stores) is unreachable (``LockError``), nothing of
the turn has run yet, so the message is kept (in this process) and handed over again, after 0.5 s, 1 s,
2 s... (at most 5 s apart), until Redis is back and the message is answered, or ``wait`` seconds have
passed: then the citizen gets ``try_again_later`` of ``channels/messages.yml`` on their channel (SMS in
GSM-7 like every SMS reply), never silence. One WARNING line when a message is kept, one INFO line when
it is answered late, one ERROR line when the citizen is told to try again. Chat channels wait
``REDIS_OUTAGE_WAIT_SECONDS`` (their webhook was acknowledged already); the web chat, whose request is
open, waits ``WEBCHAT_OUTAGE_WAIT`` seconds at most.

Metrics (``core.metrics``): ``measured(channel, on_new_message)`` wraps the handler Rasa gives a
connector's blueprint, so every message handed to the assistant counts one turn
(``assistant_turns_total{channel,outcome}``, outcome ``handled`` or ``failed``) and its time
(``assistant_turn_seconds{channel}``: understanding, dialogue and the replies through the output
channel); ``Rejected.response`` counts each refusal (``assistant_webhook_rejections_total``).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import time
from functools import lru_cache
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional, Set, TypeVar

import yaml
from rasa.core.channels.channel import UserMessage
from rasa.core.lock_store import LockError
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.privacy import mask
from channels.errors import ProviderError
from core.metrics import TURN_SECONDS, TURNS, WEBHOOK_REJECTIONS, channel_label, status_label

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
T = TypeVar("T")


def require_credentials(channel: Any, credentials: Optional[Dict[str, Any]], *keys: str) -> Dict[str, Any]:
    """The credentials when every key has a value; otherwise Rasa's missing-credentials error."""
    if not credentials or not all(credentials.get(key) for key in keys):
        channel.raise_missing_credentials_exception()
    return credentials  # type: ignore[return-value]


def webhook_blueprint(channel: str) -> Blueprint:
    """The channel's Sanic blueprint, with the health route every connector answers (GET /)."""
    hook = Blueprint(f"custom_webhook_{channel}", __name__)

    @hook.route("/", methods=["GET"])
    async def health(request: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    return hook


def measured(channel: str, on_new_message: Callable[[Any], Awaitable[Any]]) -> Callable[[Any], Awaitable[Any]]:
    """``on_new_message`` (Rasa's handler) counting turns and their time for ``channel``."""
    label = channel_label(channel)

    async def handle(message: Any) -> Any:
        started = time.perf_counter()
        outcome = "failed"
        try:
            result = await on_new_message(message)
            outcome = "handled"
            return result
        finally:
            TURNS.labels(label, outcome).inc()
            TURN_SECONDS.labels(label).observe(time.perf_counter() - started)

    return handle


class Rejected(Exception):
    """A webhook request refused before it reaches the assistant."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason

    def response(self, channel: str) -> HTTPResponse:
        logger.warning("%s webhook: rejected (%d): %s", channel, self.status, self.reason)
        WEBHOOK_REJECTIONS.labels(channel_label(channel), status_label(self.status)).inc()
        return response.json({"ok": False, "error": self.reason}, status=self.status)


def raw_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                raise Rejected(413, f"body of {declared} bytes is over the {limit}-byte limit")
        except ValueError:
            raise Rejected(400, "bad Content-Length")
    body = request.body or b""
    if len(body) > limit:
        raise Rejected(413, f"body of {len(body)} bytes is over the {limit}-byte limit")
    return body


def decode_utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise Rejected(400, "body is not valid UTF-8")


def json_object(text: str) -> Dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError:
        raise Rejected(400, "body is not JSON")
    if not isinstance(data, dict):
        raise Rejected(400, "JSON body is not an object")
    return data


def same_secret(given: Optional[str], expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def text_field(data: Dict[str, Any], *path: str, required: bool = True, limit: int = 4096) -> Optional[str]:
    """``data[path...]`` as a string (numbers accepted), or Rejected(400) when missing/wrong type."""
    value: Any = data
    for key in path:
        if not isinstance(value, dict) or key not in value:
            if required:
                raise Rejected(400, f"missing field {'.'.join(path)}")
            return None
        value = value[key]
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise Rejected(400, f"field {'.'.join(path)} has the wrong type")
    value = str(value)
    if len(value) > limit:
        raise Rejected(400, f"field {'.'.join(path)} is too long")
    return value


class Background:
    """Runs message handling after the webhook has answered; keeps references so that tasks are not
    garbage-collected, bounds concurrency, and logs (never raises) what went wrong.

    The bound also keeps webhooks answering fast: NLU runs on the server's event loop, so every
    message in progress delays the next acknowledgement a little (measured on 2 busy cores: each of a
    burst of 20 Zalo events acknowledged within 0.6-1 s, well inside Zalo's 2 s)."""

    def __init__(self, channel: str, concurrency: int = 8) -> None:
        self.channel = channel
        self._tasks: Set[asyncio.Task] = set()
        self._semaphore: Optional[asyncio.Semaphore] = None
        self._concurrency = concurrency

    def spawn(self, work: Callable[[], Awaitable[Any]]) -> None:
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self._concurrency)
        task = asyncio.get_running_loop().create_task(self._run(work))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, work: Callable[[], Awaitable[Any]]) -> None:
        assert self._semaphore is not None
        async with self._semaphore:
            try:
                await work()
            except ProviderError as error:
                logger.error("%s: reply not delivered: %s (status %s)", self.channel, error.message, error.status)
            except Exception:
                logger.exception("%s: handling a message failed", self.channel)


async def with_retries(call: Callable[[], Awaitable[T]], attempts: int = 3, max_wait: float = 10.0) -> T:
    """``call()``, tried again after a pause when it fails with a retryable ProviderError."""
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except ProviderError as error:
            if not error.retryable or attempt == attempts:
                raise
            wait = min(error.retry_after if error.retry_after is not None else 0.5 * 2 ** (attempt - 1), max_wait)
            logger.info("provider call failed (%s); retrying in %.1fs", error.message, wait)
            await asyncio.sleep(wait)
    raise AssertionError("not reached")


# --- Redis outages: keep the message, answer it when Redis is back, or say "try again later" ----------

MESSAGES_FILE = Path(__file__).with_name("messages.yml")
WEBCHAT_OUTAGE_WAIT = 10.0
MAX_PAUSE = 5.0


@lru_cache(maxsize=None)
def channel_message(name: str) -> str:
    return str(yaml.safe_load(MESSAGES_FILE.read_text(encoding="utf-8"))[name])


def outage_wait() -> float:
    """REDIS_OUTAGE_WAIT_SECONDS: how long a chat channel keeps a message while Redis is down."""
    from bot.settings import load_settings

    return load_settings().redis_outage_wait_seconds


async def deliver(on_new_message: Callable[[UserMessage], Awaitable[Any]], message: UserMessage,
                  wait: Optional[float] = None) -> bool:
    """Hand ``message`` to the assistant through a Redis outage (module docstring); True when the
    assistant handled it, False when the citizen was asked to try again later."""
    wait = outage_wait() if wait is None else min(wait, outage_wait())
    deadline = time.monotonic() + wait
    pause, kept = 0.5, False
    while True:
        try:
            await on_new_message(message)
        except LockError as error:  # raised before the turn started: nothing ran, nothing was said
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                logger.error("%s: Redis still unavailable after %.0f s (%s); %s asked to try again later",
                             message.input_channel, wait, type(error).__name__, mask(message.sender_id))
                await message.output_channel.send_text_message(message.sender_id, channel_message("try_again_later"))
                return False
            if not kept:
                logger.warning("%s: Redis unavailable; the message from %s is kept and tried again for up to %.0f s",
                               message.input_channel, mask(message.sender_id), wait)
                kept = True
            await asyncio.sleep(min(pause, remaining))
            pause = min(pause * 2, MAX_PAUSE)
            continue
        if kept:
            logger.info("%s: the kept message from %s is answered", message.input_channel, mask(message.sender_id))
        return True
