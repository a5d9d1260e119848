"""The status actions run in-process against the real Redis (database 11): second factor, identical
answers for unknown codes and failed checks, the per-sender limits (enumeration), subscriptions."""

import random
import string

import pytest
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk import Tracker

import actions.status as status
from applications.events import parse_event
from tests.conftest import redis_url_for
from tests.status.conftest import STATUS_DB

CODE = "H56.22-250315-0001"
PHONE = "0912345678"
DOMAIN = {"slots": {}, "forms": {"status_form": {"required_slots": ["application_code", "phone_last4"]}}}


@pytest.fixture(autouse=True)
def status_env(monkeypatch):
    monkeypatch.setenv("REDIS_URL", redis_url_for(STATUS_DB))
    for name in ("STATUS_MAX_FAILURES", "STATUS_MAX_QUERIES", "STATUS_GUARD_WINDOW", "STATUS_MAX_CODE_FAILURES"):
        monkeypatch.delenv(name, raising=False)
    status._clients.clear()  # one client per event loop (each test has its own)
    yield
    status._clients.clear()


@pytest.fixture
async def application(store):
    await store.apply(parse_event({"event_id": "e1", "code": CODE, "status": "cho_bo_sung", "phone": PHONE,
                                   "event_time": "2025-03-16T09:00:00+07:00", "procedure": "Đăng ký khai sinh",
                                   "missing_documents": ["Bản sao giấy chứng sinh"], "appointment_date": "2025-03-25"}))
    return CODE


def tracker(sender="web-1", channel="rest", text="", intent="check_status", entities=(), **slots):
    message = {"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": list(entities)}
    return Tracker(sender, dict(slots), message, [{"event": "user", "text": text, "input_channel": channel}],
                   False, None, {}, "action_listen")


async def check(code, last4=None, sender="web-1", channel="rest"):
    dispatcher = CollectingDispatcher()
    events = await status.ActionCheckStatus().run(
        dispatcher, tracker(sender, channel, application_code=code, phone_last4=last4), DOMAIN)
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def said(messages):
    return [m.get("response") or m.get("text") for m in messages]


async def test_right_code_and_digits_give_the_status(application):
    messages, slots = await check(CODE, "5678", channel="telegram", sender="telegram:1001")
    text = messages[0]["text"]
    assert "Chờ bổ sung hồ sơ" in text and "Bản sao giấy chứng sinh" in text and "25/03/2025" in text
    assert PHONE not in text
    assert messages[1]["response"] == "utter_status_offer_subscription" and len(messages[1]["buttons"]) == 2
    assert slots["status_verified_code"] == CODE and slots["status_offer"] is True
    assert slots["application_code"] is None and slots["phone_last4"] is None


async def test_web_chat_is_not_offered_notifications(application):
    messages, slots = await check(CODE, "5678")
    assert len(messages) == 1 and "status_offer" not in slots


async def test_unknown_code_and_wrong_digits_get_the_same_answer(application):
    wrong, _ = await check(CODE, "0000", sender="a")
    unknown, _ = await check("H99.99-999999-9999", "5678", sender="b")
    assert said(wrong) == said(unknown) == ["utter_status_no_match"]


async def test_sms_sender_phone_must_match(application):
    ok, _ = await check(CODE, sender="sms:84912345678", channel="sms")
    assert "Chờ bổ sung hồ sơ" in ok[0]["text"]
    other, _ = await check(CODE, sender="sms:84987654321", channel="sms")
    unknown, _ = await check("2511240988", sender="sms:84912345678", channel="sms")
    assert said(other) == said(unknown) == ["utter_status_no_match"]


