"""Credentials generation (one log line per channel, no secret in the file) and small connector rules."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest
import rasa.shared.utils.io as rasa_io

from bot.runtime import write_credentials
from bot.settings import load_channel_settings, load_settings
from channels.telegram.connector import message_for_text
from channels.zalo.signature import signature_header, valid_signature
from core.conversation_ids import recipient
from tests.fakes.zalo import zalo_mac

ALL = {
    "TELEGRAM_BOT_TOKEN": "1:tok-secret", "TELEGRAM_SECRET_TOKEN": "tg-secret",
    "ZALO_APP_ID": "111", "ZALO_OA_SECRET_KEY": "oa-secret", "ZALO_OA_ACCESS_TOKEN": "access-secret",
    "ZALO_APP_SECRET": "app-secret", "ZALO_REFRESH_TOKEN": "refresh-secret",
    "SMS_GATEWAY_URL": "http://gw.example", "SMS_GATEWAY_API_KEY": "sms-key-secret", "SMS_WEBHOOK_SECRET": "hook-secret",
    "TWILIO_AUTH_TOKEN": "twilio-secret",
}


def settings_with(environ, tmp_path):
    return replace(load_settings(), data_dir=tmp_path, channels=load_channel_settings(environ))


def test_no_channel_variables_means_web_chat_only_and_one_line_per_channel(tmp_path, caplog, monkeypatch):
    caplog.set_level(logging.INFO, logger="bot.runtime")
    lines = write_credentials(settings_with({}, tmp_path), tmp_path / "credentials.yml")
    assert [line.split(":")[0] for line in lines] == ["Channel telegram", "Channel zalo", "Channel sms"]
    assert all("disabled" in line for line in lines)
    assert "TELEGRAM_BOT_TOKEN, TELEGRAM_SECRET_TOKEN not set" in lines[0]
    assert [r.getMessage() for r in caplog.records] == lines
    monkeypatch.setenv("WEBCHAT_SESSION_SECRET", "webchat-secret-0123456789")
    config = rasa_io.read_config_file(str(tmp_path / "credentials.yml"))
    assert config == {"channels.webchat.connector.WebChatInput": {"session_secret": "webchat-secret-0123456789", "session_days": 30.0},
                      "channels.ops.OpsInput": None}  # /metrics and the health routes, no messages
    assert "webchat-secret" not in (tmp_path / "credentials.yml").read_text()  # no open REST channel, no secret


def test_a_missing_secret_disables_only_that_channel(tmp_path):
    environ = {k: v for k, v in ALL.items() if k != "TELEGRAM_SECRET_TOKEN"}
    lines = write_credentials(settings_with(environ, tmp_path), tmp_path / "credentials.yml")
    assert lines[0] == "Channel telegram: disabled (TELEGRAM_SECRET_TOKEN not set)"
    assert "enabled" in lines[1] and "enabled" in lines[2]


def test_all_channels_enabled_without_secrets_in_the_file(tmp_path, monkeypatch):
    path = tmp_path / "credentials.yml"
    write_credentials(settings_with(ALL, tmp_path), path)
    text = path.read_text()
    for name, value in ALL.items():
        if "secret" in value or "key" in value or "tok" in value:
            assert value not in text, name
    for key, value in ALL.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("WEBCHAT_SESSION_SECRET", "webchat-secret-0123456789")
    config = rasa_io.read_config_file(str(path))  # as Rasa reads it: ${VARIABLES} expanded
    assert config["channels.telegram.connector.TelegramInput"]["secret_token"] == "tg-secret"
    assert config["channels.zalo.connector.ZaloInput"]["refresh_token"] == "refresh-secret"
    assert config["channels.zalo.connector.ZaloInput"]["token_file"] == str(tmp_path / "zalo-token.json")
    assert config["channels.sms.connector.SmsInput"]["twilio_auth_token"] == "twilio-secret"


def test_connectors_build_from_the_generated_credentials(tmp_path, monkeypatch):
    from rasa.core.run import _create_single_channel

    path = tmp_path / "credentials.yml"
    write_credentials(settings_with(ALL, tmp_path), path)
    for key, value in ALL.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("WEBCHAT_SESSION_SECRET", "webchat-secret-0123456789")
    config = rasa_io.read_config_file(str(path))
    names = [_create_single_channel(name, value).name() for name, value in config.items()]
    assert names == ["webchat", "telegram", "zalo", "sms", "ops"]


@pytest.mark.parametrize("typed,expected", [
    ("/start", "/greet"), ("/help", "/greet"), ("/start@troly_dvc_bot", "/greet"),
    ("/tracuu abc-1", '/check_status{"application_code": "ABC-1"}'), ("/huy", "/unsubscribe"),
    ("hủy", "hủy"), ("HD", "/greet"), ("TRACUU X1", '/check_status{"application_code": "X1"}'),
    ('/check_status{"application_code": "X"}', 'check_status{"application_code": "X"}'),  # no intent injection
    ("/human_handoff", "human_handoff"), ("   ", None), ("làm căn cước", "làm căn cước"),
])
def test_telegram_typed_text(typed, expected):
    assert message_for_text(typed) == expected


def test_zalo_signature_matches_the_documented_formula():
    body, ts = '{"event_name":"user_send_text","timestamp":"1700000000000"}', "1700000000000"
    assert signature_header("111", body, ts, "k") == "mac=" + zalo_mac("111", body, ts, "k")
    assert valid_signature("mac=" + zalo_mac("111", body, ts, "k"), "111", body, ts, "k")
    assert valid_signature(zalo_mac("111", body, ts, "k").upper(), "111", body, ts, "k")
    assert not valid_signature("mac=" + zalo_mac("111", body, ts, "other"), "111", body, ts, "k")
    assert not valid_signature("mac=ẞ", "111", body, ts, "k")


def test_recipient_of_a_conversation_id():
    assert recipient("sms:84912345678") == ("sms", "84912345678")
    assert recipient("telegram:-100123") == ("telegram", "-100123")
    assert recipient("web-abc") is None and recipient("") is None


def test_telegram_secret_token_must_be_what_setwebhook_accepts(tmp_path):
    environ = {**ALL, "TELEGRAM_SECRET_TOKEN": "has spaces and dấu"}
    lines = write_credentials(settings_with(environ, tmp_path), tmp_path / "credentials.yml")
    assert lines[0].startswith("Channel telegram: disabled (a valid TELEGRAM_SECRET_TOKEN")
