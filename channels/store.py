"""Small shared state for the connectors: "have I seen this event?" (duplicate and replayed webhook
deliveries) and "which options did I offer this citizen?" (numbered lists answered with a digit).

Kept in Redis when ``REDIS_URL`` is set (so it survives a restart and is shared by several Rasa
workers), in memory otherwise. Keys expire; nothing here is needed for longer than a few days.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Dict, List, Optional, Tuple

from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

PREFIX = "channels:"


class ChannelStore:
    def __init__(self, redis_url: Optional[str] = None) -> None:
        self._redis = None
        self._memory: Dict[str, Tuple[float, str]] = {}
        if redis_url:
            import redis.asyncio as aioredis

            self._redis = aioredis.from_url(redis_url)

    @property
    def redis(self):
        """The async Redis client (None without ``REDIS_URL``), for the connectors' other small state."""
        return self._redis

    @classmethod
    def from_environment(cls) -> "ChannelStore":
        from bot.settings import load_settings

        return cls(load_settings().redis_url)

    def _sweep(self) -> None:
        if len(self._memory) < 50_000:
            return
        now = time.monotonic()
        for key in [k for k, (expires, _) in self._memory.items() if expires < now]:
            del self._memory[key]

    async def first_time(self, key: str, ttl: int = 2 * 24 * 3600) -> bool:
        """True the first time ``key`` is seen within ``ttl`` seconds, False for a repeat."""
        key = PREFIX + "seen:" + key
        if self._redis is not None:
            try:
                return bool(await self._redis.set(key, b"1", nx=True, ex=ttl))
            except (RedisError, OSError, asyncio.TimeoutError) as error:  # Redis down: fall back to memory rather than drop messages
                logger.warning("Redis unavailable for duplicate detection (%s); using memory", type(error).__name__)
        self._sweep()
        now = time.monotonic()
        entry = self._memory.get(key)
        if entry and entry[0] > now:
            return False
        self._memory[key] = (now + ttl, "1")
        return True

    async def set_options(self, sender: str, payloads: List[str], ttl: int = 24 * 3600) -> None:
        key = PREFIX + "options:" + sender
        value = json.dumps(payloads, ensure_ascii=False)
        if self._redis is not None:
            try:
                if payloads:
                    await self._redis.set(key, value.encode("utf-8"), ex=ttl)
                else:
                    await self._redis.delete(key)
                return
            except (RedisError, OSError, asyncio.TimeoutError) as error:
                logger.warning("Redis unavailable for options (%s); using memory", type(error).__name__)
        if payloads:
            self._memory[key] = (time.monotonic() + ttl, value)
        else:
            self._memory.pop(key, None)

    async def get_options(self, sender: str) -> List[str]:
        key = PREFIX + "options:" + sender
        raw: Optional[str] = None
        if self._redis is not None:
            try:
                found = await self._redis.get(key)
                raw = found.decode("utf-8") if found else None
            except (RedisError, OSError, asyncio.TimeoutError) as error:
                logger.warning("Redis unavailable for options (%s); using memory", type(error).__name__)
                entry = self._memory.get(key)
                raw = entry[1] if entry and entry[0] > time.monotonic() else None
        else:
            entry = self._memory.get(key)
            raw = entry[1] if entry and entry[0] > time.monotonic() else None
        try:
            options = json.loads(raw) if raw else []
        except ValueError:
            return []
        return [str(o) for o in options] if isinstance(options, list) else []
