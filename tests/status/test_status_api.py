import json
import time

import pytest
from aiohttp.test_utils import TestClient, TestServer

from applications.api import make_app, sign
from tests.status.conftest import event

SECRET = "test-secret"
CODE = "H56.22-250315-0001"


@pytest.fixture
async def client(store):
    test_client = TestClient(TestServer(make_app(store, SECRET, max_skew=300)))
    await test_client.start_server()
    yield test_client
    await test_client.close()


def signed(body, secret=SECRET, timestamp=None):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return raw, {"X-Timestamp": ts, "X-Signature": sign(secret, ts, raw), "Content-Type": "application/json"}


async def post(client, body, **kwargs):
    raw, headers = signed(body, **kwargs)
    return await client.post("/api/status-events", data=raw, headers=headers)


async def test_signed_event_is_applied_once(client, store):
    response = await post(client, event("e1", phone="0912345678"))
    assert response.status == 200
    assert (await response.json())["results"] == [{"event_id": "e1", "result": "applied"}]
    response = await post(client, event("e1", phone="0912345678"))  # replay within the window
    assert (await response.json())["results"] == [{"event_id": "e1", "result": "duplicate"}]
    assert (await store.get(CODE)).status == "dang_xu_ly"


async def test_batch_out_of_order(client, store):
    body = {"events": [event("e2", "cho_tra_ket_qua", "2025-03-18T08:00:00+07:00"),
                       event("e1", "dang_xu_ly", "2025-03-16T08:00:00+07:00")]}
    response = await post(client, body)
    assert [r["result"] for r in (await response.json())["results"]] == ["applied", "stale"]
    assert (await store.get(CODE)).status == "cho_tra_ket_qua"


@pytest.mark.parametrize("tamper", ["forged", "wrong_secret", "old", "future", "missing"])
async def test_bad_signatures_and_replays_are_refused(client, store, tamper):
    raw, headers = signed(event("e1"), secret="other" if tamper == "wrong_secret" else SECRET,
                          timestamp={"old": int(time.time()) - 3600, "future": int(time.time()) + 3600}.get(tamper))
    if tamper == "forged":
        raw = raw.replace(b"dang_xu_ly", b"tu_choi")
    if tamper == "missing":
        headers.pop("X-Signature")
    response = await client.post("/api/status-events", data=raw, headers=headers)
    assert response.status == 401
    assert await store.get(CODE) is None


async def test_timestamp_is_part_of_the_signature(client):
    raw, headers = signed(event("e1"))
    headers["X-Timestamp"] = str(int(headers["X-Timestamp"]) + 1)
    assert (await client.post("/api/status-events", data=raw, headers=headers)).status == 401


@pytest.mark.parametrize("body,fragment", [
    (b"\xff\xfe not utf-8", "UTF-8 JSON"),
    (b"[1, 2", "UTF-8 JSON"),
    ({"events": []}, "1 to 500"),
    ({"events": "x"}, "1 to 500"),
    ([1, 2], "JSON object"),
    (event("e1", status="xong"), "status"),
])
async def test_bad_payloads_get_a_clear_400(client, store, body, fragment):
    response = await post(client, body)
    assert response.status == 400
    answer = await response.json()
    assert fragment in json.dumps(answer, ensure_ascii=False)
    assert await store.get(CODE) is None


async def test_one_bad_event_applies_nothing(client, store):
    response = await post(client, {"events": [event("e1"), event("e2", status="tu_choi")]})
    assert response.status == 400
    assert "events[1].reason" in (await response.json())["details"][0]
    assert await store.get(CODE) is None


async def test_big_body_is_refused(client):
    raw, headers = signed(b'{"x": "' + b"a" * (1024 * 1024 + 10) + b'"}')
    assert (await client.post("/api/status-events", data=raw, headers=headers)).status == 413


async def test_no_secret_refuses_everything(store):
    test_client = TestClient(TestServer(make_app(store, "")))
    await test_client.start_server()
    try:
        raw, headers = signed(event("e1"), secret="")
        assert (await test_client.post("/api/status-events", data=raw, headers=headers)).status == 503
        assert (await test_client.get("/health")).status == 200
    finally:
        await test_client.close()
