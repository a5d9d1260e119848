"""Status over SMS, end to end: the fake brandname-SMS gateway's webhook in → the SMS connector →
the assistant → the gateway's API out; then a status change delivered to the subscribed phone by a
notification worker through the real SMS client, and HUY. Own assistant on Redis database 11."""

import asyncio
import json
import time
import uuid
from dataclasses import replace

import pytest
from redis.asyncio import Redis

from applications.events import parse_event
from applications.store import StatusStore
from bot.settings import load_channel_settings
from launcher.notification_worker import status_worker as Worker
from notifications.senders import build_senders
from notifications.worker import WorkerConfig
from tests.conftest import REDIS_HOST, REDIS_PORT, running_assistant
from tests.fakes.sms import FakeSmsGateway, gateway_signature
from tests.status.conftest import STATUS_DB

pytestmark = pytest.mark.slow

API_KEY, WEBHOOK_SECRET = "sms-key-status", "sms-webhook-status"
PHONE, NUMBER = "0912345678", "84912345678"


@pytest.fixture(scope="module")
def sms_assistant(tmp_path_factory):
    gateway = FakeSmsGateway(API_KEY).start()
    data_dir = tmp_path_factory.mktemp("status-sms")
    env = {"SMS_GATEWAY_URL": gateway.url, "SMS_GATEWAY_API_KEY": API_KEY, "SMS_WEBHOOK_SECRET": WEBHOOK_SECRET}

    def credentials():
        from bot.runtime import write_credentials
        from bot.settings import load_settings

        path = data_dir / "credentials.yml"
        write_credentials(replace(load_settings(), channels=load_channel_settings()), path)
        return path

    try:
        with running_assistant(str(data_dir), STATUS_DB, env, credentials) as running:
            yield running, gateway
    finally:
        gateway.stop()


def run(coroutine):
    return asyncio.run(coroutine)


async def with_store(action):
    client = Redis(host=REDIS_HOST, port=REDIS_PORT, db=STATUS_DB)
    try:
        return await action(StatusStore(client))
    finally:
        await client.close()


def sms_in(assistant, phone, text):
    import requests

    body = json.dumps({"message_id": f"mo-{uuid.uuid4().hex}", "from": phone, "to": "8077", "text": text}).encode()
    response = requests.post(f"{assistant.url}/webhooks/sms/webhook", data=body, timeout=30, headers={
        "Content-Type": "application/json", "X-Signature": gateway_signature(WEBHOOK_SECRET, body)})
    assert response.status_code == 200, response.text


def next_reply(gateway, number, before):
    replies = gateway.wait_replies(number, before + 1)
    return " ".join(replies[before])


def test_tracuu_subscribe_notify_and_huy(sms_assistant):
    assistant, gateway = sms_assistant
    code = f"000.00.21.H26-{uuid.uuid4().int % 10**6:06d}-0015"
    run(with_store(lambda store: store.apply(parse_event({
        "event_id": f"sms-{code}", "code": code, "status": "dang_xu_ly", "phone": PHONE,
        "event_time": "2025-03-16T09:00:00+07:00", "appointment_date": "2025-03-25"}))))

    sms_in(assistant, PHONE, f"tracuu {code.lower()}")
    assert "Ban dong y?" in next_reply(gateway, NUMBER, 0)  # the notice first
    sms_in(assistant, PHONE, "1")  # "Dong y": the code the request carried is looked up
    answer = next_reply(gateway, NUMBER, 1)
    assert "Dang xu ly" in answer and "25/03/2025" in answer and "1." in answer  # status + subscription offer

    other_phone, other_number = "0987650000", "84987650000"
    sms_in(assistant, other_phone, f"TRACUU {code}")
    assert "Ban dong y?" in next_reply(gateway, other_number, 0)
    sms_in(assistant, other_phone, "1")
    assert "khong tim thay" in next_reply(gateway, other_number, 1)

    sms_in(assistant, PHONE, "1")  # "Có, nhận thông báo"
    assert "da dang ky" in next_reply(gateway, NUMBER, 2)
    assert run(with_store(lambda store: store.subscribers(code))) == [("sms", NUMBER)]

    async def notify():
        client = Redis(host=REDIS_HOST, port=REDIS_PORT, db=STATUS_DB)
        senders = build_senders(timeout=5, channels=load_channel_settings(
            {"SMS_GATEWAY_URL": gateway.url, "SMS_GATEWAY_API_KEY": API_KEY}))
        worker = Worker(client, senders, "sms-test", WorkerConfig(block_ms=100, claim_idle=5))
        task = asyncio.create_task(worker.run())
        try:
            await StatusStore(client).apply(parse_event({
                "event_id": f"sms2-{code}", "code": code, "status": "Đã có kết quả",
                "event_time": "2025-03-20T15:00:00+07:00"}))
            deadline = time.monotonic() + 30
            while not any("da co ket qua" in t.lower() for t in gateway.texts(NUMBER)):
                assert time.monotonic() < deadline, gateway.texts(NUMBER)
                await asyncio.sleep(0.05)
        finally:
            worker.stop()
            await asyncio.wait_for(task, 10)
            await senders.close()
            await client.close()

    run(notify())
    notification = [t for t in gateway.texts(NUMBER) if "da co ket qua" in t.lower()]  # the registered SMS template
    assert len(notification) == 1 and code in notification[0] and "HUY" in notification[0]

    before = len(gateway.replies(NUMBER))
    sms_in(assistant, PHONE, "HUY")
    assert "khong nhan thong bao" in next_reply(gateway, NUMBER, before)
    assert run(with_store(lambda store: store.subscribers(code))) == []
