"""The outbound provider clients against the fake providers (no assistant needed)."""

from __future__ import annotations

import json
import os
import stat
import time

import pytest

from channels.errors import ProviderError
from channels.sms.client import SmsGatewayClient
from channels.telegram.client import TelegramClient
from channels.zalo.client import ZaloClient
from core.phone import normalize_phone
from tests.channels.conftest import SMS_API_KEY, TELEGRAM_TOKEN, ZALO_APP_ID, ZALO_APP_SECRET
from tests.fakes.base import free_port
from tests.fakes.sms import septets
from tests.fakes.zalo import FakeZalo


# --- Zalo ---------------------------------------------------------------------------------------


@pytest.fixture
def fake_zalo():
    """A Zalo of this test's own: token refreshes here must not touch the assistant's fake."""
    server = FakeZalo(ZALO_APP_ID, ZALO_APP_SECRET, "access-client-test", "refresh-client-test").start()
    yield server
    server.stop()


def zalo_client(fake, tmp_path, **kwargs) -> ZaloClient:
    return ZaloClient(fake.access_token, app_id=ZALO_APP_ID, app_secret=ZALO_APP_SECRET,
                      refresh_token=fake.refresh_token, api_base=fake.url, oauth_base=fake.url,
                      token_file=tmp_path / "zalo-token.json", **kwargs)


async def test_zalo_send_text(fake_zalo, tmp_path):
    client = zalo_client(fake_zalo, tmp_path)
    try:
        ids = await client.send_text("zalo-user-1", "Hồ sơ của bạn đã được tiếp nhận.")
    finally:
        await client.close()
    assert len(ids) == 1 and ids[0]
    assert fake_zalo.messages("zalo-user-1")[-1] == {"text": "Hồ sơ của bạn đã được tiếp nhận."}


async def test_zalo_long_text_goes_as_several_messages(fake_zalo, tmp_path):
    client = zalo_client(fake_zalo, tmp_path)
    try:
        await client.send_text("zalo-user-long", ("Một câu khá dài về thủ tục hành chính. " * 80).strip())
    finally:
        await client.close()
    sent = fake_zalo.messages("zalo-user-long")
    assert len(sent) == 2 and all(len(m["text"]) <= 2000 for m in sent)


async def test_zalo_expired_token_is_refreshed_once_and_kept(fake_zalo, tmp_path):
    client = zalo_client(fake_zalo, tmp_path)
    fake_zalo.expire_token()
    refreshes = fake_zalo.refreshes
    try:
        await client.send_text("zalo:zalo-user-2", "Xin chào")  # conversation id accepted too
    finally:
        await client.close()
    assert fake_zalo.refreshes == refreshes + 1
    assert fake_zalo.messages("zalo-user-2") == [{"text": "Xin chào"}]
    saved = json.loads((tmp_path / "zalo-token.json").read_text())
    assert saved["access_token"] == fake_zalo.access_token and saved["refresh_token"] == fake_zalo.refresh_token
    assert stat.S_IMODE(os.stat(tmp_path / "zalo-token.json").st_mode) == 0o600
    # another process reading the same token file uses the refreshed pair without refreshing again
    other = ZaloClient("stale", app_id=ZALO_APP_ID, app_secret=ZALO_APP_SECRET, refresh_token="used",
                       api_base=fake_zalo.url, oauth_base=fake_zalo.url, token_file=tmp_path / "zalo-token.json")
    try:
        await other.send_text("zalo-user-2", "Lần hai")
    finally:
        await other.close()
    assert fake_zalo.refreshes == refreshes + 1


async def test_zalo_token_rejected_without_refresh_token_is_a_provider_error(fake_zalo):
    client = ZaloClient("not-the-token", api_base=fake_zalo.url, oauth_base=fake_zalo.url)
    try:
        with pytest.raises(ProviderError) as caught:
            await client.send_text("zalo-user-3", "Xin chào")
    finally:
        await client.close()
    assert caught.value.status == 200 and caught.value.code == -216 and not caught.value.retryable


async def test_zalo_server_errors_are_retryable_provider_errors(fake_zalo, tmp_path):
    client = zalo_client(fake_zalo, tmp_path)
    fake_zalo.fail_next(status=429, retry_after=3)
    try:
        with pytest.raises(ProviderError) as caught:
            await client.send_text("zalo-user-4", "Xin chào")
    finally:
        await client.close()
    assert caught.value.status == 429 and caught.value.retry_after == 3.0 and caught.value.retryable


async def test_unreachable_provider_is_status_none():
    client = ZaloClient("t", api_base=f"http://127.0.0.1:{free_port()}", timeout=2)
    sms = SmsGatewayClient(f"http://127.0.0.1:{free_port()}", "k", timeout=2)
    try:
        with pytest.raises(ProviderError) as zalo_error:
            await client.send_text("u", "x")
        with pytest.raises(ProviderError) as sms_error:
            await sms.send("0912345678", "x")
    finally:
        await client.close()
        await sms.close()
    assert zalo_error.value.status is None and zalo_error.value.retryable
    assert sms_error.value.status is None and sms_error.value.retryable


# --- SMS ----------------------------------------------------------------------------------------


