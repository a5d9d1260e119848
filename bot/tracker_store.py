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
in-memory one.
"""

from __future__ import annotations

from typing import Any, List, Optional, Text, Tuple

from rasa.core.tracker_store import InMemoryTrackerStore, RedisTrackerStore
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

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
    def __init__(self, domain: Any, *args: Any, record_exp: Optional[float] = None, **kwargs: Any) -> None:
        super().__init__(domain, *args, record_exp=record_exp or load_privacy_settings().conversation_seconds, **kwargs)

    async def save(self, tracker: DialogueStateTracker, timeout: Optional[float] = None) -> None:
        erased = after_last_erasure(tracker, self.domain.slots if self.domain else [])
        if erased is not None:
            self.red.delete(self.key_prefix + tracker.sender_id)
            tracker = erased
        erase_finished_forms(tracker)
        stored = self.red.get(self.key_prefix + tracker.sender_id)
        if stored is not None:
            # earlier sessions are stored as they were: erase them the same way before Rasa merges
            prior = self.deserialise_tracker(tracker.sender_id, stored)
            if prior is not None:
                spans = _spans(list(prior.events)) + _spans(list(tracker.events))
                erase_finished_forms(prior, spans)
                self.red.set(self.key_prefix + tracker.sender_id, self.serialise_tracker(prior), ex=self.record_exp)
        await super().save(tracker, timeout)
