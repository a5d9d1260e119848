"""Limits on status queries, so application codes can be neither enumerated nor guessed.

Checked in this order by ``actions.status.ActionCheckStatus``:

1. per sender (channel + sender id): ``max_queries`` queries and ``max_failures`` failed checks
   (unknown code, wrong last 4 digits, phone that does not match) per ``window`` seconds;
2. per application code, across all senders: ``max_code_failures`` failed checks on the same code per
   ``window`` seconds, so that guessing the last 4 digits of one application from many sender ids
   (distributed guessing) stops after a few tries.

Once a limit is used up, every query it covers gets the same "try again later" answer, whether the
code exists or not (an unknown code collects failures like a real one, so the lock-out tells nothing).

Redis keys (all with the status key prefix, each expiring ``window`` seconds after its first count):
``guard:query:<sender>``, ``guard:fail:<sender>``, ``guard:code:<normalised code>``.
"""

from __future__ import annotations

from redis.asyncio import Redis

from core.redis_counters import WINDOW_INCR


class QueryGuard:
    def __init__(self, redis: Redis, max_failures: int = 5, max_queries: int = 30, window: int = 3600,
                 prefix: str = "", max_code_failures: int = 10) -> None:
        self.redis = redis
        self.max_failures = max_failures
        self.max_queries = max_queries
        self.max_code_failures = max_code_failures
        self.window = window
        self.prefix = prefix

    def _key(self, kind: str, sender: str) -> str:
        return f"{self.prefix}guard:{kind}:{sender}"

    async def blocked(self, sender: str) -> bool:
        failures, queries = await self.redis.mget(self._key("fail", sender), self._key("query", sender))
        return int(failures or 0) >= self.max_failures or int(queries or 0) >= self.max_queries

    async def code_blocked(self, code: str) -> bool:
        """True when the code has had ``max_code_failures`` failed checks in the window, from anyone."""
        return bool(code) and int(await self.redis.get(self._key("code", code)) or 0) >= self.max_code_failures

    async def count(self, kind: str, sender: str) -> int:
        return int(await self.redis.eval(WINDOW_INCR, 1, self._key(kind, sender), self.window))

    async def query(self, sender: str) -> None:
        await self.count("query", sender)

    async def failure(self, sender: str, code: str = "") -> None:
        """Counts a failed check against the sender and, when one was given, against the code."""
        await self.count("fail", sender)
        if code:
            await self.count("code", code)
