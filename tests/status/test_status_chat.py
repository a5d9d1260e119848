"""End to end over the REST channel (web chat): the running assistant, its action server and the
status store in the assistant's Redis database (10; these tests remove only their own keys)."""

import asyncio
import uuid

import pytest
import redis
from redis.asyncio import Redis

from applications.events import parse_event
from applications.store import StatusStore
from tests.conftest import ASSISTANT_REDIS_DB, REDIS_HOST, REDIS_PORT

pytestmark = pytest.mark.slow


@pytest.fixture
def application():
    code = f"H56.22-{uuid.uuid4().int % 10**6:06d}-0001"

    async def put():
        client = Redis(host=REDIS_HOST, port=REDIS_PORT, db=ASSISTANT_REDIS_DB)
        try:
            await StatusStore(client).apply(parse_event({
                "event_id": f"chat-{code}", "code": code, "status": "Đang xử lý", "phone": "0912345678",
                "event_time": "2025-03-16T09:00:00+07:00", "procedure": "Cấp hộ chiếu phổ thông",
                "appointment_date": "2025-03-25"}))
        finally:
            await client.close()

    asyncio.run(put())
    yield code
    sync = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=ASSISTANT_REDIS_DB)
    for key in list(sync.scan_iter(f"app:{code}*")) + list(sync.scan_iter("app:event:chat-*")) + \
            list(sync.scan_iter("guard:*:webchat:webchat:test-*")):
        sync.delete(key)


CONSENT = '/consent_agree{"privacy_purpose": "status"}'


def texts(replies):
    return " ".join(r.get("text") or "" for r in replies)


def test_the_assistant_asks_for_the_code_then_the_last_4_digits(assistant, application):
    say = assistant.conversation()
    say(CONSENT)  # the citizen agreed to the status notice (tests/test_privacy_conversations.py shows it)
    assert "mã hồ sơ" in texts(say("hồ sơ của tôi đến đâu rồi"))
    assert "4 số cuối" in texts(say(application.lower()))
    answer = texts(say("5678"))
    assert "Đang xử lý" in answer and "25/03/2025" in answer and "Cấp hộ chiếu phổ thông" in answer
    assert "0912345678" not in answer


def test_code_in_the_first_message(assistant, application):
    say = assistant.conversation()
    say(CONSENT)  # the citizen agreed to the status notice (tests/test_privacy_conversations.py shows it)
    assert "4 số cuối" in texts(say(f"tra cứu hồ sơ {application} giúp tôi"))
    assert "Đang xử lý" in texts(say("số cuối là 5678"))


def test_wrong_digits_and_unknown_code_look_the_same(assistant, application):
    say = assistant.conversation()
    say(CONSENT)  # the citizen agreed to the status notice (tests/test_privacy_conversations.py shows it)
    say(f"tra cứu hồ sơ {application}")
    wrong = texts(say("1111"))
    say = assistant.conversation()
    say(CONSENT)  # the citizen agreed to the status notice (tests/test_privacy_conversations.py shows it)
    say("tra cứu hồ sơ H99.99-999999-9999")
    unknown = texts(say("5678"))
    assert wrong == unknown and "không tìm thấy" in wrong


def test_the_citizen_can_stop_and_the_web_chat_cannot_subscribe(assistant, application):
    say = assistant.conversation()
    say(CONSENT)  # the citizen agreed to the status notice (tests/test_privacy_conversations.py shows it)
    say("kiểm tra tình trạng hồ sơ giúp tôi")
    assert "dừng tra cứu" in texts(say("thôi"))
    say(f"tra cứu hồ sơ {application}")
    say("5678")
    assert "chưa gửi được thông báo" in texts(say("đăng ký nhận thông báo về hồ sơ"))


def test_a_sender_is_cut_off_after_5_failed_checks(assistant, application):
    say = assistant.conversation()
    say(CONSENT)  # the citizen agreed to the status notice (tests/test_privacy_conversations.py shows it)
    for attempt in range(5):
        say(f"tra cứu hồ sơ {application}")
        assert "không tìm thấy" in texts(say(f"{attempt:04d}"))
    say(f"tra cứu hồ sơ {application}")
    assert "quá nhiều lần" in texts(say("5678"))  # even the right digits now


def test_another_question_during_the_query_is_answered(assistant, application):
    say = assistant.conversation()
    say(CONSENT)  # the citizen agreed to the status notice (tests/test_privacy_conversations.py shows it)
    say("tra cứu hồ sơ giúp tôi")
    replies = texts(say("lệ phí đăng ký khai sinh là bao nhiêu?"))
    assert "dừng tra cứu" in replies and "khai sinh" in replies.lower()
