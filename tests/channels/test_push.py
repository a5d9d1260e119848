"""Pushing through a channel outside a conversation turn: Rasa's trigger_intent API with
``output_channel=<channel>`` uses the connector's output channel (what a notification could use)."""

from __future__ import annotations

import itertools
import time

import pytest
import requests

from tests.conftest import TEST_API_TOKEN

pytestmark = pytest.mark.slow

_ids = itertools.count(600_000_000 + int(time.time()) % 1_000_000 * 100)


@pytest.mark.parametrize("channel", ["telegram", "zalo", "sms"])
def test_assistant_can_push_through_a_channel(channels_assistant, fake_telegram, fake_zalo, fake_sms, channel):
    # ids of their own (the SMS numbers start 8470, the SMS tests' 849): no shared conversation
    provider_id = {"telegram": str(next(_ids)), "zalo": str(next(_ids)) + "77", "sms": f"8470{next(_ids) % 10_000_000:07d}"}[channel]
    response = requests.post(
        f"{channels_assistant.url}/conversations/{channel}:{provider_id}/trigger_intent",
        params={"output_channel": channel, "token": TEST_API_TOKEN}, json={"name": "greet"}, timeout=60)
    assert response.status_code == 200
    if channel == "telegram":
        assert "Xin chào" in fake_telegram.wait_sent(provider_id)[0]["text"]
    elif channel == "zalo":
        assert "Xin chào" in fake_zalo.wait_messages(provider_id)[0]["text"]
    else:
        assert "Xin chao" in fake_sms.wait_replies(provider_id)[0][0]
