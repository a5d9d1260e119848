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


# --- the Redis store: one GET and one SET per save, asynchronous, same records as Rasa's -----------

import pytest  # noqa: E402
from rasa.core.tracker_store import RedisTrackerStore  # noqa: E402
from rasa.shared.core.events import SessionStarted  # noqa: E402

from bot.tracker_store import ErasingRedisTrackerStore, extends  # noqa: E402
from tests.conftest import REDIS_HOST, REDIS_PORT  # noqa: E402

DB = 11


class NoSyncRedis:
    """Stands in for the synchronous client: any call on the event loop fails the test."""

    def __getattr__(self, name):
        raise AssertionError(f"synchronous Redis call on the event loop: {name}")


@pytest.fixture
def stores(redis_db):
    client = redis_db(DB)
    ours = ErasingRedisTrackerStore(DOMAIN, host=REDIS_HOST, port=REDIS_PORT, db=DB, key_prefix="tracker")
    ours.red = NoSyncRedis()
    rasas = RedisTrackerStore(DOMAIN, host=REDIS_HOST, port=REDIS_PORT, db=DB, key_prefix="rasa")
    yield client, ours, rasas


def turn(n: int, t: float) -> list:
    return [UserUttered(f"câu hỏi số {n}", parse_data={"intent": {"name": "ask_fee", "confidence": 0.9}}, timestamp=t),
            SlotSet("ks_con_ho_ten", None, timestamp=t + 0.1), BotUttered(f"trả lời {n}", timestamp=t + 0.2),
            ActionExecuted("action_listen", timestamp=t + 0.3)]


async def talk(store, sender: str, turns: range, start: float) -> None:
    for n in turns:
        tracker = await store.retrieve(sender) or DialogueStateTracker(sender, DOMAIN.slots)
        for event in turn(n, start + n):
            tracker.update(event)
        await store.save(tracker)


async def test_a_long_conversation_is_stored_as_rasas_own_store_stores_it(stores):
    client, ours, rasas = stores
    await talk(ours, "web-long", range(30), 100.0)
    await talk(rasas, "web-long", range(30), 100.0)
    mine = json.loads(client.get("tracker:tracker:web-long"))
    theirs = json.loads(client.get("rasa:tracker:web-long"))
    assert mine == theirs
    assert len(mine["events"]) == 30 * 4
    assert 0 < client.ttl("tracker:tracker:web-long")


async def test_a_new_session_keeps_the_earlier_one_in_the_record_and_retrieve_gives_the_last(stores):
    client, ours, rasas = stores
    for store in (ours, rasas):
        await talk(store, "web-s", range(3), 100.0)
        tracker = await store.retrieve("web-s")
        tracker.update(ActionExecuted("action_session_start", timestamp=500.0))
        tracker.update(SessionStarted(timestamp=500.1))
        await store.save(tracker)
        await talk(store, "web-s", range(3, 5), 500.0)
    assert json.loads(client.get("tracker:tracker:web-s")) == json.loads(client.get("rasa:tracker:web-s"))
    last = await ours.retrieve("web-s")
    assert [e.text for e in last.events if isinstance(e, UserUttered)] == ["câu hỏi số 3", "câu hỏi số 4"]
    full = await ours.retrieve_full_tracker("web-s")
    assert len([e for e in full.events if isinstance(e, UserUttered)]) == 5


async def test_a_form_finished_later_is_erased_from_the_stored_record_too(stores):
    client, ours, _ = stores
    tracker = conversation(marker=False)
    await ours.save(tracker)
    assert "Nguyễn Minh Khang" in json.dumps(json.loads(client.get("tracker:tracker:citizen")), ensure_ascii=False)
    tracker = await ours.retrieve("citizen")
    tracker.update(SlotSet(ERASE_SLOT, 2.0, timestamp=4.5))
    await ours.save(tracker)
    raw = json.loads(client.get("tracker:tracker:citizen"))
    assert "Nguyễn Minh Khang" not in json.dumps(raw, ensure_ascii=False)
    assert len(raw["events"]) == len(conversation(marker=False).events) + 1  # erased in place, nothing doubled
    assert "lệ phí khai sinh bao nhiêu" in json.dumps(raw, ensure_ascii=False)


def test_extends_compares_the_stored_events_as_a_prefix():
    def text(*names):
        return json.dumps({"events": [{"event": "action", "name": n} for n in names], "name": "web-x"})

    assert extends(text(), text("a"), "web-x")
    assert extends(text("a", "b"), text("a", "b", "c"), "web-x")
    assert extends(text("a", "b"), text("a", "b"), "web-x")
    assert not extends(text("a", "b"), text("a", "c", "d"), "web-x")
    assert not extends(text("ab"), text("abc"), "web-x")  # a longer name is not the same event
    assert not extends(text("a"), text("a", "b"), "web-y")  # another conversation's record
