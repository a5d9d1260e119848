"""The application status store in Redis, and the subscriptions to status changes.

Keys (``prefix`` defaults to ""):
  app:{code}              hash: code, procedure, phone, phone_masked, status, event_time, event_id,
                          appointment_date, reason, missing (JSON), note, updated_at, notify (JSON list
                          of the channels the applicant consented to at the desk, for fallback)
  app:due                 sorted set: codes with a pending appointment, scored by the appointment
                          date (days since 1970-01-01, Vietnam dates); the overdue check reads it
  app:{code}:history      sorted set of events (JSON, no phone), scored by event time
  app:{code}:subs         set of "channel|recipient"
  subs:{channel}|{recipient}  set of codes (to unsubscribe everything at once)
  app:event:{event_id}    seen event ids (idempotency), kept ``event_ttl`` seconds

A status change is applied by one Lua script, atomically: the event id is recorded, the event joins
the history, the current status moves only if the event is newer than the current one (event time,
then event id, decide), and one notification per subscriber is appended to the notification stream
in the same step (on the channel's stream ``notif:stream:{channel}``, in the entry format that
``notifications.stream`` owns: its ``APPEND_LUA``), so a status change can never be stored without its
notifications or vice versa. (The stream names are computed in the script: one Redis, not Redis
Cluster.)

Retention (``STATUS_RETENTION_DAYS``, bot/settings.py): every applied change sets the EXPIRE of the
application's hash, history and subscriber set to that time (counted from when the change arrived,
not from the event time the one-stop system gives); a subscription sets the EXPIRE of both subscription sets the same way. An application nobody has
changed or subscribed to for that long is gone from Redis.
"""

from __future__ import annotations

import json
from datetime import date
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from redis.asyncio import Redis

from applications.events import StatusEvent
from applications.statuses import FINAL
from bot.privacy import mask_phone
from bot.settings import load_privacy_settings
from notifications.stream import APPEND_LUA, STREAM_MAXLEN, STREAM_PREFIX, stream_key

EVENT_TTL_SECONDS = 90 * 24 * 3600

_APPLY = APPEND_LUA + """
local event_id, event_time, history, ttl = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
local maxlen, stream_prefix, n_static = ARGV[5], ARGV[6], tonumber(ARGV[7])
if not redis.call('SET', KEYS[3], ARGV[2], 'NX', 'EX', ttl) then return 'duplicate' end
redis.call('ZADD', KEYS[2], event_time, history)
local i = 8
for _ = 1, n_static do
  redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1]); i = i + 2
end
local current = redis.call('HMGET', KEYS[1], 'event_time', 'event_id')
if current[1] then
  local cur_time = tonumber(current[1])
  if event_time < cur_time or (event_time == cur_time and event_id <= current[2]) then return 'stale' end
end
local now = redis.call('TIME')
local now_ms = tostring(now[1] * 1000 + math.floor(now[2] / 1000))
local fields = {}
for j = i, #ARGV do fields[#fields + 1] = ARGV[j] end
fields[#fields + 1] = 'updated_at'; fields[#fields + 1] = now_ms
redis.call('HSET', KEYS[1], unpack(fields))
local code = redis.call('HGET', KEYS[1], 'code')
for _, sub in ipairs(redis.call('SMEMBERS', KEYS[4])) do
  local sep = string.find(sub, '|', 1, true)
  append_notification(stream_prefix, maxlen, event_id, string.sub(sub, 1, sep - 1), string.sub(sub, sep + 1),
    code, history, now_ms)
end
return 'applied'
"""


@dataclass
class Application:
    code: str
    status: str
    event_time_ms: int
    procedure: str = ""
    phone: str = ""
    phone_masked: str = ""
    appointment_date: str = ""
    reason: str = ""
    missing_documents: List[str] = field(default_factory=list)
    note: str = ""
    history: List[Dict[str, Any]] = field(default_factory=list)


def sub_member(channel: str, recipient: str) -> str:
    if "|" in channel or not channel or not recipient:
        raise ValueError("bad channel or recipient")
    return f"{channel}|{recipient}"