async def test_enumeration_is_cut_off_early_and_learns_nothing(store, application):
    """1,000 guessed codes from one sender; a few of them exist (one is even the right one)."""
    rng = random.Random(4)
    guesses = [f"H56.22-2503{rng.randint(10, 99)}-{rng.randint(0, 9999):04d}" for _ in range(1000)]
    real = {}
    for index in (3, 250, 600, 999):
        code = guesses[index]
        real[index] = code
        await store.apply(parse_event({"event_id": f"r{index}", "code": code, "status": "dang_xu_ly",
                                       "phone": "09" + "".join(rng.choice(string.digits) for _ in range(8)),
                                       "event_time": "2025-03-16T09:00:00+07:00"}))
    guesses[999] = CODE  # the right code with the right digits, after the cut-off
    answers = []
    for code in guesses:
        messages, _ = await check(code, "5678", sender="attacker")
        answers.append(said(messages))
    failures_allowed = 5
    assert all(a == ["utter_status_no_match"] for a in answers[:failures_allowed])
    assert all(a == ["utter_status_too_many"] for a in answers[failures_allowed:])
    # the answers do not depend on whether the code exists
    assert len({tuple(answers[i]) for i in real if i >= failures_allowed}) == 1
    # another sender is not affected
    messages, _ = await check(CODE, "5678", sender="someone-else")
    assert "Chờ bổ sung hồ sơ" in messages[0]["text"]


async def test_guessing_one_code_from_many_senders_is_locked_out(store, application):
    """Distributed guessing: every guess of the last 4 digits comes from a new sender id, so no
    per-sender limit is reached; the code's own budget (10 failed checks, all senders) stops it, and
    even the right digits then get the same "too many" answer as an unknown code would."""
    answers = []
    for n, digits in enumerate(f"{d:04d}" for d in range(0, 10000, 37)):
        if digits == "5678":
            continue
        answers.append(said((await check(CODE, digits, sender=f"bot-{n}"))[0]))
    assert all(a == ["utter_status_no_match"] for a in answers[:10])
    assert all(a == ["utter_status_too_many"] for a in answers[10:]) and len(answers) > 100
    right, _ = await check(CODE, "5678", sender="the-citizen")
    assert said(right) == ["utter_status_too_many"]
    # an unknown code guessed the same way is locked out after the same number of failures
    unknown = [said((await check("H99.99-999999-9999", f"{n:04d}", sender=f"x-{n}"))[0]) for n in range(12)]
    assert unknown[:10] == answers[:10] and unknown[10:] == answers[10:12]
    # other codes stay open
    other = "H56.22-250315-0002"
    await store.apply(parse_event({"event_id": "e2", "code": other, "status": "dang_xu_ly", "phone": "0911112222",
                                   "event_time": "2025-03-16T09:00:00+07:00"}))
    opened = said((await check(other, "2222", sender="fresh"))[0])
    assert opened[0] not in ("utter_status_too_many", "utter_status_no_match") and "0911112222" not in opened[0]


async def test_query_budget_also_limits_successful_queries(application, monkeypatch):
    monkeypatch.setenv("STATUS_MAX_QUERIES", "3")
    results = [said((await check(CODE, "5678", sender="busy"))[0])[0] for _ in range(4)]
    assert results[-1] == "utter_status_too_many" and results[0] != "utter_status_too_many"


async def subscribe(intent="subscribe_status", sender="telegram:1001", channel="telegram", code=CODE):
    dispatcher = CollectingDispatcher()
    t = tracker(sender, channel, intent=intent, status_verified_code=code, status_offer=True)
    events = await status.ActionSubscribeStatus().run(dispatcher, t, DOMAIN)
    return said(dispatcher.messages), events


async def test_subscribe_on_telegram_zalo_and_sms(store, application):
    assert (await subscribe())[0] == ["utter_status_subscribed"]
    assert (await subscribe(sender="zalo:u77", channel="zalo"))[0] == ["utter_status_subscribed"]
    assert (await subscribe(sender="sms:84912345678", channel="sms"))[0] == ["utter_status_subscribed"]
    assert await store.subscribers(CODE) == [("sms", "84912345678"), ("telegram", "1001"), ("zalo", "u77")]


