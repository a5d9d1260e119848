"""bot.analytics: the @counted decorator on actions, per-day counters, never raising."""

from __future__ import annotations

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import analytics
from tests.admin.helpers import STORE_DB
from tests.conftest import redis_url_for


class FakeTracker:
    def __init__(self, sender: str, channel: str) -> None:
        self.sender_id, self.channel = sender, channel

    def get_latest_input_channel(self) -> str:
        return self.channel


class Answering:
    @analytics.counted
    def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text="Lệ phí: 135.000 đồng")
        return [SlotSet("procedure", "cap-doi-giay-phep-lai-xe")]


class NotKnowing:
    @analytics.counted
    def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(response="utter_dont_know", hotline="1", portal="2")
        return []


class NotFound:
    @analytics.counted
    def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(response="utter_ask_which_procedure", buttons=[], aspect="lệ phí")
        return []


def test_actions_are_counted(redis_db, monkeypatch) -> None:
    client = redis_db(STORE_DB)
    monkeypatch.setenv("REDIS_URL", redis_url_for(STORE_DB))
    events = Answering().run(CollectingDispatcher(), FakeTracker("0912345678", "rest"), {})
    assert events == [SlotSet("procedure", "cap-doi-giay-phep-lai-xe")]  # the action's result is untouched
    Answering().run(CollectingDispatcher(), FakeTracker("0912345678", "rest"), {})
    NotKnowing().run(CollectingDispatcher(), FakeTracker("other", "telegram"), {})
    NotFound().run(CollectingDispatcher(), FakeTracker("other", "telegram"), {})
    today = analytics.daily(1)[-1]
    assert today["questions"] == 4 and today["fallbacks"] == 2 and today["conversations"] == 2
    assert today["channels"]["rest"] == {"questions": 2, "fallbacks": 0, "conversations": 1}
    assert today["channels"]["telegram"]["fallbacks"] == 2
    assert today["procedures"] == {"cap-doi-giay-phep-lai-xe": 2}
    assert not any(b"0912345678" in key for key in client.keys("*"))


def test_analytics_never_breaks_an_action(monkeypatch) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    dispatcher = CollectingDispatcher()
    assert NotKnowing().run(dispatcher, FakeTracker("a", "rest"), {}) == []
    assert dispatcher.messages[0]["response"] == "utter_dont_know"
    monkeypatch.delenv("REDIS_URL")
    analytics.record("a", "rest")  # no Redis configured: nothing to do


class AsyncAnswering:
    @analytics.counted
    async def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text="ok")
        return [SlotSet("procedure", "dang-ky-khai-sinh")]


async def test_async_actions_are_counted_too(redis_db, monkeypatch) -> None:
    redis_db(STORE_DB)
    monkeypatch.setenv("REDIS_URL", redis_url_for(STORE_DB))
    events = await AsyncAnswering().run(CollectingDispatcher(), FakeTracker("x", "zalo"), {})
    assert events == [SlotSet("procedure", "dang-ky-khai-sinh")]
    assert analytics.daily(1)[-1]["procedures"] == {"dang-ky-khai-sinh": 1}
