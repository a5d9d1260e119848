"""Rate limits shared by every worker process, kept in Redis (GCRA with reservations).

``reserve(key, rate, burst)`` books the next free slot for one message and returns how many seconds
to wait before sending it. Reserving (instead of "try, fail, poll") keeps a busy channel sending at
exactly its configured rate with no polling, whichever worker the messages are in. A slot reserved by
a worker that then dies is simply not used.
"""

from __future__ import annotations

from redis.asyncio import Redis

from notifications.stream import RATE_PREFIX

_RESERVE = """
local interval, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local wait = tat - now - (burst - 1) * interval
if wait < 0 then wait = 0 end
local new = tat + interval
redis.call('SET', KEYS[1], string.format('%.3f', new), 'PX', math.ceil(new - now) + 1000)
return string.format('%.3f', wait)
"""


class RateLimiter:
    def __init__(self, redis: Redis, prefix: str = "") -> None:
        self.redis = redis
        self.prefix = prefix
        self._reserve = redis.register_script(_RESERVE)

    async def reserve(self, name: str, rate: float, burst: int = 1) -> float:
        """Seconds to wait before the reserved slot (0 when ``rate`` is 0 or less: no limit)."""
        if rate <= 0:
            return 0.0
        wait_ms = await self._reserve(keys=[self.prefix + RATE_PREFIX + name], args=[1000.0 / rate, max(burst, 1)])
        return float(wait_ms) / 1000.0
