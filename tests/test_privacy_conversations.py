"""Personal data through the running assistant (web chat channel, Redis tracker on database 10): the
notice before a form or a status lookup, consent recorded, refusal still answered, and "xóa dữ liệu
của tôi" erasing the conversation after confirmation."""

from __future__ import annotations

import json

import pytest
import redis

from bot.consent import consent_key
from bot.settings import load_privacy_settings
from core.redis_keys import TRACKER_PREFIX as TRACKER_KEY_PREFIX
from tests.conftest import ASSISTANT_REDIS_DB, REDIS_HOST, REDIS_PORT

pytestmark = pytest.mark.slow


def texts(replies):
    return "\n".join(r.get("text") or "" for r in replies)


def buttons(replies):
    return [b["payload"] for r in replies for b in r.get("buttons") or []]


def stored(assistant, sender):
    return assistant.tracker(sender)


def db():
    return redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=ASSISTANT_REDIS_DB)


def test_notice_then_consent_then_the_form(assistant):
    sender = "test-privacy-form"
    reply = assistant.say(sender, "điền tờ khai khai sinh cho con")
    notice = texts(reply)
    assert "dữ liệu cá nhân" in notice and "xóa dữ liệu của tôi" in notice and "(1/" not in notice
    assert load_privacy_settings().controller in notice and "{" not in notice  # who, and no unfilled slot
    assert buttons(reply) == ["/consent_agree", "/consent_refuse"]
    assert (stored(assistant, sender).get("active_loop") or {}).get("name") is None  # nothing collected yet
    reply = texts(assistant.say(sender, "đồng ý"))
    assert "tờ khai đăng ký khai sinh" in reply and "(1/" in reply
    record = json.loads(db().hget(consent_key(assistant.conversation_id(sender)), "form"))
    assert record["granted"] is True and record["version"] and record["at"]
    assert stored(assistant, sender)["active_loop"]["name"] == "form_khai_sinh"
    assistant.say(sender, "hủy")


def test_refusing_the_status_notice_starts_no_lookup_and_questions_are_still_answered(assistant):
    say = assistant.conversation()
    assert "Đồng ý" in [b["title"] for r in say("tra cứu hồ sơ của tôi") for b in r.get("buttons") or []]
    reply = texts(say("không"))
    assert "không hỏi thông tin cá nhân" in reply and "mã hồ sơ" not in reply
    answer = texts(say("lệ phí đăng ký khai sinh bao nhiêu?"))
    assert "lệ phí" in answer.lower()


def test_erase_my_data_after_confirmation_leaves_nothing(assistant):
    sender = "test-privacy-erase"
    assistant.say(sender, '/consent_agree{"privacy_purpose": "status"}')
    assistant.say(sender, "thủ tục đăng ký khai sinh cần giấy tờ gì, số tôi 0912345678")
    reply = assistant.say(sender, "xoa du lieu cua toi")  # without diacritics
    assert "không thể hoàn tác" in texts(reply) and "/erase_confirm" in buttons(reply)
    assert "0912345678" in json.dumps(stored(assistant, sender)["events"])  # not yet: confirmation first
    assert "đã xóa toàn bộ" in texts(assistant.say(sender, "/erase_confirm"))
    events = stored(assistant, sender)["events"]
    assert [e for e in events if e["event"] in ("user", "bot")] == []
    raw = db().get(TRACKER_KEY_PREFIX + assistant.conversation_id(sender)) or b""
    assert b"0912345678" not in raw and "giấy tờ".encode() not in raw
    assert db().exists(consent_key(assistant.conversation_id(sender))) == 0
    # the conversation goes on as a new one
    assert "lệ phí" in texts(assistant.say(sender, "lệ phí đăng ký khai sinh bao nhiêu?")).lower()


def test_saying_no_to_the_erasure_keeps_everything(assistant):
    sender = "test-privacy-keep"
    assistant.say(sender, "xin chào")
    assistant.say(sender, "xóa dữ liệu của tôi")
    assert "không xóa gì" in texts(assistant.say(sender, "không"))
    assert "xin chào" in [e.get("text") for e in stored(assistant, sender)["events"] if e["event"] == "user"]


def test_erasure_asked_in_the_middle_of_a_lookup_stops_it_and_asks_to_confirm(assistant):
    say = assistant.conversation()
    say('/consent_agree{"privacy_purpose": "status"}')
    assert "mã hồ sơ" in texts(say("hồ sơ của tôi đến đâu rồi"))
    reply = say("xóa dữ liệu của tôi")
    assert "không thể hoàn tác" in texts(reply) and "/erase_confirm" in buttons(reply)
    assert "không xóa gì" in texts(say("không"))