def test_normalize_phone():
    assert normalize_phone("0912 345 678") == "84912345678"
    assert normalize_phone("+84912345678") == "84912345678"
    assert normalize_phone("84912345678") == "84912345678"
    assert normalize_phone("sms:84912345678") == "84912345678"
    assert normalize_phone("0084912345678") == "84912345678"
    assert normalize_phone("hello") is None
    assert normalize_phone("") is None


async def test_sms_send_converts_and_splits(fake_sms):
    client = SmsGatewayClient(fake_sms.url, SMS_API_KEY, brandname="DVCONG")
    text = ("Hồ sơ 000.00.12.H29-240115-0001 của bạn đã có kết quả. Bạn mang giấy biên nhận và căn cước "
            "đến Bộ phận một cửa UBND phường để nhận kết quả, trong giờ hành chính từ thứ Hai đến thứ Sáu.")
    try:
        ids = await client.send("0912 000 111", text)
    finally:
        await client.close()
    sent = fake_sms.received(lambda e: e.get("to") == "84912000111")
    assert len(ids) == len(sent) == 2
    assert sent[0]["text"].startswith("(1/2) Ho so 000.00.12.H29-240115-0001 cua ban da co ket qua.")
    assert all(septets(e["text"]) <= 160 and e["brandname"] == "DVCONG" for e in sent)
    assert len({e["ref"] for e in sent}) == 2


async def test_sms_gateway_refusal_and_retry_after(fake_sms):
    client = SmsGatewayClient(fake_sms.url, SMS_API_KEY)
    fake_sms.fail_next(status=429, retry_after=2)
    try:
        with pytest.raises(ProviderError) as caught:
            await client.send("0912000222", "Xin chao")
        bad_key = SmsGatewayClient(fake_sms.url, "wrong")
        with pytest.raises(ProviderError) as unauthorized:
            await bad_key.send("0912000222", "Xin chao")
        await bad_key.close()
        with pytest.raises(ProviderError) as not_phone:
            await client.send("abc", "Xin chao")
    finally:
        await client.close()
    assert (caught.value.status, caught.value.retry_after, caught.value.retryable) == (429, 2.0, True)
    assert unauthorized.value.status == 401 and not unauthorized.value.retryable
    assert not_phone.value.status == 400


# --- Telegram -----------------------------------------------------------------------------------


async def test_telegram_long_text_split_and_buttons_on_last_part(fake_telegram):
    client = TelegramClient(TELEGRAM_TOKEN, fake_telegram.url)
    long_payload = '/inform_procedure{"procedure": "dang-ky-khai-sinh-co-yeu-to-nuoc-ngoai-tai-ubnd-huyen"}'
    text = "\n\n".join(["Đoạn văn về thủ tục hành chính, khá dài. " * 20] * 8)
    try:
        await client.send_text(5551, text, buttons=[{"title": "Khai sinh", "payload": long_payload},
                                                     {"title": "Kết hôn", "payload": "/inform_procedure"}])
    finally:
        await client.close()
    sent = fake_telegram.sent(5551)
    assert len(sent) == 2 and all(len(p["text"]) <= 4096 for p in sent)
    assert "reply_markup" not in sent[0]
    keyboard = sent[1]["reply_markup"]["inline_keyboard"]
    data = [row[0]["callback_data"] for row in keyboard]
    assert data[1] == "/inform_procedure"
    assert len(data[0].encode()) <= 64 and client.resolve_callback(data[0]) == long_payload


async def test_telegram_flood_control_is_waited_out(fake_telegram):
    client = TelegramClient(TELEGRAM_TOKEN, fake_telegram.url)
    fake_telegram.fail_next(retry_after=1)
    started = time.monotonic()
    try:
        await client.send_text(5552, "Xin chào")
    finally:
        await client.close()
    assert time.monotonic() - started >= 1.0
    assert [p["text"] for p in fake_telegram.sent(5552)] == ["Xin chào"]


async def test_telegram_flood_longer_than_max_wait_is_a_provider_error(fake_telegram):
    client = TelegramClient(TELEGRAM_TOKEN, fake_telegram.url, max_wait=0, max_attempts=1)
    fake_telegram.fail_next(retry_after=7)
    try:
        with pytest.raises(ProviderError) as caught:
            await client.send_text(5553, "Xin chào")
    finally:
        await client.close()
    assert (caught.value.status, caught.value.retry_after, caught.value.retryable) == (429, 7.0, True)


async def test_telegram_wrong_token_is_401(fake_telegram):
    client = TelegramClient("999:wrong", fake_telegram.url)
    try:
        with pytest.raises(ProviderError) as caught:
            await client.send_text(5554, "Xin chào")
    finally:
        await client.close()
    assert caught.value.status == 401


async def test_telegram_set_webhook_sends_the_secret_token(fake_telegram):
    client = TelegramClient(TELEGRAM_TOKEN, fake_telegram.url)
    try:
        assert await client.set_webhook("https://example.gov.vn/webhooks/telegram/webhook", "s3cret-token") is True
    finally:
        await client.close()
    call = fake_telegram.received(lambda e: e["method"] == "setWebhook")[-1]["params"]
    assert call["secret_token"] == "s3cret-token" and call["url"].endswith("/webhooks/telegram/webhook")
    assert call["allowed_updates"] == ["message", "callback_query"]
