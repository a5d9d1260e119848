"""Fixtures of the channel tests: the fake providers (threads, session-wide) and the assistant
running with every channel enabled against them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Dict, Iterator

import pytest

from tests.fakes.sms import FakeSmsGateway
from tests.fakes.telegram import FakeTelegram
from tests.fakes.zalo import FakeZalo

CHANNELS_REDIS_DB = 13

# Fixed test credentials (this module may be imported twice, as conftest and by name: no randomness).
TELEGRAM_TOKEN = "123456:TEST-telegram-token"
TELEGRAM_SECRET = "tg-secret-0123456789"
ZALO_APP_ID = "4318164526394040911"
ZALO_APP_SECRET = "zalo-app-secret-test"
ZALO_OA_SECRET = "zalo-oa-secret-test"
SMS_API_KEY = "sms-gateway-key-test"
SMS_WEBHOOK_SECRET = "sms-webhook-secret-test"
TWILIO_AUTH_TOKEN = "twilio-auth-token-test"
TELEGRAM_WEBHOOK_URL = "https://troly.example.gov.vn/webhooks/telegram/webhook"


@pytest.fixture(scope="session")
def fake_telegram() -> Iterator[FakeTelegram]:
    server = FakeTelegram(TELEGRAM_TOKEN).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def fake_zalo() -> Iterator[FakeZalo]:
    server = FakeZalo(ZALO_APP_ID, ZALO_APP_SECRET, "access-initial", "refresh-initial").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def fake_sms() -> Iterator[FakeSmsGateway]:
    server = FakeSmsGateway(SMS_API_KEY).start()
    yield server
    server.stop()


class ChannelAssistant:
    def __init__(self, url: str, twilio_url: str) -> None:
        self.url = url
        self.twilio_url = twilio_url

    def webhook(self, channel: str, path: str = "webhook") -> str:
        return f"{self.url}/webhooks/{channel}/{path}"


@pytest.fixture(scope="package")  # stopped when tests/channels is done: one assistant at a time
def channels_assistant(tmp_path_factory, fake_telegram, fake_zalo, fake_sms) -> Iterator[ChannelAssistant]:
    """The assistant (Rasa + actions) with Telegram, Zalo and SMS enabled against the fakes."""
    from bot.runtime import write_credentials
    from bot.settings import load_channel_settings, load_settings
    from tests.conftest import free_port, running_assistant

    data_dir = tmp_path_factory.mktemp("channels-assistant")
    # The Twilio signature covers the public URL; the port is chosen here so the URL is known.
    env: Dict[str, str] = {
        "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN, "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET,
        "TELEGRAM_API_BASE": fake_telegram.url, "TELEGRAM_WEBHOOK_URL": TELEGRAM_WEBHOOK_URL,
        "ZALO_APP_ID": ZALO_APP_ID, "ZALO_APP_SECRET": ZALO_APP_SECRET, "ZALO_OA_SECRET_KEY": ZALO_OA_SECRET,
        "ZALO_OA_ACCESS_TOKEN": fake_zalo.access_token, "ZALO_REFRESH_TOKEN": fake_zalo.refresh_token,
        "ZALO_API_BASE": fake_zalo.url, "ZALO_OAUTH_BASE": fake_zalo.url,
        "ZALO_TOKEN_FILE": str(data_dir / "zalo-token.json"),
        "SMS_GATEWAY_URL": fake_sms.url, "SMS_GATEWAY_API_KEY": SMS_API_KEY, "SMS_BRANDNAME": "DVCONG",
        "SMS_WEBHOOK_SECRET": SMS_WEBHOOK_SECRET, "TWILIO_AUTH_TOKEN": TWILIO_AUTH_TOKEN,
    }
    def credentials() -> Path:
        settings = replace(load_settings(), channels=load_channel_settings())
        path = data_dir / "credentials.yml"
        lines = write_credentials(settings, path)
        assert all("enabled" in line for line in lines), lines
        return path

    # The Rasa port is fixed here so that SMS_TWILIO_WEBHOOK_URL (the URL Twilio signs) is known.
    port = free_port()
    env["SMS_TWILIO_WEBHOOK_URL"] = f"http://127.0.0.1:{port}/webhooks/sms/twilio"
    with running_assistant(str(data_dir), CHANNELS_REDIS_DB, env, credentials, rasa_port=port) as running:
        yield ChannelAssistant(running.url, env["SMS_TWILIO_WEBHOOK_URL"])
