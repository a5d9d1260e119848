"""Questions the assistant could not answer (or answered with low confidence), kept for officers.

Stored in Redis (list ``unanswered``) when ``REDIS_URL`` is set, otherwise appended to
``var/unanswered.jsonl``. The text is masked before it is stored.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional

import redis

from bot.privacy import mask
from bot.settings import load_settings

logger = logging.getLogger(__name__)

REDIS_KEY = "unanswered"


@lru_cache(maxsize=4)
def _client(redis_url: str) -> redis.Redis:
    """One connection pool per Redis URL for the life of the process."""
    return redis.Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2)


def _record(question: str, reason: str, channel: Optional[str], detail: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    return {
        "at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "question": mask(question)[:500],
        "reason": reason,
        "channel": channel or "",
        **({"detail": detail} if detail else {}),
    }


def record_unanswered(
    question: str, reason: str, channel: Optional[str] = None, detail: Optional[Dict[str, Any]] = None
) -> None:
    """Keep the question for officers; never raises (a lost record must not break a conversation)."""
    entry = json.dumps(_record(question, reason, channel, detail), ensure_ascii=False)
    settings = load_settings()
    try:
        if settings.redis_url:
            _client(settings.redis_url).lpush(REDIS_KEY, entry)
            return
    except Exception as error:  # Redis down: fall back to the file, say so once per record
        logger.warning("unanswered question kept in file, Redis unavailable: %s", error.__class__.__name__)
    path = settings.data_dir / "unanswered.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(entry + "\n")


def read_unanswered(limit: int = 1000) -> List[Dict[str, Any]]:
    settings = load_settings()
    entries: List[str] = []
    if settings.redis_url:
        try:
            entries = [e.decode() for e in _client(settings.redis_url).lrange(REDIS_KEY, 0, limit - 1)]
        except Exception as error:
            logger.warning("cannot read unanswered questions from Redis: %s", error.__class__.__name__)
    path: Path = settings.data_dir / "unanswered.jsonl"
    if path.exists():
        entries += path.read_text(encoding="utf-8").splitlines()[-limit:]
    return [json.loads(e) for e in entries if e.strip()]
