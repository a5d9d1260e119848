"""What happened to each notification after the provider accepted it: delivery receipts, the
deadline for them, fallback to the next channel, the per-application history and the daily counts.

Keys (``prefix`` first, like every notification key):
  notif:state:{key}        hash: state (sent|delivered|failed|fallback), channel, mode, parts,
                           delivered_parts, reason, sent_ms, entry (the stream entry, JSON, for fallback)
  notif:msg:{channel}:{id} the idempotency key a provider message id belongs to (receipts name ids)
  notif:awaiting           sorted set: keys waiting for a receipt, scored by their deadline (ms)
  notif:later              sorted set: stream entries (JSON) to put back on their stream at a time
                           (quiet hours, fallback), scored by that time (ms)
  notif:early:{channel}:{id}  a receipt that arrived before the message's bookkeeping (applied by expect)
  notif:evch:{event_id}|{channel}  set when some notification of that status change was delivered on
                           that channel: a fallback never goes to a channel that already carried it
  notif:history:{code}     list of JSON records, newest first (200 kept), for the officers' workspace:
                           time, event_id, status, channel, mode, masked recipient, state, reason
  notif:daily:{YYYY-MM-DD} hash: "{channel}:{mode}:{outcome}" counts and "cost" (đồng, estimated),
                           Vietnam dates, kept 400 days

Every state change is written by one pipeline (MULTI): a receipt, a deadline and a fallback for the
same key cannot both win, because each first removes the key from ``notif:awaiting`` and only the one
that removed it goes on.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Optional, Tuple

from redis.asyncio import Redis

from bot.privacy import mask
from notifications.stream import DEAD_LETTER_KEY, DEAD_MAXLEN, DONE_TTL_SECONDS, STATS_KEY, STREAM_MAXLEN, stream_key

STATE_PREFIX = "notif:state:"
MSG_PREFIX = "notif:msg:"
AWAITING_KEY = "notif:awaiting"
LATER_KEY = "notif:later"
EVCH_PREFIX = "notif:evch:"
HISTORY_PREFIX = "notif:history:"
DAILY_PREFIX = "notif:daily:"
EARLY_PREFIX = "notif:early:"
HISTORY_KEEP = 200
VIETNAM = timezone(timedelta(hours=7))

SENT, DELIVERED, FAILED, FALLBACK = "sent", "delivered", "failed", "fallback"


def today(now: Optional[float] = None) -> str:
    return datetime.fromtimestamp(now if now is not None else time.time(), tz=VIETNAM).date().isoformat()


class Tracking:
    def __init__(self, redis: Redis, prefix: str = "", costs: Optional[Dict[str, float]] = None) -> None:
        self.redis = redis
        self.prefix = prefix
        self.costs = costs or {}

    def _k(self, *parts: str) -> str:
        return self.prefix + "".join(parts)

    # --- history and counts -------------------------------------------------------------------

    async def record(self, data: Dict[str, str], state: str, mode: str = "", reason: str = "") -> None:
        """One line of the application's notification history and one daily count."""
        event = json.loads(data.get("event") or "{}")
        line = json.dumps({"t": int(time.time() * 1000), "event_id": event.get("event_id", ""),
                           "status": event.get("status", ""), "channel": data.get("channel", ""), "mode": mode,
                           "recipient": mask(data.get("recipient", "")), "state": state, "reason": reason[:200]},
                          ensure_ascii=False)
        name = self._k(HISTORY_PREFIX, data.get("code", ""))
        daily = self._k(DAILY_PREFIX, today())
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.lpush(name, line)
            pipe.ltrim(name, 0, HISTORY_KEEP - 1)
            pipe.expire(name, DONE_TTL_SECONDS * 12)
            pipe.hincrby(daily, f"{data.get('channel')}:{mode or '-'}:{state}", 1)
            if state == DELIVERED and self.costs.get(mode):
                pipe.hincrbyfloat(daily, "cost", self.costs[mode])
            pipe.expire(daily, 400 * 24 * 3600)
            await pipe.execute()

    async def history(self, code: str, limit: int = HISTORY_KEEP) -> List[Dict[str, Any]]:
        return [json.loads(line) for line in await self.redis.lrange(self._k(HISTORY_PREFIX, code), 0, limit - 1)]

    async def daily(self, day: Optional[str] = None) -> Dict[str, float]:
        raw = await self.redis.hgetall(self._k(DAILY_PREFIX, day or today()))
        return {k.decode(): float(v) for k, v in raw.items()}

    # --- after the provider accepted -------------------------------------------------------------

    async def delivered_now(self, data: Dict[str, str], mode: str) -> None:
        """No receipt to wait for (Telegram, Zalo OA messages): accepted is delivered."""
        event = json.loads(data.get("event") or "{}")
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(self._k(STATE_PREFIX, data["key"]), mapping={"state": DELIVERED, "channel": data["channel"], "mode": mode})
            pipe.expire(self._k(STATE_PREFIX, data["key"]), DONE_TTL_SECONDS)
            pipe.set(self._k(EVCH_PREFIX, f"{event.get('event_id', '')}|{data['channel']}"), "1", ex=DONE_TTL_SECONDS)
            await pipe.execute()
        await self.record(data, DELIVERED, mode)

    async def expect(self, data: Dict[str, str], mode: str, ids: List[str], deadline_s: float) -> List[Dict[str, str]]:
        """The provider accepted ``ids`` (one per SMS part); a receipt for each is awaited until the deadline.
        Returns the entries to fall back for (a failure receipt that arrived before this bookkeeping)."""
        key = data["key"]
        deadline_ms = int((time.time() + deadline_s) * 1000)
        async with self.redis.pipeline(transaction=True) as pipe:
            for provider_id in ids:
                pipe.set(self._k(MSG_PREFIX, f"{data['channel']}:{provider_id}"), key, ex=DONE_TTL_SECONDS)
            pipe.hset(self._k(STATE_PREFIX, key), mapping={
                "state": SENT, "channel": data["channel"], "mode": mode, "parts": len(ids), "delivered_parts": 0,
                "sent_ms": int(time.time() * 1000), "entry": json.dumps(data, ensure_ascii=False)})
            pipe.expire(self._k(STATE_PREFIX, key), DONE_TTL_SECONDS)
            pipe.zadd(self._k(AWAITING_KEY), {key: deadline_ms})
            await pipe.execute()
        await self.record(data, SENT, mode)
        results = []
        for provider_id in ids:
            early = await self.redis.getdel(self._k(EARLY_PREFIX, f"{data['channel']}:{provider_id}"))
            if early is not None:
                delivered, reason = json.loads(early)
                results.append(await self.receipt(data["channel"], provider_id, delivered, reason))
        return [entry for outcome, entry in results if outcome == "failed" and entry]

    async def state(self, key: str) -> Dict[str, str]:
        raw = await self.redis.hgetall(self._k(STATE_PREFIX, key))
        return {k.decode(): v.decode() for k, v in raw.items()}

    async def receipt(self, channel: str, provider_id: str, delivered: bool, reason: str = "") -> Tuple[str, Optional[Dict[str, str]]]:
        """A delivery receipt: 'unknown' (no such message), 'late' (already settled), 'delivered',
        'partial' (more SMS parts to come) or 'failed'; with the failed notification's entry, for fallback."""
        raw = await self.redis.get(self._k(MSG_PREFIX, f"{channel}:{provider_id}"))
        if raw is None:  # a receipt faster than our bookkeeping: kept for expect() to apply
            await self.redis.set(self._k(EARLY_PREFIX, f"{channel}:{provider_id}"),
                                 json.dumps([delivered, reason]), ex=24 * 3600)
            return "unknown", None
        key = raw.decode()
        state_key = self._k(STATE_PREFIX, key)
        if delivered:
            parts = int(await self.redis.hget(state_key, "parts") or 1)
            done = int(await self.redis.hincrby(state_key, "delivered_parts", 1))
            if done < parts:
                return "partial", None
        if not await self.redis.zrem(self._k(AWAITING_KEY), key):
            return "late", None  # the deadline (or another receipt) settled it first
        entry = json.loads((await self.redis.hget(state_key, "entry") or b"{}").decode())
        mode = (await self.redis.hget(state_key, "mode") or b"").decode()
        if delivered:
            event = json.loads(entry.get("event") or "{}")
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.hset(state_key, "state", DELIVERED)
                pipe.set(self._k(EVCH_PREFIX, f"{event.get('event_id', '')}|{channel}"), "1", ex=DONE_TTL_SECONDS)
                await pipe.execute()
            await self.record(entry, DELIVERED, mode)
            return "delivered", None
        await self.redis.hset(state_key, mapping={"state": FAILED, "reason": reason[:200]})
        await self.record(entry, FAILED, mode, reason)
        return "failed", entry

    async def overdue(self, limit: int = 100) -> List[Dict[str, str]]:
        """Notifications whose receipt did not come before the deadline, claimed (each by one caller)."""
        now_ms = int(time.time() * 1000)
        claimed = []
        for raw in await self.redis.zrangebyscore(self._k(AWAITING_KEY), "-inf", now_ms, start=0, num=limit):
            key = raw.decode()
            if not await self.redis.zrem(self._k(AWAITING_KEY), key):
                continue
            state_key = self._k(STATE_PREFIX, key)
            entry = json.loads((await self.redis.hget(state_key, "entry") or b"{}").decode())
            mode = (await self.redis.hget(state_key, "mode") or b"").decode()
            await self.redis.hset(state_key, mapping={"state": FAILED, "reason": "no delivery receipt before the deadline"})
            if entry:
                await self.record(entry, FAILED, mode, "no delivery receipt before the deadline")
                claimed.append(entry)
        return claimed

    async def dead(self, entry: Dict[str, str], error: str, who: str) -> None:
        """A notification that failed with nowhere else to go: to the dead-letter stream, for operators."""
        dead = {**entry, "error": error[:500], "attempts": "0", "stream_id": "", "worker": who,
                "failed_ms": str(int(time.time() * 1000))}
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.xadd(self._k(DEAD_LETTER_KEY), dead, maxlen=DEAD_MAXLEN, approximate=True)
            pipe.hincrby(self._k(STATS_KEY), f"{entry.get('channel')}:dead", 1)
            await pipe.execute()

    # --- fallback and later ------------------------------------------------------------------------

    async def carried(self, event_id: str, channel: str) -> bool:
        return bool(await self.redis.exists(self._k(EVCH_PREFIX, f"{event_id}|{channel}")))

    async def later(self, entry: Dict[str, str], at: float) -> None:
        await self.redis.zadd(self._k(LATER_KEY), {json.dumps(entry, ensure_ascii=False, sort_keys=True): int(at * 1000)})

    async def release(self, limit: int = 500) -> int:
        """Put the entries whose time has come back on their stream; how many."""
        now_ms = int(time.time() * 1000)
        moved = 0
        for raw in await self.redis.zrangebyscore(self._k(LATER_KEY), "-inf", now_ms, start=0, num=limit):
            entry = json.loads(raw)
            # ZREM first: a second releaser finds it gone and skips (the XADD below is lost only if this
            # process dies between the two calls)
            if not await self.redis.zrem(self._k(LATER_KEY), raw):
                continue
            await self.redis.xadd(stream_key(entry["channel"], self.prefix), entry, maxlen=STREAM_MAXLEN, approximate=True)
            moved += 1
        return moved
