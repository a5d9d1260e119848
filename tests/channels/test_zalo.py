"""Zalo OA end to end: signed webhook event in -> assistant -> message/cs out (fake Zalo)."""

from __future__ import annotations

import itertools
import time

import pytest

from tests.channels.conftest import ZALO_APP_ID, ZALO_OA_SECRET
from tests.channels.helpers import post, server_alive, tracker_events, user_intents, user_texts
from tests.fakes.zalo import follow_event, signed, text_event

pytestmark = pytest.mark.slow

_users = itertools.count(8_700_000_000_000_000 + int(time.time()) % 1_000_000 * 1000)


def new_user() -> str:
    return str(next(_users))


def deliver(assistant, event, secret: str = ZALO_OA_SECRET, headers=None, raw: bytes = None):
    body, signed_headers = signed(event, ZALO_APP_ID, secret)
    return post(assistant.webhook("zalo"), raw if raw is not None else body, headers if headers is not None else signed_headers)


def test_text_event_gets_a_reply(channels_assistant, fake_zalo):
    user = new_user()
    assert deliver(channels_assistant, text_event(ZALO_APP_ID, user, "xin chào")).status_code == 200
    replies = fake_zalo.wait_messages(user)
    assert "Xin chào" in replies[0]["text"]


def test_follow_gets_the_greeting_and_unfollow_sends_nothing(channels_assistant, fake_zalo):
    user = new_user()
    assert deliver(channels_assistant, follow_event(ZALO_APP_ID, user)).status_code == 200
    assert "Xin chào" in fake_zalo.wait_messages(user)[0]["text"]
    assert deliver(channels_assistant, follow_event(ZALO_APP_ID, user, "unfollow")).status_code == 200
    assert user_texts(channels_assistant.url, f"zalo:{user}", turns=2) == ["/greet", "/unsubscribe"]
    assert len(fake_zalo.messages(user)) == 1


def test_buttons_go_as_template_and_come_back_as_text(channels_assistant, fake_zalo):
    user = new_user()
    deliver(channels_assistant, text_event(ZALO_APP_ID, user, "lệ phí đăng ký bao nhiêu?"))
    message = fake_zalo.wait_messages(user)[0]
    buttons = message["attachment"]["payload"]["buttons"]
    assert 1 <= len(buttons) <= 5 and all(b["type"] == "oa.query.hide" for b in buttons)
    # pressing oa.query.hide sends the payload back as a user_send_text event
    deliver(channels_assistant, text_event(ZALO_APP_ID, user, buttons[0]["payload"]))
    fake_zalo.wait_messages(user, 2)
    assert user_intents(channels_assistant.url, f"zalo:{user}", turns=2)[1] == "inform_procedure"


def test_a_long_official_name_goes_as_a_shortened_button_title(channels_assistant, fake_zalo):
    user = new_user()
    deliver(channels_assistant, text_event(ZALO_APP_ID, user, "Đăng ký kết hôn tại đại sứ quán Việt Nam ở Nhật được không?"))
    buttons = fake_zalo.wait_messages(user)[0]["attachment"]["payload"]["buttons"]
    assert all(len(b["title"]) <= 100 for b in buttons)
    assert any(b["title"].endswith("…") and "ghi-vao-so-ket-hon-o-nuoc-ngoai" in b["payload"] for b in buttons)


def test_refused_template_falls_back_to_a_numbered_list_answered_with_a_digit(channels_assistant, fake_zalo):
    user = new_user()
    fake_zalo.reject_templates = True
    try:
        deliver(channels_assistant, text_event(ZALO_APP_ID, user, "lệ phí đăng ký bao nhiêu?"))
        listing = fake_zalo.wait_messages(user)[0]["text"]
    finally:
        fake_zalo.reject_templates = False
    assert "\n1. " in listing and "Trả lời bằng" in listing
    deliver(channels_assistant, text_event(ZALO_APP_ID, user, "1"))
    fake_zalo.wait_messages(user, 2)
    assert user_texts(channels_assistant.url, f"zalo:{user}", turns=2)[1].startswith("/inform_procedure")  # not "1"