class StatusStore:
    def __init__(self, redis: Redis, prefix: str = "", retention_seconds: Optional[int] = None,
                 fallback_order: Tuple[str, ...] = ()) -> None:
        self.redis = redis
        self.fallback_order = fallback_order
        self.prefix = prefix
        self.retention = retention_seconds or load_privacy_settings().status_seconds
        self._apply = redis.register_script(_APPLY)

    def _key(self, *parts: str) -> str:
        return self.prefix + ":".join(parts)

    def stream_key(self, channel: str) -> str:
        return stream_key(channel, self.prefix)

    async def apply(self, event: StatusEvent) -> str:
        """'applied' (now the current status), 'stale' (older than the current one: history only) or
        'duplicate' (this event id was already applied)."""
        static: List[str] = ["code", event.code]
        current: List[str] = [
            "status", event.status, "event_time", str(event.event_time_ms), "event_id", event.event_id,
            "reason", event.reason, "missing", json.dumps(event.missing_documents, ensure_ascii=False),
            "note", event.note,
        ]
        for name, value in (("procedure", event.procedure), ("phone", event.phone),
                            ("phone_masked", mask_phone("0" + event.phone[2:]) if event.phone else None),
                            ("appointment_date", event.appointment_date),
                            ("notify", json.dumps(event.notify_channels) if event.notify_channels else None)):
            if value:
                static += [name, value]
                current += [name, value]
        history = json.dumps(event.public(), ensure_ascii=False, sort_keys=True)
        keys = [self._key("app", event.code), self._key("app", event.code, "history"),
                self._key("app", "event", event.event_id), self._key("app", event.code, "subs")]
        args = [event.event_id, event.event_time_ms, history, EVENT_TTL_SECONDS, STREAM_MAXLEN,
                self.prefix + STREAM_PREFIX, len(static) // 2, *static, *current]
        result = await self._apply(keys=keys, args=args)
        result = result.decode() if isinstance(result, bytes) else result
        if result != "duplicate":
            await self._enforce_retention(event.code)
        if result == "applied":
            await self._index_due(event.code)
        return result

    async def _index_due(self, code: str) -> None:
        """Keep ``app:due`` in step with the current status: a pending appointment is indexed by its
        date; a final status (result ready, returned, refused, stopped, withdrawn) leaves the index."""
        status, appointment = await self.redis.hmget(self._key("app", code), "status", "appointment_date")
        if status is None:
            return
        if status.decode() in FINAL or not appointment:
            await self.redis.zrem(self._key("app", "due"), code)
            return
        day = (date.fromisoformat(appointment.decode()) - date(1970, 1, 1)).days
        await self.redis.zadd(self._key("app", "due"), {code: day})

    async def due_before(self, day: date, limit: int = 1000) -> List[str]:
        """Codes whose pending appointment date is before ``day``."""
        last = (day - date(1970, 1, 1)).days - 1
        return [c.decode() for c in await self.redis.zrangebyscore(self._key("app", "due"), "-inf", last, start=0, num=limit)]

    async def phone(self, code: str) -> Optional[str]:
        raw = await self.redis.hget(self._key("app", code), "phone")
        return raw.decode() if raw else None

    async def fallback_targets(self, code: str, tried: List[str], order: Tuple[str, ...] = ("zalo", "sms", "telegram")
                               ) -> List[Tuple[str, str]]:
        """Where a failed notification of ``code`` may go next, in ``order``, without the channels in
        ``tried``: the application's phone, on Zalo (ZNS) or SMS, when the applicant consented to that
        channel at the desk (``notify``). A channel the code has a subscription on is left out: that
        subscriber gets the status change on it anyway (and falls back on its own if it fails)."""
        raw = await self.redis.hmget(self._key("app", code), "phone", "notify")
        phone = raw[0].decode() if raw[0] else ""
        consented = json.loads(raw[1]) if raw[1] else []
        subscribed: Dict[str, str] = {}
        for channel, recipient in await self.subscribers(code):
            subscribed.setdefault(channel, recipient)
        targets: List[Tuple[str, str]] = []
        for channel in self.fallback_order or order:
            if channel in tried:
                continue
            if channel in subscribed:
                continue
            if channel in consented and phone and channel in ("sms", "zalo"):
                targets.append((channel, phone if channel == "sms" else "tel:" + phone))
        return targets

    async def _enforce_retention(self, code: str) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            for key in (self._key("app", code), self._key("app", code, "history"), self._key("app", code, "subs")):
                pipe.expire(key, self.retention)
            await pipe.execute()

    async def get(self, code: str) -> Optional[Application]:
        raw = await self.redis.hgetall(self._key("app", code))
        if not raw or b"status" not in raw:
            return None
        data = {k.decode(): v.decode() for k, v in raw.items()}
        history = [json.loads(item) for item in await self.redis.zrange(self._key("app", code, "history"), 0, -1)]
        return Application(
            code=data["code"], status=data["status"], event_time_ms=int(data["event_time"]),
            procedure=data.get("procedure", ""), phone=data.get("phone", ""),
            phone_masked=data.get("phone_masked", ""), appointment_date=data.get("appointment_date", ""),
            reason=data.get("reason", ""), missing_documents=json.loads(data.get("missing") or "[]"),
            note=data.get("note", ""), history=history,
        )

    async def subscribe(self, code: str, channel: str, recipient: str) -> bool:
        """True when this is a new subscription."""
        member = sub_member(channel, recipient)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.sadd(self._key("app", code, "subs"), member)
            pipe.sadd(self._key("subs", member), code)
            pipe.expire(self._key("app", code, "subs"), self.retention)
            pipe.expire(self._key("subs", member), self.retention)
            added, *_ = await pipe.execute()
        return bool(added)

    async def unsubscribe(self, channel: str, recipient: str, code: Optional[str] = None) -> int:
        """Stop notifications to this recipient (for one code, or all); how many subscriptions ended."""
        member = sub_member(channel, recipient)
        codes = [code] if code else [c.decode() for c in await self.redis.smembers(self._key("subs", member))]
        removed = 0
        for one in codes:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.srem(self._key("app", one, "subs"), member)
                pipe.srem(self._key("subs", member), one)
                gone, _ = await pipe.execute()
            removed += int(gone)
        return removed

    async def is_subscribed(self, code: str, channel: str, recipient: str) -> bool:
        """Whether ``channel|recipient`` is still among the code's subscribers (the workers ask before sending)."""
        return bool(await self.redis.sismember(self._key("app", code, "subs"), f"{channel}|{recipient}"))

    async def subscribers(self, code: str) -> List[Tuple[str, str]]:
        members = await self.redis.smembers(self._key("app", code, "subs"))
        return sorted(tuple(m.decode().split("|", 1)) for m in members)  # type: ignore[misc]

    async def subscriptions(self, channel: str, recipient: str) -> List[str]:
        return sorted(c.decode() for c in await self.redis.smembers(self._key("subs", sub_member(channel, recipient))))
