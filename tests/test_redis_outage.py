"""No message lost when Redis fails (issue 12): the assistant runs on a Redis of this test's own (a
private server on a free port, ``launcher.embedded_redis``), with Telegram, Zalo and SMS against the fake
providers and the web chat; Redis is stopped and started again in the middle of conversations on every
channel, and every message sent is counted: answered (it is in the conversation's tracker and a reply
reached the provider) or met with the channel's "try again in a few minutes", never silence.

* a short outage (shorter than ``REDIS_OUTAGE_WAIT_SECONDS``): every message is kept and answered when
  Redis is back, with the conversation's context (the records were persisted by Redis);
* a long outage: every message is answered with ``try_again_later`` on its own channel (SMS without
  diacritics), and the next message after Redis is back is answered as usual.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Callable, Dict, Iterator, List
from urllib.parse import urlparse

import pytest
import requests

from channels.common import channel_message
from core.message_text import to_gsm7
from tests.conftest import TEST_API_TOKEN, TEST_WEBCHAT_SECRET, free_port
from tests.fakes.sms import FakeSmsGateway, gateway_signature
from tests.fakes.telegram import FakeTelegram
from tests.fakes.zalo import FakeZalo, signed, text_event

pytestmark = pytest.mark.slow

TELEGRAM_TOKEN, TELEGRAM_SECRET = "123456:OUTAGE-telegram-token", "tg-outage-secret-0123"
ZALO_APP_ID, ZALO_APP_SECRET, ZALO_OA_SECRET = "4318164526394040912", "zalo-app-secret-outage", "zalo-oa-secret-outage"
SMS_KEY, SMS_SECRET = "sms-gateway-key-outage", "sms-webhook-secret-outage"
OUTAGE_WAIT = 6  # REDIS_OUTAGE_WAIT_SECONDS of the assistant under test
QUESTIONS = ["lệ phí đăng ký kết hôn bao nhiêu", "đăng ký khai sinh cần giấy tờ gì", "làm lại căn cước mất bao lâu"]
_ids = itertools.count(int(time.time()) % 1_000_000 * 1000)


class Outage:
    """This test's Redis: stopped and started again on the same port, password and data directory."""

    def __init__(self, data_dir: Path) -> None:
        from launcher.embedded_redis import start_embedded_redis

        self.data_dir = data_dir
        self.process, self.url = start_embedded_redis(data_dir)
        parsed = urlparse(self.url)
        self.port, self.password = parsed.port, parsed.password

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)

    def start(self) -> None:
        from launcher.embedded_redis import start_embedded_redis

        self.process, _ = start_embedded_redis(self.data_dir, port=self.port, password=self.password)


