"""When Zalo lets the OA send a follower a customer-service (CS) message.

Zalo OA's CS messages (``POST /v3.0/oa/message/cs``) are replies: Zalo accepts them only within 48
hours of the follower's last interaction with the OA (a message, a button press, following it) and
refuses them after that (error -230). The Zalo connector records every interaction (``opened``); the
notification sender asks before a CS message (``state``) and counts what it sent (``spent``), so that a
window known to be closed, or used up, passes the notice to the next Zalo mode (transaction message,
ZNS) without a refused call and without counting against the OA's quality.

  open      an interaction less than ``hours`` ago and fewer than ``max_messages`` CS messages since
  closed    the last interaction is older, or ``max_messages`` were sent since it
  unknown   no record (the follower has not written since this was deployed, or the record expired,
            or Redis did not answer): the CS message is tried and Zalo decides

``max_messages`` (``ZALO_CS_MAX_MESSAGES``, default 8: free CS messages per interaction as the project's
brief states it) is configuration, not a limit we could confirm: the Zalo SDK documentation we read
documents the 48 hours and no count. Set it to what the OA's package allows, 0 for no limit.

Redis key (no personal data: the follower id is hashed, no text is kept), shared by the Rasa process
(connector) and the notification workers, outside any deployment prefix like the connectors' other keys:

  channels:zalo:cs:{sha256(user id)[:24]}   hash {at_ms: last interaction, sent: CS messages since};
                                            expires ``remember_days`` after the last interaction

A Redis error never stops a reply or a notification: recording is skipped, the state is "unknown".
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from typing import Any, Optional

from redis.exceptions import RedisError

from core.channels import ZALO
from core.conversation_ids import provider_id

logger = logging.getLogger(__name__)

KEY_PREFIX = "channels:zalo:cs:"
OPEN, CLOSED, UNKNOWN = "open", "closed", "unknown"
_REDIS_FAILURES = (RedisError, OSError, asyncio.TimeoutError)


def window_key(user_id: str) -> str:
    """The key of a follower's window, for its Zalo user id or its conversation id ("zalo:…") alike."""
    return KEY_PREFIX + hashlib.sha256(provider_id(ZALO, user_id).encode("utf-8")).hexdigest()[:24]


class CsWindow:
    """The CS window of each follower, over an async Redis client (None: nothing is known)."""

    def __init__(self, redis: Optional[Any], hours: float = 48.0, max_messages: int = 8,
                 remember_days: float = 7.0) -> None:
        self.redis = redis
        self.hours = hours
        self.max_messages = max_messages
        self.remember_seconds = int(max(remember_days * 86400, hours * 3600))

    async def opened(self, user_id: str, at: Optional[float] = None) -> None:
        """The follower interacted with the OA (at ``at``, epoch seconds; default now)."""
        if self.redis is None or not user_id:
            return
        key = window_key(user_id)
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.hset(key, mapping={"at_ms": int((time.time() if at is None else at) * 1000), "sent": 0})
                pipe.expire(key, self.remember_seconds)
                await pipe.execute()
        except _REDIS_FAILURES as error:
            logger.warning("zalo: CS window not recorded, Redis unavailable (%s)", type(error).__name__)

    async def state(self, user_id: str, now: Optional[float] = None) -> str:
        if self.redis is None or not user_id:
            return UNKNOWN
        try:
            at_ms, sent = await self.redis.hmget(window_key(user_id), "at_ms", "sent")
        except _REDIS_FAILURES as error:
            logger.warning("zalo: CS window unknown, Redis unavailable (%s)", type(error).__name__)
            return UNKNOWN
        if at_ms is None:
            return UNKNOWN
        age = (time.time() if now is None else now) - int(at_ms) / 1000.0
        if age > self.hours * 3600:
            return CLOSED
        if self.max_messages and int(sent or 0) >= self.max_messages:
            return CLOSED
        return OPEN

    async def spent(self, user_id: str) -> None:
        """One CS message went to the follower (counted only while a record exists)."""
        if self.redis is None or not user_id:
            return
        key = window_key(user_id)
        try:
            if await self.redis.exists(key):
                await self.redis.hincrby(key, "sent", 1)
        except _REDIS_FAILURES as error:
            logger.warning("zalo: CS message not counted, Redis unavailable (%s)", type(error).__name__)


def cs_window(redis: Optional[Any], settings: Optional[Any] = None) -> CsWindow:
    """The window with the configured hours, count and retention (``bot.settings.ChannelSettings``)."""
    from bot.settings import load_channel_settings

    settings = settings or load_channel_settings()
    return CsWindow(redis, settings.zalo_cs_window_hours, settings.zalo_cs_max_messages,
                    settings.zalo_cs_remember_days)
