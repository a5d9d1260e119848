"""Per-sender limits on status queries, so application codes cannot be enumerated.

Each sender (channel + sender id) may make ``max_queries`` queries and ``max_failures`` failed checks
(unknown code, wrong last 4 digits, phone that does not match) per ``window`` seconds. Once either is
used up, every query gets the same "try again later" answer, whether the code exists or not.
"""

from __future__ import annotations

from redis.asyncio import Redis


class QueryGuard:
    def __init__(self, redis: Redis, max_failures: int = 5, max_queries: int = 30, window: int = 3600,
                 prefix: str = "") -> None:
        self.redis = redis
        self.max_failures = max_failures
        self.max_queries = max_queries
        self.window = window
        self.prefix = prefix

    def _key(self, kind: str, sender: str) -> str:
        return f"{self.prefix}guard:{kind}:{sender}"

    async def blocked(self, sender: str) -> bool:
        failures, queries = await self.redis.mget(self._key("fail", sender), self._key("query", sender))
        return int(failures or 0) >= self.max_failures or int(queries or 0) >= self.max_queries

    async def count(self, kind: str, sender: str) -> int:
        key = self._key(kind, sender)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, self.window, nx=True)
            value, _ = await pipe.execute()
        return int(value)

    async def query(self, sender: str) -> None:
        await self.count("query", sender)

    async def failure(self, sender: str) -> None:
        await self.count("fail", sender)
