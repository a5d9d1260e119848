"""Tiny usage counters for the officers' dashboard, in Redis; never raises, no personal data.

``@counted`` wraps an action's ``run`` (``count`` does the same for a function shared by actions): after it ran, one question is counted for the day and the
channel, the procedure answered (a ``procedure`` slot set by the action) and whether the assistant
had to say it did not know (a fallback). Conversations are counted as distinct senders per day in a
HyperLogLog, fed with a salted hash of the sender id, never the id itself.

Keys: ``stats:<YYYY-MM-DD>`` (hash: ``questions``, ``questions|<channel>``, ``fallbacks``,
``fallbacks|<channel>``, ``procedure|<id>``), ``stats:<day>:conv`` and ``stats:<day>:conv|<channel>``
(HyperLogLog). Kept for ``KEEP_DAYS``.

Each counted question is also a Prometheus sample of this process (``core.metrics``:
``assistant_questions_total{channel,outcome}``, outcome ``answered`` or ``fallback``), counted even
when Redis is down.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import inspect
import logging
from typing import Any, Callable, Dict, Iterable, List, Optional

import redis

from bot.settings import load_settings
from core.metrics import QUESTIONS, channel_label
from core.redis_clients import cached_client

logger = logging.getLogger(__name__)

KEEP_DAYS = 400
FALLBACK_RESPONSES = {"utter_dont_know"}
NOT_FOUND_RESPONSES = {"utter_ask_which_procedure"}


def _client() -> Any:
    url = load_settings().redis_url
    return cached_client(url, 1.0) if url else None


def today() -> str:
    return dt.datetime.now(dt.timezone.utc).date().isoformat()


def _sender_key(sender: str) -> str:
    return hashlib.sha256(("tldvc-analytics:" + (sender or "")).encode()).hexdigest()[:16]


def record(
    sender: Optional[str], channel: Optional[str], procedure: Optional[str] = None, fallback: bool = False,
    day: Optional[str] = None,
) -> None:
    """Count one question; never raises."""
    try:
        client = _client()
        if client is None:
            return
        day = day or today()
        channel = (channel or "khác").replace("|", "_")[:40]
        key = f"stats:{day}"
        pipe = client.pipeline(transaction=False)
        pipe.hincrby(key, "questions", 1)
        pipe.hincrby(key, f"questions|{channel}", 1)
        if fallback:
            pipe.hincrby(key, "fallbacks", 1)
            pipe.hincrby(key, f"fallbacks|{channel}", 1)
        if procedure:
            pipe.hincrby(key, f"procedure|{procedure}", 1)
        if sender:
            hashed = _sender_key(sender)
            pipe.pfadd(f"{key}:conv", hashed)
            pipe.pfadd(f"{key}:conv|{channel}", hashed)
        for name in (key, f"{key}:conv", f"{key}:conv|{channel}"):
            pipe.expire(name, KEEP_DAYS * 86400)
        pipe.execute()
    except (redis.RedisError, OSError) as error:  # statistics must never break a conversation
        logger.warning("analytics not recorded: %s", error.__class__.__name__)


def _outcome(dispatcher: Any, events: Iterable[Any]) -> Dict[str, Any]:
    procedure = None
    for event in events or []:
        if isinstance(event, dict) and event.get("event") == "slot" and event.get("name") == "procedure" and event.get("value"):
            procedure = event["value"]
    fallback = False
    for message in getattr(dispatcher, "messages", []) or []:
        response = message.get("response")
        if response in FALLBACK_RESPONSES or (response in NOT_FOUND_RESPONSES and not message.get("buttons")):
            fallback = True
    return {"procedure": procedure, "fallback": fallback}


def count(dispatcher: Any, tracker: Any, events: Any) -> None:
    """Count the question just answered (what ``dispatcher`` said, the ``events`` returned); never raises."""
    try:
        outcome = _outcome(dispatcher, events)
        QUESTIONS.labels(channel_label(tracker.get_latest_input_channel()), "fallback" if outcome["fallback"] else "answered").inc()
        record(tracker.sender_id, tracker.get_latest_input_channel(), outcome["procedure"], outcome["fallback"])
    except Exception:  # statistics must never break a conversation; a bug is logged with its traceback
        logger.exception("analytics not recorded")


def counted(run: Callable) -> Callable:
    """Decorator for ``Action.run(self, dispatcher, tracker, domain)``: counts the question it answered."""

    if inspect.iscoroutinefunction(run):

        @functools.wraps(run)
        async def async_wrapper(self: Any, dispatcher: Any, tracker: Any, domain: Any) -> List[Dict[str, Any]]:
            events = await run(self, dispatcher, tracker, domain)
            count(dispatcher, tracker, events)
            return events

        return async_wrapper

    @functools.wraps(run)
    def wrapper(self: Any, dispatcher: Any, tracker: Any, domain: Any) -> List[Dict[str, Any]]:
        events = run(self, dispatcher, tracker, domain)
        count(dispatcher, tracker, events)
        return events

    return wrapper


def daily(days: int = 30, end: Optional[dt.date] = None, client: Any = None) -> List[Dict[str, Any]]:
    """Per day (oldest first): questions, fallbacks, conversations, and the same per channel."""
    client = client or _client()
    end = end or dt.datetime.now(dt.timezone.utc).date()
    result: List[Dict[str, Any]] = []
    if client is None:
        return result
    for offset in range(days - 1, -1, -1):
        day = (end - dt.timedelta(days=offset)).isoformat()
        fields = {k.decode(): int(v) for k, v in client.hgetall(f"stats:{day}").items()}
        channels = sorted({k.split("|", 1)[1] for k in fields if k.startswith("questions|")})
        result.append({
            "day": day,
            "questions": fields.get("questions", 0),
            "fallbacks": fields.get("fallbacks", 0),
            "conversations": int(client.pfcount(f"stats:{day}:conv")) if fields else 0,
            "channels": {
                c: {
                    "questions": fields.get(f"questions|{c}", 0),
                    "fallbacks": fields.get(f"fallbacks|{c}", 0),
                    "conversations": int(client.pfcount(f"stats:{day}:conv|{c}")),
                }
                for c in channels
            },
            "procedures": {k.split("|", 1)[1]: v for k, v in fields.items() if k.startswith("procedure|")},
        })
    return result
