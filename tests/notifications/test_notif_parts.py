"""A long SMS whose second part failed is finished by the next attempt without resending part 1,
also when that attempt is another worker's (the record of accepted parts is in Redis)."""

import pytest

from channels.errors import ProviderError
from notifications.parts import RedisParts
from notifications.senders import sms_sender
from notifications.stream import PARTS_PREFIX
from tests.fakes.sms import FakeSmsGateway

KEY = "e1|sms|84912345678"
TEXT = ("Ho so H56.22-250315-0001 cua ban da chuyen sang trang thai Cho bo sung ho so. Can bo sung: "
        "ban sao giay chung sinh, to khai dang ky khai sinh co chu ky cua nguoi di khai, giay uy quyen neu "
        "nguoi khac di nop thay. Vui long bo sung truoc ngay 20/03/2025 tai bo phan mot cua UBND xa.")


@pytest.fixture
def gateway():
    server = FakeSmsGateway("key").start()
    yield server
    server.stop()


async def test_a_retry_by_another_worker_sends_only_the_missing_parts(gateway, aredis):
    worker_a, close_a = sms_sender(gateway.url, "key", "UBND", 2.0, RedisParts(aredis))
    worker_b, close_b = sms_sender(gateway.url, "key", "UBND", 2.0, RedisParts(aredis))
    gateway.fail_next(after=1, status=503)
    try:
        with pytest.raises(ProviderError):
            await worker_a("84912345678", TEXT, KEY)  # part 1 accepted, part 2 refused
        await worker_b("84912345678", TEXT, KEY)      # the worker that reclaimed it
    finally:
        await close_a()
        await close_b()
    texts = gateway.texts("84912345678")
    assert len(texts) == len(set(texts)) >= 3, texts
    assert [t[:5] for t in texts] == [f"({i}/{len(texts)})" for i in range(1, len(texts) + 1)]
    assert await aredis.ttl(PARTS_PREFIX + KEY) > 0  # the record expires even if nobody deletes it


async def test_without_a_shared_record_each_sender_keeps_its_own(gateway):
    sender, close = sms_sender(gateway.url, "key", "UBND", 2.0)
    gateway.fail_next(after=2, status=503)
    try:
        with pytest.raises(ProviderError):
            await sender("84912345678", TEXT, KEY)
        await sender("84912345678", TEXT, KEY)
    finally:
        await close()
    texts = gateway.texts("84912345678")
    assert len(texts) == len(set(texts)) == 3