async def test_subscribe_needs_a_verified_query_and_a_push_channel(store, application):
    assert (await subscribe(code=None))[0] == ["utter_status_subscribe_needs_query"]
    assert (await subscribe(sender="web-1", channel="rest"))[0] == ["utter_status_channel_cannot_notify"]
    assert (await subscribe(intent="deny"))[0] == ["utter_status_not_subscribed"]
    assert await store.subscribers(CODE) == []


async def test_unsubscribe(store, application):
    await subscribe(sender="sms:84912345678", channel="sms")
    dispatcher = CollectingDispatcher()
    await status.ActionUnsubscribeStatus().run(dispatcher, tracker("sms:84912345678", "sms", "/unsubscribe", "unsubscribe"), DOMAIN)
    assert said(dispatcher.messages) == ["utter_status_unsubscribed"]
    assert await store.subscribers(CODE) == []
    dispatcher = CollectingDispatcher()
    await status.ActionUnsubscribeStatus().run(dispatcher, tracker("sms:84912345678", "sms", "HUY", "unsubscribe"), DOMAIN)
    assert said(dispatcher.messages) == ["utter_status_unsubscribed_none"]


async def test_without_redis_the_portal_is_suggested(monkeypatch):
    monkeypatch.delenv("REDIS_URL")
    messages, _ = await check(CODE, "5678")
    assert said(messages) == ["utter_status_unavailable"]


async def validate(text, intent="check_status", entities=(), channel="rest", **slots):
    dispatcher = CollectingDispatcher()
    t = tracker("web-1", channel, text, intent, entities, **slots)
    events = await status.ValidateStatusForm().run(dispatcher, t, DOMAIN)
    return said(dispatcher.messages), {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


async def test_form_takes_the_code_from_the_message_or_the_sms_entity():
    _, slots = await validate("tra cứu hồ sơ h56.22-250315-0001 giúp tôi")
    assert slots["application_code"] == CODE
    _, slots = await validate('/check_status', entities=[{"entity": "application_code", "value": "2511240988"}], channel="sms")
    assert slots["application_code"] == "2511240988" and slots.get("requested_slot", None) is None


async def test_form_rejects_bad_input_then_gives_up():
    messages, slots = await validate("chào bạn", intent="greet", requested_slot="application_code")
    assert messages == ["utter_status_code_invalid"] and slots["application_code"] is None
    messages, slots = await validate("abc", intent="greet", requested_slot="application_code", status_tries=2)
    assert slots.get("status_stop") is True
    messages, slots = await validate("12", intent="greet", requested_slot="phone_last4", application_code=CODE)
    assert messages == ["utter_status_last4_invalid"]
    _, slots = await validate("số cuối là 5678", intent="inform_procedure", requested_slot="phone_last4", application_code=CODE)
    assert slots["phone_last4"] == "5678"
    _, slots = await validate("thôi", intent="deny", requested_slot="phone_last4", application_code=CODE)
    assert slots.get("status_stop") is True


async def test_a_stopped_query_says_so_and_checks_nothing(application):
    dispatcher = CollectingDispatcher()
    events = await status.ActionCheckStatus().run(
        dispatcher, tracker("web-1", "rest", "thôi", "deny", status_stop=True, application_code=CODE), DOMAIN)
    assert said(dispatcher.messages) == ["utter_status_stopped"]
    assert {e["name"]: e["value"] for e in events}["status_stop"] is None


async def test_huy_during_a_query_unsubscribes(store, application):
    await subscribe(sender="sms:84912345678", channel="sms")
    dispatcher = CollectingDispatcher()
    await status.ActionCheckStatus().run(
        dispatcher, tracker("sms:84912345678", "sms", "/unsubscribe", "unsubscribe", status_stop=True), DOMAIN)
    assert said(dispatcher.messages) == ["utter_status_unsubscribed"]
    assert await store.subscribers(CODE) == []
