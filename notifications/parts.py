"""Which parts of a multi-part notification the provider already accepted, across workers.

A long SMS goes out as up to 3 parts, one gateway call each. When part 2 fails (or the worker dies
while sending it), the attempt that follows, in this worker or in the one that reclaims the
notification, must send only the parts still missing: the citizen would otherwise receive part 1
twice. The record lives in Redis so that it survives the worker:

  notif:parts:{key}   set of the part numbers accepted (expires with ``DONE_TTL_SECONDS``; deleted by
                      the worker when the notification is finished)

``MemoryParts`` keeps the same record in the process (a sender used without Redis, in tests).
"""

from __future__ import annotations

from typing import Dict, Protocol, Set

from redis.asyncio import Redis

from notifications.stream import DONE_TTL_SECONDS, PARTS_PREFIX


class PartsRecord(Protocol):
    async def accepted(self, key: str) -> Set[int]: ...

    async def mark(self, key: str, part: int) -> None: ...


class RedisParts:
    def __init__(self, redis: Redis, prefix: str = "") -> None:
        self.redis = redis
        self.prefix = prefix

    async def accepted(self, key: str) -> Set[int]:
        return {int(part) for part in await self.redis.smembers(self.prefix + PARTS_PREFIX + key)}

    async def mark(self, key: str, part: int) -> None:
        name = self.prefix + PARTS_PREFIX + key
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.sadd(name, part)
            pipe.expire(name, DONE_TTL_SECONDS)
            await pipe.execute()


class MemoryParts:
    """The same record for one process, bounded to the ``limit`` most recent keys."""

    def __init__(self, limit: int = 10_000) -> None:
        self.limit = limit
        self.parts: Dict[str, Set[int]] = {}

    async def accepted(self, key: str) -> Set[int]:
        return set(self.parts.get(key, ()))

    async def mark(self, key: str, part: int) -> None:
        self.parts.setdefault(key, set()).add(part)
        while len(self.parts) > self.limit:
            self.parts.pop(next(iter(self.parts)))
