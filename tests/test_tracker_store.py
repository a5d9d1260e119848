"""A finished form's personal data is erased from the stored conversation history."""

from __future__ import annotations

import json

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy import ERASE_SLOT
from bot.tracker_store import ERASED, ErasingInMemoryTrackerStore

DOMAIN = Domain.from_dict({"slots": {
    "ks_con_ho_ten": {"type": "text", "mappings": [{"type": "custom"}]},
    ERASE_SLOT: {"type": "float", "mappings": [{"type": "custom"}]},
}})


def conversation(marker: bool) -> DialogueStateTracker:
    events = [
        UserUttered("lệ phí khai sinh bao nhiêu", timestamp=1.0),
        BotUttered("Đăng ký khai sinh – lệ phí: …", timestamp=1.5),
        UserUttered("điền tờ khai khai sinh", timestamp=2.0),
        UserUttered("Nguyễn Minh Khang", timestamp=3.0),
        SlotSet("ks_con_ho_ten", "Nguyễn Minh Khang", timestamp=3.1),
        BotUttered("Tóm tắt: Nguyễn Minh Khang …", timestamp=3.2),
        SlotSet("ks_con_ho_ten", None, timestamp=4.0),
    ]
    if marker:
        events.append(SlotSet(ERASE_SLOT, 2.0, timestamp=4.0))
    events.append(ActionExecuted("action_listen", timestamp=4.1))
    return DialogueStateTracker.from_events("citizen", events, DOMAIN.slots)


async def stored(marker: bool) -> str:
    store = ErasingInMemoryTrackerStore(DOMAIN)
    await store.save(conversation(marker))
    tracker = await store.retrieve("citizen")
    return json.dumps([e.as_dict() for e in tracker.events], ensure_ascii=False)


async def test_the_form_stretch_is_erased_and_the_rest_kept():
    history = await stored(marker=True)
    assert "Nguyễn Minh Khang" not in history
    assert ERASED in history
    assert "lệ phí khai sinh bao nhiêu" in history and "Đăng ký khai sinh – lệ phí" in history


async def test_nothing_is_erased_without_the_marker():
    assert "Nguyễn Minh Khang" in await stored(marker=False)
