"""Names shared by the status store (which appends notifications) and the workers (which deliver them).

One stream per channel (``notif:stream:telegram``, ``notif:stream:zalo``, ``notif:stream:sms``), so that
a slow or failing provider never holds up the others. Each entry is one notification for one subscriber:
  key        idempotency key "{event_id}|{channel}|{recipient}": delivered at most once per key
  channel    "telegram", "zalo" or "sms"
  recipient  chat id, Zalo user id or phone number
  code       the application code
  event      the status change (JSON, no personal data)
  created_ms when the status change was applied (Redis clock), for latency
"""

from core.channels import MESSAGING_CHANNELS as CHANNELS  # one stream each

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


def stream_key(channel: str, prefix: str = "") -> str:
    return prefix + STREAM_PREFIX + channel
