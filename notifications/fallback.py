"""Fallback: a notification that failed (the provider refused it for a reason retrying cannot fix, a
failure receipt, or no receipt before the deadline) goes to the next channel the citizen consented to.

``targets(code, tried)`` (the applications layer's: the status store) gives the candidates in order,
``(channel, recipient)``, without the channels already tried. A candidate channel that already
carried this status change (``Tracking.carried``) is skipped, so nothing is delivered twice on the
same channel; the new entry's key is ``{event_id}|{channel}|{recipient}`` as any other, so a
subscriber's own notification and a fallback to the same recipient are one notification.
The entry carries ``tried`` (the channels tried so far, comma separated) and ``via=fallback`` (the
worker does not ask whether a fallback recipient subscribed: the consent was checked by ``targets``).
"""

from __future__ import annotations

import json
from typing import Awaitable, Callable, Dict, List, Optional, Tuple

from notifications.stream import STREAM_MAXLEN, idempotency_key, stream_key
from notifications.tracking import FALLBACK, Tracking

Targets = Callable[[str, List[str]], Awaitable[List[Tuple[str, str]]]]
TRIED, VIA = "tried", "via"


async def fall_back(tracking: Tracking, targets: Optional[Targets], entry: Dict[str, str], reason: str) -> Optional[str]:
    """Queue ``entry`` on the next consented channel; that channel, or None when there is none."""
    if targets is None or not entry:
        return None
    event = json.loads(entry.get("event") or "{}")
    event_id = str(event.get("event_id", ""))
    tried = [c for c in (entry.get(TRIED) or "").split(",") if c] + [entry["channel"]]
    for channel, recipient in await targets(entry["code"], tried):
        if channel in tried or await tracking.carried(event_id, channel):
            continue
        new = {**entry, "key": idempotency_key(event_id, channel, recipient), "channel": channel,
               "recipient": recipient, TRIED: ",".join(tried), VIA: "fallback"}
        await tracking.redis.xadd(stream_key(channel, tracking.prefix), new, maxlen=STREAM_MAXLEN, approximate=True)
        await tracking.record(entry, FALLBACK, reason=f"{reason} -> {channel}")
        return channel
    return None
