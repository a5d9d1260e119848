"""What the assistant holds about one citizen, and its erasure, across every store (one home for
"export" and "erase"; used by actions/privacy.py, the workspace page and ``python -m
admin.personal_data``). A package of its own because it joins the stores of several packages (bot,
applications, forms): it sits above them and below the two that use it (actions, admin).

A citizen is named by conversation ids (``telegram:<chat>``, ``zalo:<user>``, ``sms:<84…>``, a web
chat id) and/or a phone number (which names the SMS conversation ``sms:<84…>`` and the SMS
subscriptions to that phone). For each conversation id, in this order:

1. the stored conversation: Redis ``tracker:tracker:{id}`` (read for export; its messages are used
   to find 4.; deleted on erasure);
2. consent records: Redis ``consent:{id}`` (bot/consent.py);
3. status subscriptions of this recipient: ``subs:{channel}|{recipient}`` and each
   ``app:{code}:subs`` (applications/store.py), channel from ``STATUS_SUBSCRIBE_CHANNELS``;
4. unanswered-question records of the questions this conversation asked (bot/unanswered.py, matched
   by masked text: they carry no sender id);
5. form files the conversation produced (forms/retention.py) under ``DATA_DIR/forms/``.

Application records themselves (``app:{code}``) belong to the one-stop system that pushes them and
are not erased here; they expire by ``STATUS_RETENTION_DAYS``. Without Redis only 4. (file) and 5. are
reachable from another process; the in-memory conversation is erased by the tracker store itself,
and the in-memory consent records by the action server (the process that holds them).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import redis
from redis.asyncio import Redis as AsyncRedis

from applications.store import StatusStore
from bot.consent import consent_store
from bot.settings import load_settings, load_status_settings
from bot.unanswered import erase_questions, read_unanswered
from bot.privacy import mask
from core import conversation_ids
from core.channels import SMS
from core.phone import normalize_phone, vietnamese_phone
from core.redis_keys import TRACKER_PREFIX
from forms import retention


@dataclass
class Subject:
    """The conversation ids and phone number a request is about."""

    sender_ids: List[str] = field(default_factory=list)
    phone: Optional[str] = None  # 84xxxxxxxxx

    @classmethod
    def of(cls, sender: Optional[str] = None, phone: Optional[str] = None) -> "Subject":
        """Raises ValueError for an empty request or a phone number that is not one."""
        ids = [sender.strip()] if sender and sender.strip() else []
        normalized = None
        if phone:
            normalized = vietnamese_phone(phone)
            if not normalized:
                raise ValueError(f"not a Vietnamese phone number: {mask(phone)}")
            ids.append(conversation_ids.conversation_id(SMS, normalized))
        if not ids:
            raise ValueError("give a conversation id (--sender) or a phone number (--phone)")
        return cls(list(dict.fromkeys(ids)), normalized)

    def recipients(self) -> List[tuple]:
        """(notification channel, recipient) pairs whose subscriptions belong to this citizen."""
        channels = load_status_settings().subscribe_channels
        pairs = []
        for sender in self.sender_ids:
            channel, rest = conversation_ids.parts(sender)
            target = channels.get(channel)
            if target and rest:
                recipient = (normalize_phone(rest) or rest) if target == "sms" else rest
                pairs.append((target, recipient))
        if self.phone:
            pairs.append(("sms", self.phone))
        return list(dict.fromkeys(pairs))


def _sync_redis() -> Optional[redis.Redis]:
    url = load_settings().redis_url
    return redis.Redis.from_url(url) if url else None


def _tracker_events(client: Optional[redis.Redis], sender: str) -> List[Dict[str, Any]]:
    raw = client.get(TRACKER_PREFIX + sender) if client is not None else None
    if not raw:
        return []
    try:
        return list(json.loads(raw).get("events") or [])
    except ValueError:
        return []


def questions_in(events: Sequence[Dict[str, Any]]) -> List[str]:
    return [e.get("text") or "" for e in events if e.get("event") == "user" and e.get("text")]


def _data_dir() -> Path:
    return load_settings().data_dir


async def export(subject: Subject) -> Dict[str, Any]:
    """Everything held about the subject, as JSON-ready data (for the citizen, given at the desk)."""
    client = _sync_redis()
    consent = consent_store()  # Redis, or this process's memory without REDIS_URL
    out: Dict[str, Any] = {"conversations": {}, "subscriptions": [], "unanswered": [], "form_files": []}
    asked: List[str] = []
    for sender in subject.sender_ids:
        events = _tracker_events(client, sender)
        asked += questions_in(events)
        out["conversations"][sender] = {
            "messages": [
                {"from": "citizen" if e["event"] == "user" else "assistant", "text": e.get("text"), "at": e.get("timestamp")}
                for e in events if e.get("event") in ("user", "bot")
            ],
            "consent": consent.records(sender),
        }
        for path in retention.files_of(_data_dir(), sender):
            item: Dict[str, Any] = {"file": path.name}
            if path.suffix == ".json":
                item["content"] = json.loads(path.read_text(encoding="utf-8"))
            out["form_files"].append(item)
    if client is not None:
        status = load_status_settings()
        aclient = AsyncRedis.from_url(status.redis_url)
        try:
            store = StatusStore(aclient, status.key_prefix)
            for channel, recipient in subject.recipients():
                for code in await store.subscriptions(channel, recipient):
                    out["subscriptions"].append({"channel": channel, "code": code})
        finally:
            await aclient.close()
    masked = {mask(q)[:500] for q in asked}
    out["unanswered"] = [r for r in read_unanswered(10000) if r.get("question") in masked]
    return out


async def erase(subject: Subject, asked: Sequence[str] = ()) -> Dict[str, int]:
    """Erase what is held about the subject in every store; how many items went from each.
    ``asked``: questions of the conversation not yet stored (the current turn's)."""
    client = _sync_redis()
    counts = {"conversations": 0, "consent": 0, "subscriptions": 0, "unanswered": 0, "form_files": 0}
    asked = list(asked)
    for sender in subject.sender_ids:
        asked += questions_in(_tracker_events(client, sender))
        if client is not None:
            counts["conversations"] += int(client.delete(TRACKER_PREFIX + sender))
        counts["consent"] += consent_store().erase(sender)
        counts["form_files"] += retention.erase_owner(_data_dir(), sender)
    counts["unanswered"] = erase_questions(asked)
    counts["subscriptions"] = await unsubscribe_all(subject)
    return counts


async def unsubscribe_all(subject: Subject) -> int:
    """End every status subscription of the subject (consent withdrawn, or erasure)."""
    status = load_status_settings()
    if not status.redis_url:
        return 0
    aclient = AsyncRedis.from_url(status.redis_url)
    try:
        store = StatusStore(aclient, status.key_prefix)
        return sum([await store.unsubscribe(channel, recipient) for channel, recipient in subject.recipients()])
    finally:
        await aclient.close()