def test_expired_access_token_is_refreshed(channels_assistant, fake_zalo):
    user = new_user()
    refreshes = fake_zalo.refreshes
    fake_zalo.expire_token()
    deliver(channels_assistant, text_event(ZALO_APP_ID, user, "xin chào"))
    assert "Xin chào" in fake_zalo.wait_messages(user)[0]["text"]
    assert fake_zalo.refreshes == refreshes + 1


def test_duplicate_delivery_of_the_same_msg_id_is_processed_once(channels_assistant, fake_zalo):
    user = new_user()
    event = text_event(ZALO_APP_ID, user, "xin chào", msg_id="dup-" + user)
    assert deliver(channels_assistant, event).status_code == 200
    fake_zalo.wait_messages(user, 1)
    replay = deliver(channels_assistant, event)  # the very same signed request, again
    assert replay.status_code == 200 and replay.json().get("duplicate") is True
    deliver(channels_assistant, text_event(ZALO_APP_ID, user, "cảm ơn"))
    fake_zalo.wait_messages(user, 2)
    assert user_texts(channels_assistant.url, f"zalo:{user}", turns=2) == ["xin chào", "cảm ơn"]
    assert len(fake_zalo.messages(user)) == 2


def test_tracuu_keyword_reaches_the_assistant_as_check_status(channels_assistant, fake_zalo):
    user = new_user()
    deliver(channels_assistant, text_event(ZALO_APP_ID, user, "Tra cứu 000.00.12.H29-240115-0001"))
    fake_zalo.wait_messages(user)
    assert user_intents(channels_assistant.url, f"zalo:{user}", turns=1) == ["check_status"]


def test_forged_and_missing_signatures_are_refused(channels_assistant, fake_zalo):
    user = new_user()
    event = text_event(ZALO_APP_ID, user, "xin chào")
    body, headers = signed(event, ZALO_APP_ID, ZALO_OA_SECRET)
    assert deliver(channels_assistant, event, secret="not-the-oa-secret").status_code == 403
    assert deliver(channels_assistant, event, headers={"Content-Type": "application/json"}).status_code == 401
    tampered = body.replace(b"xin ch", b"XIN CH")
    assert deliver(channels_assistant, event, headers=headers, raw=tampered).status_code == 403
    forged = {**headers, "X-ZEvent-Signature": "mac=" + "0" * 64}
    assert deliver(channels_assistant, event, headers=forged).status_code == 403
    other_app = text_event("999", user, "xin chào")
    assert deliver(channels_assistant, other_app).status_code == 403  # signed with another app id
    assert user_texts(channels_assistant.url, f"zalo:{user}") == []


def test_replayed_old_event_is_refused(channels_assistant, fake_zalo):
    user = new_user()
    old = text_event(ZALO_APP_ID, user, "xin chào", timestamp=int((time.time() - 3 * 24 * 3600) * 1000))
    assert deliver(channels_assistant, old).status_code == 403
    assert user_texts(channels_assistant.url, f"zalo:{user}") == []


@pytest.mark.parametrize("body", [
    b"x" * (1024 * 1024),
    b'{"event_name": "user_send_text", "timestamp": "1", "text": "\xff\xfe"}',
    b"[]",
    b'{"event_name": "user_send_text"}',
])
def test_malformed_bodies_get_4xx(channels_assistant, body):
    headers = {"X-ZEvent-Signature": "mac=" + "1" * 64, "Content-Type": "application/json"}
    response = post(channels_assistant.webhook("zalo"), body, headers)
    assert 400 <= response.status_code < 500
    assert server_alive(channels_assistant.url)


