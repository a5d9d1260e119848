"""The notification streams and their entry format, owned here; the status store (which appends
notifications) and the workers (which deliver them) both use this module.

One stream per messaging channel (``notif:stream:telegram``, ``notif:stream:zalo``, ``notif:stream:sms``),
so that a slow or failing provider never holds up the others. Each entry is one notification for one
subscriber, with these fields (``ENTRY_FIELDS``):
  key        idempotency key "{event_id}|{channel}|{recipient}" (``idempotency_key``): delivered at
             most once per key
  channel    "telegram", "zalo" or "sms"
  recipient  chat id, Zalo user id or phone number
  code       the application code
  event      the status change (JSON, no personal data)
  created_ms when the status change was applied (Redis clock), for latency

Written in Python with ``entry()``, or inside a Lua script with ``APPEND_LUA``'s function
``append_notification`` (the status store appends in the same atomic step as it applies the change);
read with ``parse_entry()``. The dead-letter stream ``notif:dead`` keeps the entry's fields plus
``error``, ``attempts``, ``stream_id``, ``worker`` and ``failed_ms``.
"""

from __future__ import annotations

from typing import Dict, Mapping, Union

from core.channels import MESSAGING_CHANNELS as CHANNELS  # noqa: F401  (one stream each; the workers read them all)

STREAM_PREFIX = "notif:stream:"     # + channel
GROUP = "notif:workers"
DEAD_LETTER_KEY = "notif:dead"
DONE_PREFIX = "notif:done:"        # + key: delivered (kept DONE_TTL seconds)
LOCK_PREFIX = "notif:lock:"        # + key: a worker is sending it right now (lease)
ATTEMPTS_PREFIX = "notif:attempts:"  # + key: failed attempts so far, across workers
PARTS_PREFIX = "notif:parts:"      # + key: SMS parts the gateway already accepted (set of part numbers)
RATE_PREFIX = "notif:rate:"        # + channel or channel|recipient: rate limiter state
STREAM_MAXLEN = 1_000_000
DEAD_MAXLEN = 100_000
DONE_TTL_SECONDS = 30 * 24 * 3600
STATS_KEY = "notif:stats"          # hash: counters per channel (attempts, delivered, dead, ...)

KEY, CHANNEL, RECIPIENT, CODE, EVENT, CREATED_MS = "key", "channel", "recipient", "code", "event", "created_ms"
ENTRY_FIELDS = (KEY, CHANNEL, RECIPIENT, CODE, EVENT, CREATED_MS)


def stream_key(channel: str, prefix: str = "") -> str:
    return prefix + STREAM_PREFIX + channel


def idempotency_key(event_id: str, channel: str, recipient: str) -> str:
    return f"{event_id}|{channel}|{recipient}"


def entry(event_id: str, channel: str, recipient: str, code: str, event_json: str, created_ms: int) -> Dict[str, str]:
    """The fields of one notification, as XADD takes them."""
    return {KEY: idempotency_key(event_id, channel, recipient), CHANNEL: channel, RECIPIENT: recipient,
            CODE: code, EVENT: event_json, CREATED_MS: str(created_ms)}


def parse_entry(fields: Mapping[Union[bytes, str], Union[bytes, str]]) -> Dict[str, str]:
    """An entry as XREADGROUP/XAUTOCLAIM give it (bytes), as text."""
    def text(value: Union[bytes, str]) -> str:
        return value.decode() if isinstance(value, bytes) else value

    return {text(name): text(value) for name, value in fields.items()}


# The same entry as ``entry()``, for a Lua script to append in its own atomic step:
# append_notification(stream_prefix, maxlen, event_id, channel, recipient, code, event_json, created_ms)
APPEND_LUA = f"""
local function append_notification(stream_prefix, maxlen, event_id, channel, recipient, code, event, created_ms)
  redis.call('XADD', stream_prefix .. channel, 'MAXLEN', '~', maxlen, '*',
    '{KEY}', event_id .. '|' .. channel .. '|' .. recipient, '{CHANNEL}', channel, '{RECIPIENT}', recipient,
    '{CODE}', code, '{EVENT}', event, '{CREATED_MS}', created_ms)
end
"""
