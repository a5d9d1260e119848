"""Telegram end to end: webhook update in -> assistant -> Bot API sendMessage out (fake Telegram)."""

from __future__ import annotations

import itertools
import json
import time

import pytest

from tests.channels.conftest import TELEGRAM_SECRET
from tests.channels.helpers import post, server_alive, tracker_events, user_intents, user_texts

pytestmark = pytest.mark.slow

_update_ids = itertools.count(int(time.time()) % 1_000_000 * 1000)
_chat_ids = itertools.count(700_000_000 + int(time.time()) % 1_000_000 * 100)


def text_update(chat_id: int, text: str, update_id: int = None) -> dict:
    return {
        "update_id": update_id if update_id is not None else next(_update_ids),
        "message": {
            "message_id": next(_update_ids), "date": int(time.time()), "text": text,
            "chat": {"id": chat_id, "type": "private", "first_name": "Lan"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Lan", "language_code": "vi"},
            **({"entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]} if text.startswith("/") else {}),
        },
    }


def callback_update(chat_id: int, data: str, keyboard: dict) -> dict:
    return {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": f"cbq-{next(_update_ids)}", "chat_instance": "42", "data": data,
            "from": {"id": chat_id, "is_bot": False, "first_name": "Lan"},
            "message": {"message_id": 1, "date": int(time.time()), "text": "…",
                        "chat": {"id": chat_id, "type": "private"}, "reply_markup": keyboard},
        },
    }


def send(assistant, update, secret: str = TELEGRAM_SECRET, raw: bytes = None):
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    body = raw if raw is not None else json.dumps(update, ensure_ascii=False).encode("utf-8")
    return post(assistant.webhook("telegram"), body, headers)


def test_start_command_gets_the_greeting(channels_assistant, fake_telegram):
    chat = next(_chat_ids)
    assert send(channels_assistant, text_update(chat, "/start")).status_code == 200
    replies = fake_telegram.wait_sent(chat)
    assert "Xin chào" in replies[0]["text"]


def test_question_buttons_and_button_press_in_one_conversation(channels_assistant, fake_telegram):
    chat = next(_chat_ids)
    # a question without the procedure: the assistant asks which one, with buttons
    assert send(channels_assistant, text_update(chat, "lệ phí đăng ký bao nhiêu?")).status_code == 200
    with_keyboard = fake_telegram.wait_for(
        lambda e: e["method"] == "sendMessage" and str(e["params"]["chat_id"]) == str(chat)
        and "reply_markup" in e["params"])
    keyboard = with_keyboard[0]["params"]["reply_markup"]
    buttons = [b for row in keyboard["inline_keyboard"] for b in row]
    assert buttons and all(b["text"] and 1 <= len(b["callback_data"].encode()) <= 64 for b in buttons)
    before = len(fake_telegram.sent(chat))
    # the citizen presses the first button
    press = callback_update(chat, buttons[0]["callback_data"], keyboard)
    assert send(channels_assistant, press).status_code == 200
    fake_telegram.wait_for(lambda e: e["method"] == "answerCallbackQuery"
                           and e["params"]["callback_query_id"] == press["callback_query"]["id"])
    after = fake_telegram.wait_sent(chat, before + 1)
    assert after[-1]["text"].strip()
    # one conversation, keyed by the chat; the press arrived as the button's payload
    texts = user_texts(channels_assistant.url, f"telegram:{chat}", turns=2)
    assert texts == ["lệ phí đăng ký bao nhiêu?", buttons[0]["callback_data"]]
    assert user_intents(channels_assistant.url, f"telegram:{chat}", turns=2)[1] == "inform_procedure"


def test_duplicate_update_is_handled_once(channels_assistant, fake_telegram):
    chat = next(_chat_ids)
    update = text_update(chat, "/start")
    assert send(channels_assistant, update).status_code == 200
    fake_telegram.wait_sent(chat, 1)
    assert send(channels_assistant, update).json().get("duplicate") is True
    # a later message's reply proves the duplicate, had it been handled, would be there by now
    assert send(channels_assistant, text_update(chat, "cảm ơn")).status_code == 200
    replies = fake_telegram.wait_sent(chat, 2)
    assert len(replies) == 2
    assert user_texts(channels_assistant.url, f"telegram:{chat}", turns=2) == ["/greet", "cảm ơn"]


def test_flood_control_is_waited_out_not_dropped(channels_assistant, fake_telegram):
    chat = next(_chat_ids)
    fake_telegram.fail_next(retry_after=1)
    assert send(channels_assistant, text_update(chat, "/start")).status_code == 200
    replies = fake_telegram.wait_sent(chat)
    assert "Xin chào" in replies[0]["text"]
    refused = fake_telegram.received(lambda e: e.get("failed") and str(e["params"].get("chat_id")) == str(chat))
    assert len(refused) == 1


@pytest.mark.parametrize("secret,status", [(None, 401), ("wrong-secret", 403), ("", 401)])
def test_missing_or_wrong_secret_token_is_refused(channels_assistant, fake_telegram, secret, status):
    chat = next(_chat_ids)
    response = send(channels_assistant, text_update(chat, "/start"), secret=secret)
    assert response.status_code == status
    # the refused update never reaches the assistant: its conversation does not exist
    assert user_texts(channels_assistant.url, f"telegram:{chat}") == []


@pytest.mark.parametrize("raw,status", [
    (b"x" * (1024 * 1024), 413),                       # 1 MB body
    (b'{"update_id": 1, "message": "\xff\xfe"}', 400),  # invalid UTF-8
    (b"not json", 400),
    (b"[1, 2, 3]", 400),                                # JSON, not an object
    (b'{"update_id": "seven"}', 400),                   # wrong type
    (b'{"update_id": 5, "message": {"chat": "nope", "date": "x"}}', 400),  # wrong shape inside
])
def test_malformed_bodies_get_4xx_and_the_server_survives(channels_assistant, raw, status):
    assert send(channels_assistant, None, raw=raw).status_code == status
    assert server_alive(channels_assistant.url)


def test_update_without_text_is_acknowledged_and_ignored(channels_assistant, fake_telegram):
    chat = next(_chat_ids)
    update = text_update(chat, "x")
    del update["message"]["text"]
    update["message"]["sticker"] = {"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1,
                                    "is_animated": False, "is_video": False, "type": "regular"}
    assert send(channels_assistant, update).status_code == 200
    assert user_texts(channels_assistant.url, f"telegram:{chat}") == []


def test_press_of_a_button_from_before_a_restart_uses_its_title(channels_assistant, fake_telegram):
    """A long payload travels as a key this process may no longer know: the button's title is used."""
    chat = next(_chat_ids)
    keyboard = {"inline_keyboard": [[{"text": "Đăng ký kết hôn", "callback_data": "k:0123456789abcdef01234567"}]]}
    assert send(channels_assistant, callback_update(chat, "k:0123456789abcdef01234567", keyboard)).status_code == 200
    fake_telegram.wait_sent(chat)
    assert user_texts(channels_assistant.url, f"telegram:{chat}", turns=1) == ["Đăng ký kết hôn"]


def test_webhook_registered_at_start_with_the_secret_token(channels_assistant, fake_telegram):
    from tests.channels.conftest import TELEGRAM_WEBHOOK_URL

    calls = fake_telegram.wait_for(lambda e: e["method"] == "setWebhook" and e["params"].get("url") == TELEGRAM_WEBHOOK_URL)
    assert calls[0]["params"]["secret_token"] == TELEGRAM_SECRET



def test_a_photo_is_declined_and_never_stored(channels_assistant, fake_telegram):
    """A photo (often of an identity card: sensitive data) gets a polite refusal; neither the photo's
    file id nor its caption reaches the stored conversation."""
    chat = next(_chat_ids)
    update = text_update(chat, "x")
    del update["message"]["text"]
    update["message"]["caption"] = "căn cước 001088012345"
    update["message"]["photo"] = [{"file_id": "PHOTO-FILE-ID", "file_unique_id": "u1", "width": 90, "height": 60}]
    assert send(channels_assistant, update).status_code == 200
    replies = fake_telegram.wait_sent(chat)
    assert "không nhận ảnh" in replies[0]["text"] and "không lưu" in replies[0]["text"]
    stored = json.dumps(tracker_events(channels_assistant.url, f"telegram:{chat}", turns=1), ensure_ascii=False)
    assert "PHOTO-FILE-ID" not in stored and "001088012345" not in stored
    assert user_intents(channels_assistant.url, f"telegram:{chat}") == ["sent_photo"]