class Product:
    """The running assistant and, per channel, how to say something and how many replies came back."""

    def __init__(self, url: str, telegram: FakeTelegram, zalo: FakeZalo, sms: FakeSmsGateway) -> None:
        self.url, self.telegram, self.zalo, self.sms = url, telegram, zalo, sms
        self.webchat_replies: Dict[str, List[str]] = {}

    # conversations: (channel, provider id) -> the conversation id Rasa keeps
    def conversation(self, channel: str, who: str) -> str:
        return f"{channel}:{who}"

    def say(self, channel: str, who: str, text: str) -> None:
        if channel == "telegram":
            update = {"update_id": next(_ids), "message": {
                "message_id": next(_ids), "date": int(time.time()), "text": text,
                "chat": {"id": int(who), "type": "private"}, "from": {"id": int(who), "is_bot": False, "first_name": "Lan"}}}
            answer = requests.post(f"{self.url}/webhooks/telegram/webhook", json=update, timeout=30,
                                   headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})
        elif channel == "zalo":
            body, headers = signed(text_event(ZALO_APP_ID, who, text), ZALO_APP_ID, ZALO_OA_SECRET)
            answer = requests.post(f"{self.url}/webhooks/zalo/webhook", data=body, headers=headers, timeout=30)
        elif channel == "sms":
            body = json.dumps({"message_id": uuid.uuid4().hex, "from": "0" + who[2:], "to": "8077", "text": text},
                              ensure_ascii=False).encode()
            answer = requests.post(f"{self.url}/webhooks/sms/webhook", data=body, timeout=30, headers={
                "Content-Type": "application/json", "X-Signature": gateway_signature(SMS_SECRET, body)})
        else:
            from channels.webchat import session

            token = session.issue(TEST_WEBCHAT_SECRET, who)
            answer = requests.post(f"{self.url}/webhooks/webchat/webhook", json={"message": text}, timeout=60,
                                   headers={"Authorization": f"Bearer {token}"})
            assert answer.status_code == 200, answer.text
            self.webchat_replies.setdefault(who, []).extend(m.get("text", "") for m in answer.json())
            return
        assert answer.status_code == 200, answer.text  # acknowledged: from now on the message is ours to keep

    def replies(self, channel: str, who: str) -> List[str]:
        if channel == "telegram":
            return [str(p.get("text")) for p in self.telegram.sent(who)]
        if channel == "zalo":
            return [str((m or {}).get("text") or json.dumps(m, ensure_ascii=False)) for m in self.zalo.messages(who)]
        if channel == "sms":
            return [" ".join(parts) for parts in self.sms.replies(who)]
        return list(self.webchat_replies.get(who, []))

    def user_texts(self, channel: str, who: str) -> List[str]:
        conversation = f"webchat:{who}" if channel == "webchat" else self.conversation(channel, who)
        answer = requests.get(f"{self.url}/conversations/{conversation}/tracker", params={"token": TEST_API_TOKEN}, timeout=30)
        answer.raise_for_status()
        return [e.get("text") for e in answer.json().get("events", []) if e.get("event") == "user"]


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.fixture(scope="module")
def product(tmp_path_factory) -> Iterator[tuple]:
    import os

    from bot.runtime import write_credentials
    from bot.settings import load_channel_settings, load_settings
    from bot.training import ensure_model
    from launcher.assistant import start_assistant, stop

    data_dir = tmp_path_factory.mktemp("outage")
    redis = Outage(data_dir)
    telegram = FakeTelegram(TELEGRAM_TOKEN).start()
    zalo = FakeZalo(ZALO_APP_ID, ZALO_APP_SECRET, "access-outage", "refresh-outage").start()
    sms = FakeSmsGateway(SMS_KEY).start()
    env = {
        "REDIS_URL": redis.url, "DATA_DIR": str(data_dir), "RASA_API_TOKEN": TEST_API_TOKEN,
        "WEBCHAT_SESSION_SECRET": TEST_WEBCHAT_SECRET, "REDIS_OUTAGE_WAIT_SECONDS": str(OUTAGE_WAIT),
        "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN, "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET, "TELEGRAM_API_BASE": telegram.url,
        "ZALO_APP_ID": ZALO_APP_ID, "ZALO_APP_SECRET": ZALO_APP_SECRET, "ZALO_OA_SECRET_KEY": ZALO_OA_SECRET,
        "ZALO_OA_ACCESS_TOKEN": zalo.access_token, "ZALO_REFRESH_TOKEN": zalo.refresh_token,
        "ZALO_API_BASE": zalo.url, "ZALO_OAUTH_BASE": zalo.url, "ZALO_TOKEN_FILE": str(data_dir / "zalo-token.json"),
        "SMS_GATEWAY_URL": sms.url, "SMS_GATEWAY_API_KEY": SMS_KEY, "SMS_WEBHOOK_SECRET": SMS_SECRET,
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    processes: List = []
    try:
        credentials = data_dir / "credentials.yml"
        lines = write_credentials(replace(load_settings(), channels=load_channel_settings()), credentials)
        assert all("enabled" in line for line in lines), lines
        port = free_port()
        processes = start_assistant(port, free_port(), str(ensure_model()), extra_env=env, credentials=credentials)
        yield Product(f"http://127.0.0.1:{port}", telegram, zalo, sms), redis
    finally:
        stop(processes)
        redis.stop()
        for server in (telegram, zalo, sms):
            server.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def conversations() -> List[tuple]:
    """Two conversations per channel: (channel, provider id)."""
    base = int(time.time() * 1000) % 10_000_000
    return [(channel, who) for n in range(2) for channel, who in (
        ("telegram", str(700_000_000 + base + n)), ("zalo", str(2_468_013_579_000_000_000 + base + n)),
        ("sms", f"8491{base + n:07d}"), ("webchat", f"outage-{base}-{n}"),
    )]


def say_all(product: Product, talks: List[tuple], text: str) -> None:
    """Every conversation says ``text`` at once (the web chat's requests stay open: threads)."""
    threads = [threading.Thread(target=product.say, args=(channel, who, text)) for channel, who in talks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)


def settled(product: Product, talks: List[tuple], quiet: float = 2.0) -> Dict[tuple, int]:
    """How many replies each conversation has, once none has arrived for ``quiet`` seconds."""
    counts = {talk: len(product.replies(*talk)) for talk in talks}
    while True:
        time.sleep(quiet)
        now = {talk: len(product.replies(*talk)) for talk in talks}
        if now == counts:
            return counts
        counts = now


def test_no_message_is_lost_while_redis_is_down(product) -> None:
    product, redis = product
    talks = conversations()
    apology = channel_message("try_again_later")
    # the conversations have started: one answered turn each
    say_all(product, talks, QUESTIONS[0])
    for channel, who in talks:
        wait_until(lambda c=channel, w=who: len(product.replies(c, w)) >= 1, 60, f"the first reply on {channel}")
    before = settled(product, talks)

    # a short outage: every message is kept and answered when Redis is back, in its conversation
    redis.stop()
    sent_at = time.monotonic()
    sender = threading.Thread(target=say_all, args=(product, talks, QUESTIONS[1]))
    sender.start()
    time.sleep(max(0.0, OUTAGE_WAIT / 2 - (time.monotonic() - sent_at)))
    redis.start()
    sender.join(timeout=90)
    lost = []
    for talk in talks:
        try:
            wait_until(lambda t=talk: len(product.replies(*t)) > before[t], 60, f"the kept message on {talk[0]}")
        except AssertionError:
            lost.append(talk)
    assert lost == [], f"messages lost in a {OUTAGE_WAIT / 2:.0f} s outage: {lost}"
    for talk in talks:
        # answered in its conversation, in order (the tracker is saved just after the reply goes out)
        wait_until(lambda t=talk: product.user_texts(*t)[-2:] == QUESTIONS[:2], 30, f"the kept turn recorded on {talk[0]}")
        assert not any(apology in r or to_gsm7(apology) in r for r in product.replies(*talk)), talk
    before = settled(product, talks)

    # a long outage: every citizen is told, on their channel, to try again in a few minutes
    redis.stop()
    try:
        say_all(product, talks, QUESTIONS[2])
        for channel, who in talks:
            wait_until(lambda c=channel, w=who: len(product.replies(c, w)) > before[(c, w)], OUTAGE_WAIT + 30,
                       f"the try-again reply on {channel}")
            expected = to_gsm7(apology) if channel == "sms" else apology
            assert product.replies(channel, who)[before[(channel, who)]:] == [expected], channel
    finally:
        redis.start()
    before = settled(product, talks)
    # and once Redis is back, the citizen who tries again is answered
    say_all(product, talks, QUESTIONS[2])
    for talk in talks:
        wait_until(lambda t=talk: len(product.replies(*t)) > before[t], 60, f"the answer after the outage on {talk[0]}")
        wait_until(lambda t=talk: product.user_texts(*t)[-3:] == QUESTIONS, 30, f"the turn recorded on {talk[0]}")
