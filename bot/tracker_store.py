"""Tracker stores that erase a finished form's personal data from the conversation history.

When a form is produced or cancelled (and the citizen did not ask to keep the data), the forms
action sets the slot ``form_erase_from`` to the time the form started. On every save, the events
between that time and the marker lose their personal content: what the citizen typed, what the
assistant said back (summaries, links to the filled form; a domain response's text and the values
it was filled with, kept in the event's metadata), entity values and slot values. Intents,
actions and timing stay, so the conversation still reads as a conversation and dialogue policies
are unaffected.

When the citizen has their data erased (``xóa dữ liệu của tôi``, actions/privacy.py), the action
sets ``personal_data_erased_at``: on save, everything before the last such marker is dropped and
the stored record is replaced (Redis: deleted, then written again with only what follows).

Retention: the Redis record expires ``CONVERSATION_RETENTION_DAYS`` after the last message
(``record_exp``, Redis EXPIRE; bot/settings.py). Redis key: ``tracker:tracker:{conversation id}``
(Rasa's own prefix after ours). Used for both the Redis store (``REDIS_URL``) and the embedded
in-memory one. The Redis store reads and writes with redis.asyncio, one GET and one SET per save
(``ErasingRedisTrackerStore``), each retried on a new connection after a connection error (a pooled
connection from before a Redis restart), so a turn is not kept in memory only.
"""

from __future__ import annotations

import json
from typing import Any, List, Optional, Text, Tuple

from rasa.core.tracker_store import InMemoryTrackerStore, RedisTrackerStore
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, get_trackers_for_conversation_sessions
from redis.asyncio import Redis as AsyncRedis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot.privacy import ERASE_ALL_SLOT, ERASE_SLOT
from bot.settings import load_privacy_settings
from core.redis_keys import TRACKER_PREFIX

ERASED = "[đã xóa]"
# Slots whose values say nothing about the citizen and which the form machinery reads back.
KEPT_SLOTS = {ERASE_SLOT, ERASE_ALL_SLOT, "requested_slot"}
REDIS_KEY_PREFIX = TRACKER_PREFIX  # core.redis_keys: personal_data reads and deletes these keys too


def after_last_erasure(tracker: DialogueStateTracker, slots: Any) -> Optional[DialogueStateTracker]:
    """The tracker reduced to the events from the last full-erasure marker on; None without one."""
    events = list(tracker.events)
    marks = [i for i, e in enumerate(events) if isinstance(e, SlotSet) and e.key == ERASE_ALL_SLOT and e.value is not None]
    if not marks or marks[-1] == 0:
        return None
    return DialogueStateTracker.from_events(tracker.sender_id, events[marks[-1]:], slots)


def _spans(events: List[Any]) -> List[Tuple[float, float]]:
    return [
        (float(event.value), event.timestamp)
        for event in events
        if isinstance(event, SlotSet) and event.key == ERASE_SLOT and event.value is not None
    ]


def erase_finished_forms(tracker: DialogueStateTracker, spans: Optional[List[Tuple[float, float]]] = None) -> None:
    """Erase, in place, the personal content of the events inside the given spans (default: the
    spans marked in this tracker)."""
    spans = _spans(list(tracker.events)) if spans is None else spans
    if not spans:
        return
    for event in tracker.events:
        if not any(start <= event.timestamp <= end for start, end in spans):
            continue
        if isinstance(event, UserUttered):
            event.text = ERASED
            event.parse_data["text"] = ERASED
            for entity in event.entities:
                entity["value"] = ERASED
        elif isinstance(event, BotUttered):
            event.text = ERASED
            event.data = {}
            # a domain response sent with values keeps them in its metadata (the names, dates, numbers
            # the form read back): only the response's name stays
            event.metadata = {k: v for k, v in (event.metadata or {}).items() if k == "utter_action"}
        elif isinstance(event, SlotSet) and event.key not in KEPT_SLOTS and event.value is not None:
            event.value = None


class ErasingInMemoryTrackerStore(InMemoryTrackerStore):
    def __init__(self, domain: Any, host: Optional[Text] = None, event_broker: Any = None, **kwargs: Any) -> None:
        super().__init__(domain, event_broker=event_broker, **kwargs)

    async def save(self, tracker: DialogueStateTracker) -> None:
        tracker = after_last_erasure(tracker, self.domain.slots if self.domain else []) or tracker
        erase_finished_forms(tracker)
        await super().save(tracker)


