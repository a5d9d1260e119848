"""The status ingestion API's operator routes over real HTTP: /metrics counts events by result and
refusals by status (never an application code or a phone number), /health/ready follows Redis."""

from aiohttp.test_utils import TestClient, TestServer
from redis.asyncio import Redis

from applications.api import make_app
from applications.store import StatusStore
from tests.fakes.base import free_port
from tests.prometheus import label_values, sample
from tests.status.conftest import event
from tests.status.test_status_api import CODE, SECRET, post


async def scrape(client) -> str:
    response = await client.get("/metrics")
    assert response.status == 200 and response.headers["Content-Type"].startswith("text/plain")
    return await response.text()


async def test_metrics_count_events_and_refusals_without_personal_data(store):
    client = TestClient(TestServer(make_app(store, SECRET)))
    await client.start_server()
    try:
        before = await scrape(client)
        assert (await post(client, event("m1", phone="0912345678"))).status == 200
        assert (await post(client, event("m1", phone="0912345678"))).status == 200  # resent: duplicate
        assert (await post(client, event("m2"), secret="forged-secret")).status == 401
        after = await scrape(client)
        for result, more in (("applied", 1), ("duplicate", 1), ("stale", 0)):
            assert sample(after, "status_events_total", result=result) - sample(before, "status_events_total", result=result) == more
        assert sample(after, "status_push_rejections_total", status="401") - sample(before, "status_push_rejections_total", status="401") == 1
        assert sample(after, "http_requests_total", service="status_api", status="2xx") - \
            sample(before, "http_requests_total", service="status_api", status="2xx") >= 3  # 2 pushes + a scrape
        assert CODE not in after and "0912345678" not in after and "912345678" not in after
        assert not any(value.isdigit() and len(value) > 3 for value in label_values(after))
    finally:
        await client.close()


async def test_ready_needs_redis_and_live_does_not(store):
    down = StatusStore(Redis(host="127.0.0.1", port=free_port(), socket_connect_timeout=0.5))
    for current, ready in ((store, 200), (down, 503)):
        client = TestClient(TestServer(make_app(current, SECRET)))
        await client.start_server()
        try:
            assert (await client.get("/health/live")).status == 200
            response = await client.get("/health/ready")
            assert response.status == ready
            assert (await response.json())["checks"] == {"redis": ready == 200}
            assert (await client.get("/metrics")).status == 200  # metrics are served with Redis down too
        finally:
            await client.close()
    await down.redis.close()
