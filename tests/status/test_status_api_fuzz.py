"""Property-based fuzzing (Hypothesis) of the status ingestion API (applications/api.py), in process
against the real Redis: malformed, oversized and forged bodies give no server error (5xx), and
nothing that is not signed with the secret changes an application."""

from __future__ import annotations

import asyncio
import json
import time

from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, given, settings, strategies as st
from redis.asyncio import Redis

from applications.api import make_app, sign
from applications.store import StatusStore
from tests.conftest import REDIS_HOST, REDIS_PORT
from tests.status.conftest import STATUS_DB

SECRET = "fuzz-status-secret"
EXAMPLES = 200

scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**63, 2**63), st.floats(allow_nan=False), st.text(max_size=30))
json_values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                            st.dictionaries(st.text(max_size=10), inner, max_size=4)),
                           max_leaves=12)
field = lambda strategy: st.one_of(*[strategy] * 6, json_values)  # noqa: E731  (mostly right)
event = st.fixed_dictionaries({
    "event_id": field(st.text(min_size=1, max_size=20)), "code": field(st.from_regex(r"\AH56\.22-2503[0-9]{2}-[0-9]{4}\Z")),
    "status": field(st.sampled_from(["dang_xu_ly", "cho_bo_sung", "da_tra_ket_qua", "Đang xử lý", "x"])),
    "event_time": field(st.sampled_from(["2025-03-16T09:00:00+07:00", "2025-13-40", "yesterday"])),
    "phone": field(st.from_regex(r"\A09[0-9]{8}\Z")),
})
valid_event = st.fixed_dictionaries({
    "event_id": st.from_regex(r"\A[A-Za-z0-9._:-]{1,40}\Z"), "code": st.from_regex(r"\AH56\.22-2503[0-9]{2}-[0-9]{4}\Z"),
    "status": st.sampled_from(["dang_xu_ly", "da_tra_ket_qua"]),
    "event_time": st.just("2025-03-16T09:00:00+07:00"), "phone": st.from_regex(r"\A09[0-9]{8}\Z"),
})
bodies = st.one_of(
    valid_event.map(lambda e: json.dumps(e, ensure_ascii=False).encode()),
    event.map(lambda e: json.dumps(e, ensure_ascii=False).encode()),
    event.map(lambda e: json.dumps(e, ensure_ascii=False).encode()),
    st.lists(event, max_size=3).map(lambda es: json.dumps({"events": es}).encode()),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=300),
    st.integers(1024 * 1024 + 1, 1200 * 1024).map(lambda n: b'{"events": "' + b"a" * n + b'"}'),
)
AUTH = st.sampled_from(["missing", "wrong_secret", "old_timestamp", "bad_timestamp", "right", "right", "right"])


def test_fuzz_status_ingestion_api(redis_db):
    redis_db(STATUS_DB)  # flushed before and after
    loop = asyncio.new_event_loop()
    redis = Redis(host=REDIS_HOST, port=REDIS_PORT, db=STATUS_DB)
    store = StatusStore(redis)
    client = TestClient(TestServer(make_app(store, SECRET, max_skew=300)), loop=loop)
    loop.run_until_complete(client.start_server())
    tally = {"tried": 0, "accepted": 0, "refused": 0}

    async def codes():
        return {key async for key in redis.scan_iter("app:*")}

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(body=bodies, auth=AUTH)
    def check(body: bytes, auth: str) -> None:
        now = int(time.time())
        timestamp = {"old_timestamp": str(now - 3600), "bad_timestamp": "soon"}.get(auth, str(now))
        headers = {"Content-Type": "application/json", "X-Timestamp": timestamp}
        if auth != "missing":
            headers["X-Signature"] = sign("not-the-secret" if auth == "wrong_secret" else SECRET, timestamp, body)
        before = loop.run_until_complete(codes())
        response = loop.run_until_complete(client.post("/api/status-events", data=body, headers=headers))
        loop.run_until_complete(response.read())
        tally["tried"] += 1
        assert response.status < 500, (response.status, body[:200])
        if auth != "right":
            assert response.status in (401, 413), (auth, response.status)
            assert loop.run_until_complete(codes()) == before  # a forgery changes nothing
        tally["accepted" if response.status == 200 else "refused"] += 1
        tally.setdefault("seen", {}).setdefault((auth, response.status), 0)
        tally["seen"][(auth, response.status)] += 1

    try:
        check()
    finally:
        loop.run_until_complete(client.close())
        loop.run_until_complete(redis.close())
        loop.close()
    print(f"\nfuzz status API: {tally['tried']} inputs, {tally['accepted']} accepted (all signed), "
          f"{tally['refused']} refused with 4xx, 0 server errors; by check and answer: {tally.get('seen')}")
    assert tally["tried"] >= EXAMPLES * 0.9
