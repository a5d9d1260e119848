"""Consent to the processing of personal data, per conversation and purpose (Luật Bảo vệ dữ liệu cá
nhân 91/2025/QH15, Điều 9; docs/security.md).

A record says whether the citizen agreed or refused, when (UTC, ISO 8601), to which version of the
notice and on which channel. Purposes: ``form`` (filling a form) and ``status`` (looking up an
application and being notified of its changes).

Redis key (when ``REDIS_URL`` is set): ``consent:{conversation id}``, a hash purpose -> JSON record,
expiring ``CONSENT_RETENTION_DAYS`` after the last change. Without Redis the records live in this
process's memory (the embedded default for a first run).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Dict, Optional

import redis

from bot.settings import load_privacy_settings, load_settings
from core.redis_clients import cached_client

PURPOSES = ("form", "status")
KEY_PREFIX = "consent:"


def consent_key(sender_id: str) -> str:
    return KEY_PREFIX + sender_id


class ConsentStore:
    """Redis-backed when given a client, in memory otherwise."""

    def __init__(self, client: Optional[redis.Redis] = None, ttl_seconds: Optional[int] = None) -> None:
        self.client = client
        self.ttl = ttl_seconds or load_privacy_settings().consent_seconds
        self._memory: Dict[str, Dict[str, str]] = {}

    def record(self, sender_id: str, purpose: str, granted: bool, version: str, channel: str = "") -> Dict[str, Any]:
        if purpose not in PURPOSES:
            raise ValueError(f"unknown purpose {purpose!r}")
        entry = {
            "granted": bool(granted), "version": version, "channel": channel or "",
            "at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        }
        raw = json.dumps(entry, ensure_ascii=False)
        if self.client is not None:
            with self.client.pipeline(transaction=True) as pipe:
                pipe.hset(consent_key(sender_id), purpose, raw)
                pipe.expire(consent_key(sender_id), self.ttl)
                pipe.execute()
        else:
            self._memory.setdefault(sender_id, {})[purpose] = raw
        return entry

    def records(self, sender_id: str) -> Dict[str, Dict[str, Any]]:
        if self.client is not None:
            raw = {k.decode(): v.decode() for k, v in self.client.hgetall(consent_key(sender_id)).items()}
        else:
            raw = dict(self._memory.get(sender_id, {}))
        return {purpose: json.loads(value) for purpose, value in raw.items()}

    def granted(self, sender_id: str, purpose: str, version: Optional[str] = None) -> bool:
        """True when the latest record for this purpose is an agreement (to ``version``, if given)."""
        entry = self.records(sender_id).get(purpose)
        return bool(entry and entry.get("granted") and (version is None or entry.get("version") == version))

    def withdraw(self, sender_id: str, version: str, channel: str = "") -> None:
        """Consent withdrawn for every purpose (recorded as a refusal, so the time is kept)."""
        for purpose in PURPOSES:
            self.record(sender_id, purpose, False, version, channel)

    def erase(self, sender_id: str) -> int:
        if self.client is not None:
            return int(self.client.delete(consent_key(sender_id)))
        return 1 if self._memory.pop(sender_id, None) is not None else 0


_memory_store: Optional[ConsentStore] = None


def consent_store() -> ConsentStore:
    """The store for the current settings (one in-memory store per process without Redis)."""
    global _memory_store
    url = load_settings().redis_url
    if url:
        return ConsentStore(cached_client(url, 2.0))
    if _memory_store is None:
        _memory_store = ConsentStore()
    return _memory_store
