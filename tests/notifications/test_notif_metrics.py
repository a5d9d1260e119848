"""A worker's metrics server over real HTTP: the queue depth read from Redis at scrape time,
deliveries, retries and dead letters counted per channel, no recipient or application code in the
text; readiness follows Redis."""

import aiohttp
from redis.asyncio import Redis

from channels.errors import ProviderError
from notifications.worker import WorkerConfig, start_metrics_server
from tests.fakes.base import free_port
from tests.notifications.conftest import Recorder, until
from tests.notifications.test_notif_worker import CODE, change
from tests.prometheus import label_values, sample

DELIVERED, RETRIES, DEAD = "notifications_delivered_total", "notifications_retries_total", "notifications_dead_letters_total"


async def get(port: int, path: str):
    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{port}{path}") as response:
            return response.status, await response.text()


async def test_queue_deliveries_retries_and_dead_letters_on_metrics(store, aredis, run_worker):
    port = free_port()
    server = await start_metrics_server(aredis, WorkerConfig(metrics_port=port), "", ["telegram", "zalo", "sms"])
    assert server is not None
    try:
        _, before = await get(port, "/metrics")
        await store.subscribe(CODE, "telegram", "1001")
        await store.subscribe(CODE, "sms", "84912345678")
        await store.apply(change("q1"))
        status, waiting = await get(port, "/metrics")
        assert status == 200
        assert sample(waiting, "notifications_queue_depth", channel="telegram") == 1
        assert sample(waiting, "notifications_queue_depth", channel="sms") == 1

        recorder = Recorder()
        recorder.failures["1001"] = [ProviderError(503, None, "unavailable")]  # retried, then delivered
        recorder.failures["84912345678"] = [ProviderError(400, None, "bad number")]  # permanent: dead letter
        run_worker(recorder.senders())
        await until(lambda: len(recorder.sent) == 1 and recorder.calls.get("84912345678") == 1, what="delivery and refusal")

        async def settled():
            text = (await get(port, "/metrics"))[1]
            return sample(text, "notifications_queue_depth", channel="sms") == 0 and \
                sample(text, "notifications_queue_depth", channel="telegram") == 0 and text

        await until(settled, what="queues drained")
        after = (await get(port, "/metrics"))[1]

        def more(name, channel):
            return sample(after, name, channel=channel) - sample(before, name, channel=channel)

        assert (more(DELIVERED, "telegram"), more(RETRIES, "telegram"), more(DEAD, "telegram")) == (1, 1, 0)
        assert (more(DELIVERED, "sms"), more(RETRIES, "sms"), more(DEAD, "sms")) == (0, 0, 1)
        assert sample(after, "notifications_dead_letter_depth") == 1
        assert sample(after, "notifications_delivery_seconds_count", channel="telegram") >= 1
        assert not {"1001", "84912345678", CODE} & label_values(after) and CODE not in after
        assert (await get(port, "/health/ready"))[0] == 200
        assert (await get(port, "/health/live"))[0] == 200
    finally:
        await server.cleanup()


async def test_ready_fails_when_redis_is_down_and_a_taken_port_does_not_stop_the_worker():
    down = Redis(host="127.0.0.1", port=free_port(), socket_connect_timeout=0.5)
    port = free_port()
    server = await start_metrics_server(down, WorkerConfig(metrics_port=port), "", ["telegram"])
    assert server is not None
    try:
        status, body = await get(port, "/health/ready")
        assert status == 503 and '"redis": false' in body
        assert (await get(port, "/health/live"))[0] == 200
        assert (await get(port, "/metrics"))[0] == 200  # the counters are served with Redis down
        assert await start_metrics_server(down, WorkerConfig(metrics_port=port), "", ["telegram"]) is None
    finally:
        await server.cleanup()
        await down.close()
    assert await start_metrics_server(down, WorkerConfig(), "", ["telegram"]) is None  # port 0: off
