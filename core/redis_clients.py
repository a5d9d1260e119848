"""One synchronous Redis client (one connection pool) per URL and timeout for the life of the process,
for the small stores the Rasa and action servers write on every turn: analytics (1 s timeouts, a
record is never worth a slow reply), unanswered questions and consent (2 s).

Clients whose owner holds them (the knowledge repository, the channels' store, the entry points) and
asyncio clients (bound to the event loop that first uses them: ``actions/status.py`` keeps its own)
are not cached here.
"""

from __future__ import annotations

from functools import lru_cache

import redis


@lru_cache(maxsize=16)
def cached_client(url: str, timeout: float) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
