"""Questions the assistant could not answer (or answered with low confidence), kept for officers.

Stored in Redis (list ``unanswered``, newest first) when ``REDIS_URL`` is set, otherwise appended to
``var/unanswered.jsonl``. The text is masked before it is stored.

Retention (``UNANSWERED_RETENTION_DAYS``): each write drops the records older than that from the
list's old end (and from the file) and sets the list's EXPIRE to the same time, so an idle list goes
too; reads skip anything older. ``erase_questions`` removes the records of given questions (a
citizen's erasure request: the records carry no sender id, so they are matched by masked text).
Each record also counts ``assistant_unanswered_total{channel}`` (``core.metrics``) in this process.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any, Dict, List, Optional

import redis

from bot.privacy import mask
from bot.settings import load_privacy_settings, load_settings
from core.metrics import UNANSWERED as UNANSWERED_METRIC
from core.metrics import channel_label
from core.redis_clients import cached_client
from core.redis_keys import UNANSWERED

logger = logging.getLogger(__name__)


def _client(redis_url: str) -> redis.Redis:
    return cached_client(redis_url, 2.0)


def _record(question: str, reason: str, channel: Optional[str], detail: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    return {
        "at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "question": mask(question)[:500],
        "reason": reason,
        "channel": channel or "",
        **({"detail": detail} if detail else {}),
    }


def _too_old(entry: str, cutoff: dt.datetime) -> bool:
    try:
        return dt.datetime.fromisoformat(json.loads(entry)["at"]) < cutoff
    except (ValueError, KeyError, TypeError):
        return False


def _cutoff() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=load_privacy_settings().unanswered_seconds)


def prune(client: redis.Redis) -> int:
    """Drop the records older than the retention time from the list's old end; how many went."""
    cutoff, removed = _cutoff(), 0
    while True:
        oldest = client.lindex(UNANSWERED, -1)
        if oldest is None or not _too_old(oldest.decode(), cutoff):
            return removed
        client.rpop(UNANSWERED)
        removed += 1


def _prune_file(path: Path) -> None:
    if not path.exists():
        return
    cutoff = _cutoff()
    lines = path.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if line.strip() and not _too_old(line, cutoff)]
    if len(kept) != len(lines):
        path.write_text("".join(line + "\n" for line in kept), encoding="utf-8")


def erase_questions(questions: List[str]) -> int:
    """Remove the records of these questions (as the citizen wrote them) from Redis and the file."""
    masked = {mask(q)[:500] for q in questions if q and q.strip()}
    if not masked:
        return 0
    settings = load_settings()
    removed = 0
    if settings.redis_url:
        client = _client(settings.redis_url)
        for raw in client.lrange(UNANSWERED, 0, -1):
            try:
                question = json.loads(raw).get("question")
            except ValueError:
                continue
            if question in masked:
                removed += int(client.lrem(UNANSWERED, 0, raw))
    path = settings.data_dir / "unanswered.jsonl"
    if path.exists():
        lines = path.read_text(encoding="utf-8").splitlines()
        kept = [line for line in lines if not (line.strip() and json.loads(line).get("question") in masked)]
        removed += len(lines) - len(kept)
        path.write_text("".join(line + "\n" for line in kept), encoding="utf-8")
    return removed


def record_unanswered(
    question: str, reason: str, channel: Optional[str] = None, detail: Optional[Dict[str, Any]] = None
) -> None:
    """Keep the question for officers; never raises (a lost record must not break a conversation)."""
    UNANSWERED_METRIC.labels(channel_label(channel)).inc()
    entry = json.dumps(_record(question, reason, channel, detail), ensure_ascii=False)
    settings = load_settings()
    try:
        if settings.redis_url:
            client = _client(settings.redis_url)
            client.lpush(UNANSWERED, entry)
            client.expire(UNANSWERED, load_privacy_settings().unanswered_seconds)
            prune(client)
            return
    except (redis.RedisError, OSError) as error:  # Redis down: fall back to the file, say so once per record
        logger.warning("unanswered question kept in file, Redis unavailable: %s", error.__class__.__name__)
    path = settings.data_dir / "unanswered.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    _prune_file(path)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(entry + "\n")


def read_unanswered(limit: int = 1000) -> List[Dict[str, Any]]:
    settings = load_settings()
    entries: List[str] = []
    if settings.redis_url:
        try:
            entries = [e.decode() for e in _client(settings.redis_url).lrange(UNANSWERED, 0, limit - 1)]
        except (redis.RedisError, OSError) as error:
            logger.warning("cannot read unanswered questions from Redis: %s", error.__class__.__name__)
    path: Path = settings.data_dir / "unanswered.jsonl"
    if path.exists():
        entries += path.read_text(encoding="utf-8").splitlines()[-limit:]
    cutoff = _cutoff()
    return [json.loads(e) for e in entries if e.strip() and not _too_old(e, cutoff)]