class ErasingRedisTrackerStore(RedisTrackerStore):
    """Rasa's Redis tracker store, erasing as above, with asynchronous Redis calls (redis.asyncio:
    the Rasa server's event loop never waits on a socket) and one GET and one SET per save.

    Rasa's own ``save`` reads the stored record back, deserialises it (every event) and merges it
    with the tracker, replaying and comparing every event, on every turn: the cost of a turn grew with
    the conversation. When the stored events are exactly the first events of the tracker being saved
    (the usual case: one conversation session, nothing erased since), the stored JSON text is a prefix
    of the new one, and the tracker is written as it is: what Rasa's merge returns in that case. In
    every other case (earlier sessions stored, events erased since) the record is deserialised, its
    finished forms erased the same way, and merged by Rasa's ``_merge_trackers`` as before."""

    def __init__(self, domain: Any, host: Text = "localhost", port: int = 6379, db: int = 0,
                 username: Optional[Text] = None, password: Optional[Text] = None, event_broker: Any = None,
                 record_exp: Optional[float] = None, key_prefix: Optional[Text] = None, use_ssl: bool = False,
                 ssl_keyfile: Optional[Text] = None, ssl_certfile: Optional[Text] = None,
                 ssl_ca_certs: Optional[Text] = None, **kwargs: Any) -> None:
        super().__init__(domain, host=host, port=port, db=db, username=username, password=password,
                         event_broker=event_broker, record_exp=record_exp or load_privacy_settings().conversation_seconds,
                         key_prefix=key_prefix, use_ssl=use_ssl, ssl_keyfile=ssl_keyfile, ssl_certfile=ssl_certfile,
                         ssl_ca_certs=ssl_ca_certs, **kwargs)
        self.async_red = AsyncRedis(host=host, port=int(port), db=int(db), username=username, password=password,
                                    ssl=use_ssl, ssl_keyfile=ssl_keyfile, ssl_certfile=ssl_certfile,
                                    ssl_ca_certs=ssl_ca_certs, decode_responses=True,
                                    # a connection the pool kept from before a Redis restart is closed by the
                                    # server on first use: try again on a new one (GET, SET and DEL are
                                    # idempotent) rather than let Rasa fall back to keeping the turn in memory
                                    retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 3),
                                    retry_on_error=[RedisConnectionError, RedisTimeoutError])

    async def save(self, tracker: DialogueStateTracker, timeout: Optional[float] = None) -> None:
        await self.stream_events(tracker)
        key = self.key_prefix + tracker.sender_id
        erased = after_last_erasure(tracker, self.domain.slots if self.domain else [])
        stored: Optional[str] = None
        if erased is not None:
            await self.async_red.delete(key)
            tracker = erased
        else:
            stored = await self.async_red.get(key)
        erase_finished_forms(tracker)
        text = self.serialise_tracker(tracker)
        if stored is not None and not extends(stored, text, tracker.sender_id):
            # earlier sessions are stored as they were: erase them the same way before Rasa merges
            prior = self.deserialise_tracker(tracker.sender_id, stored)
            if prior is not None:
                erase_finished_forms(prior, _spans(list(prior.events)) + _spans(list(tracker.events)))
                text = self.serialise_tracker(self._merge_trackers(prior, tracker))
        await self.async_red.set(key, text, ex=timeout or self.record_exp)

    async def _retrieve(self, sender_id: Text, fetch_all_sessions: bool) -> Optional[DialogueStateTracker]:
        stored = await self.async_red.get(self.key_prefix + sender_id)
        if stored is None:
            return None
        tracker = self.deserialise_tracker(sender_id, stored)
        if fetch_all_sessions or tracker is None:
            return tracker
        sessions = get_trackers_for_conversation_sessions(tracker)
        return tracker if len(sessions) <= 1 else sessions[-1]


def extends(stored: str, text: str, sender_id: str) -> bool:
    """Whether the events of the stored record (``serialise_tracker``'s JSON text) are exactly the
    first events of ``text``, compared as text: no event is deserialised."""
    tail = '], "name": ' + json.dumps(sender_id) + "}"
    if not stored.endswith(tail):
        return False
    head = stored[: -len(tail)]
    if not text.startswith(head):
        return False
    if head.endswith("["):  # nothing stored yet
        return True
    return text[len(head): len(head) + 1] in (",", "]")
