"""The dead-letter stream for operators: ``python -m notifications.deadletter [list|requeue] [--limit N]``.

``list`` shows the notifications that could not be delivered (newest first): when, channel, masked
recipient, application code, attempts and the last error. ``requeue`` puts them back on the
notification stream (after fixing the cause, e.g. a provider credential) and removes them from the
dead-letter stream; their idempotency keys are unchanged, so nothing is delivered twice.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from typing import Dict, List, Tuple

from redis.asyncio import Redis

from bot.privacy import mask
from bot.settings import load_status_settings
from notifications.fallback import TRIED, VIA
from notifications.stream import ATTEMPTS_PREFIX, DEAD_LETTER_KEY, ENTRY_FIELDS, STREAM_MAXLEN, stream_key

async def dead_letters(redis: Redis, limit: int = 50, prefix: str = "") -> List[Tuple[str, Dict[str, str]]]:
    entries = await redis.xrevrange(prefix + DEAD_LETTER_KEY, count=limit)
    return [(i.decode(), {k.decode(): v.decode() for k, v in f.items()}) for i, f in entries]


async def requeue(redis: Redis, limit: int = 1000, prefix: str = "") -> int:
    moved = 0
    for entry_id, fields in reversed(await dead_letters(redis, limit, prefix)):
        async with redis.pipeline(transaction=True) as pipe:
            kept = (*ENTRY_FIELDS, TRIED, VIA)  # a fallback keeps what it is (its consent was checked)
            pipe.xadd(stream_key(fields["channel"], prefix), {k: fields[k] for k in kept if k in fields}, maxlen=STREAM_MAXLEN)
            pipe.delete(prefix + ATTEMPTS_PREFIX + fields["key"])
            pipe.xdel(prefix + DEAD_LETTER_KEY, entry_id)
            await pipe.execute()
        moved += 1
    return moved


async def _main(command: str, limit: int, redis_url: str) -> int:
    redis = Redis.from_url(redis_url)
    prefix = load_status_settings().key_prefix
    try:
        if command == "requeue":
            print(f"{await requeue(redis, limit, prefix)} notification(s) put back on their channel's stream")
            return 0
        total = await redis.xlen(prefix + DEAD_LETTER_KEY)
        print(f"{total} notification(s) in {DEAD_LETTER_KEY}")
        for _, f in await dead_letters(redis, limit, prefix):
            when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(int(f.get("failed_ms", 0)) / 1000))
            print(f"{when}  {f.get('channel'):8} {mask(f.get('recipient', '')):16} {f.get('code'):28} "
                  f"attempts={f.get('attempts')}  {mask(f.get('error', ''))}")
        return 0
    finally:
        await redis.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", default="list", choices=("list", "requeue"))
    parser.add_argument("--limit", type=int, default=50)
    parser.add_argument("--redis-url", default=load_status_settings().redis_url)
    args = parser.parse_args()
    if not args.redis_url:
        print("REDIS_URL is not set (or pass --redis-url)", file=sys.stderr)
        return 2
    return asyncio.run(_main(args.command, args.limit, args.redis_url))


if __name__ == "__main__":
    sys.exit(main())