@pytest.mark.parametrize("event", [
    {"event_name": "user_send_text", "sender": "nope", "message": {"text": "x", "msg_id": "1"}},
    {"event_name": "user_send_text", "sender": {"id": "1"}, "message": {"text": ["x"], "msg_id": "2"}},
    {"event_name": "follow", "follower": None},
    {"event_name": 5},
])
def test_signed_events_of_the_wrong_shape_get_400(channels_assistant, event):
    event = {"app_id": ZALO_APP_ID, "timestamp": str(int(time.time() * 1000)), **event}
    assert deliver(channels_assistant, event).status_code == 400
    assert server_alive(channels_assistant.url)


def test_unknown_event_is_acknowledged(channels_assistant):
    event = {"app_id": ZALO_APP_ID, "event_name": "user_seen_message", "timestamp": str(int(time.time() * 1000)),
             "sender": {"id": "1"}, "message": {"msg_ids": ["a"]}}
    response = deliver(channels_assistant, event)
    assert response.status_code == 200 and response.json().get("ignored") is True


def test_burst_of_events_each_acknowledged_within_zalos_2_seconds(channels_assistant, fake_zalo):
    """Zalo wants its 200 within 2 s: acknowledgement does not wait for the assistant."""
    from concurrent.futures import ThreadPoolExecutor

    users = [new_user() for _ in range(20)]

    def one(user):
        started = time.monotonic()
        response = deliver(channels_assistant, text_event(ZALO_APP_ID, user, "lệ phí đăng ký kết hôn bao nhiêu"))
        return response.status_code, time.monotonic() - started

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(one, users))
    assert all(status == 200 for status, _ in results)
    acks = sorted(seconds for _, seconds in results)
    for user in users:
        fake_zalo.wait_messages(user, 1, timeout=120)
    all_replied = time.monotonic() - started
    print(f"\nzalo burst of 20: ack median {acks[10]*1000:.0f} ms, max {acks[-1]*1000:.0f} ms; "
          f"all 20 replies delivered after {all_replied:.1f} s")
    assert acks[-1] < 2.0


def test_a_photo_is_declined_and_never_stored(channels_assistant, fake_zalo):
    """A photo (often of an identity card: sensitive data) is not fetched: a polite refusal, and
    the photo's URL never reaches the stored conversation."""
    import json

    user = new_user()
    event = {"app_id": ZALO_APP_ID, "event_name": "user_send_image", "timestamp": str(int(time.time() * 1000)),
             "sender": {"id": user}, "recipient": {"id": "oa"},
             "message": {"msg_id": f"img-{user}", "text": "",
                         "attachments": [{"type": "image", "payload": {"url": "https://photo.zalo.example/cccd.jpg"}}]}}
    assert deliver(channels_assistant, event).status_code == 200
    replies = fake_zalo.wait_messages(user)
    assert "không nhận ảnh" in replies[0]["text"]
    stored = json.dumps(tracker_events(channels_assistant.url, f"zalo:{user}", turns=1), ensure_ascii=False)
    assert "cccd.jpg" not in stored
    assert user_intents(channels_assistant.url, f"zalo:{user}") == ["sent_photo"]


def test_a_message_opens_the_followers_cs_window_for_the_notifications(channels_assistant, fake_zalo):
    """What the notification workers read to send a status change by CS message (not a paid ZNS)."""
    import redis as redis_py

    from channels.zalo.window import window_key
    from tests.channels.conftest import CHANNELS_REDIS_DB
    from tests.conftest import REDIS_HOST, REDIS_PORT

    user = new_user()
    redis = redis_py.Redis(host=REDIS_HOST, port=REDIS_PORT, db=CHANNELS_REDIS_DB)  # the assistant's, not flushed
    assert redis.hget(window_key(user), "at_ms") is None
    deliver(channels_assistant, text_event(ZALO_APP_ID, user, "xin chào"))
    fake_zalo.wait_messages(user)
    at_ms = redis.hget(window_key(user), "at_ms")
    assert at_ms is not None and abs(int(at_ms) / 1000 - time.time()) < 60
    assert user not in str(redis.keys("channels:zalo:cs:*"))  # the follower id is not in the key
