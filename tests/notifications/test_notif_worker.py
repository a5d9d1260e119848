import json
import time

from redis.exceptions import ResponseError

from applications.events import parse_event
from channels.errors import ProviderError
from notifications.stream import CHANNELS, DEAD_LETTER_KEY, DONE_PREFIX, GROUP, stream_key
from notifications.worker import STATS_KEY, backoff, ensure_group
from tests.notifications.conftest import Recorder, until

CODE = "H56.22-250315-0001"


def change(event_id, status="dang_xu_ly", hour=10, **extra):
    return parse_event({"event_id": event_id, "code": CODE, "status": status,
                        "event_time": f"2025-03-15T{hour:02d}:00:00+07:00", **extra})


async def pending(aredis):
    return sum([(await aredis.xpending(stream_key(c), GROUP))["pending"] for c in CHANNELS])


async def test_each_subscriber_gets_each_change_once(store, aredis, run_worker):
    recorder = Recorder()
    await store.subscribe(CODE, "telegram", "1001")
    await store.subscribe(CODE, "sms", "84912345678")
    run_worker(recorder.senders())
    await store.apply(change("e1", "dang_xu_ly", 10, appointment_date="2025-03-20"))
    await store.apply(change("e1", "dang_xu_ly", 10))  # the one-stop system resent it
    await until(lambda: len(recorder.sent) == 2, what="two deliveries")
    texts = {(c, r): t for c, r, t, _ in recorder.sent}
    assert "Đang xử lý" in texts[("telegram", "1001")] and "20/03/2025" in texts[("telegram", "1001")]
    assert "HUY" in texts[("sms", "84912345678")]
    await until(lambda: _no_pending(aredis), what="all acked")
    done = json.loads(await aredis.get(DONE_PREFIX + "e1|telegram|1001"))
    assert done["delivered"] >= done["created"] > 0


async def _no_pending(aredis):
    try:
        return await pending(aredis) == 0 and sum([await aredis.xlen(stream_key(c)) for c in CHANNELS]) == 0
    except ResponseError:  # the worker has not created the group yet
        return False


async def test_retries_timeouts_429_and_5xx_with_backoff(store, aredis, run_worker):
    recorder = Recorder()
    recorder.failures["1001"] = [ProviderError(None, None, "timeout"), ProviderError(429, 0.1, "slow down"),
                                 ProviderError(502, None, "bad gateway")]
    await store.subscribe(CODE, "telegram", "1001")
    run_worker(recorder.senders())
    await store.apply(change("e1"))
    await until(lambda: len(recorder.sent) == 1, what="delivery after three failures")
    assert recorder.calls["1001"] == 4
    await until(lambda: _no_pending(aredis), what="acked")
    stats = await aredis.hgetall(STATS_KEY)
    assert stats[b"telegram:attempts"] == b"4" and stats[b"telegram:delivered"] == b"1"


async def test_dead_letter_after_max_attempts_and_for_permanent_errors(store, aredis, run_worker):
    recorder = Recorder()
    recorder.failures["1001"] = [ProviderError(503, None, "down")] * 10
    recorder.failures["1002"] = [ProviderError(403, None, "the user blocked the bot")]
    await store.subscribe(CODE, "telegram", "1001")
    await store.subscribe(CODE, "telegram", "1002")
    await store.subscribe(CODE, "zalo", "u9")
    run_worker(recorder.senders(channels=("telegram",)), max_attempts=3)
    await store.apply(change("e1"))
    await until(lambda: aredis.xlen(DEAD_LETTER_KEY), what="dead letters")
    await until(lambda: _count_dead(aredis, 3), what="three dead letters")
    dead = {f[b"recipient"].decode(): f for _, f in await aredis.xrange(DEAD_LETTER_KEY)}
    assert dead["1001"][b"attempts"] == b"3" and b"503" in dead["1001"][b"error"]
    assert dead["1002"][b"attempts"] == b"1" and b"403" in dead["1002"][b"error"]
    assert b"no sender" in dead["u9"][b"error"]
    assert recorder.calls["1001"] == 3 and recorder.sent == []
    await until(lambda: _no_pending(aredis), what="acked")
    # a recipient who blocked the bot (403) is unsubscribed; the others stay
    assert await store.subscribers(CODE) == [("telegram", "1001"), ("zalo", "u9")]


async def _count_dead(aredis, n):
    return await aredis.xlen(DEAD_LETTER_KEY) == n


async def test_pending_messages_of_a_dead_worker_are_reclaimed(store, aredis, run_worker):
    recorder = Recorder()
    await store.subscribe(CODE, "zalo", "u1")
    await store.subscribe(CODE, "zalo", "u2")
    await ensure_group(aredis)
    await store.apply(change("e1"))
    # A worker read both messages and died before acknowledging them.
    taken = await aredis.xreadgroup(GROUP, "dead-worker", {stream_key("zalo"): ">"}, count=10)
    assert len(taken[0][1]) == 2
    started = time.monotonic()
    run_worker(recorder.senders(), name="w2", claim_idle=0.5)
    await until(lambda: len(recorder.sent) == 2, what="reclaimed deliveries")
    assert time.monotonic() - started >= 0.4
    await until(lambda: _no_pending(aredis), what="acked")


async def test_delivered_key_prevents_a_second_send(store, aredis, run_worker):
    recorder = Recorder()
    await store.subscribe(CODE, "zalo", "u1")
    await store.apply(change("e1"))
    # Delivered once already, but the worker died before XACK: the redelivery must not send again.
    await aredis.set(DONE_PREFIX + "e1|zalo|u1", "{}")
    run_worker(recorder.senders())
    await until(lambda: _no_pending(aredis) , what="acked without sending")
    assert recorder.sent == []


async def test_unsubscribed_recipient_is_skipped(store, aredis, run_worker):
    recorder = Recorder()
    await store.subscribe(CODE, "zalo", "u1")
    await store.apply(change("e1"))
    await store.unsubscribe("zalo", "u1")
    run_worker(recorder.senders())
    await until(lambda: _no_pending(aredis), what="acked")
    assert recorder.sent == []


async def test_live_worker_keeps_its_slow_messages(store, aredis, run_worker):
    """A worker in a long backoff is not robbed by another worker's XAUTOCLAIM (heartbeat)."""
    recorder = Recorder()
    recorder.failures["u1"] = [ProviderError(500, None, "x")] * 2
    await store.subscribe(CODE, "zalo", "u1")
    # each backoff (1.5 s) outlasts claim_idle (0.8 s): without the heartbeat the thief would take the
    # message; the margin over the heartbeat interval (0.2 s) leaves room for a loaded CI machine
    run_worker(recorder.senders(), name="slow", claim_idle=0.8, backoff_base=1.5, backoff_max=1.5, max_attempts=5)
    await store.apply(change("e1"))
    await until(lambda: recorder.calls.get("u1") == 1, what="first attempt")
    run_worker(recorder.senders(), name="thief", claim_idle=0.8)
    await until(lambda: len(recorder.sent) == 1, timeout=10, what="delivery")
    await until(lambda: _no_pending(aredis), what="acked")
    assert recorder.calls["u1"] == 3 and len(recorder.sent) == 1


async def test_channel_and_recipient_rate_limits(store, aredis, run_worker):
    recorder = Recorder()
    for i in range(20):
        await store.subscribe(CODE, "telegram", f"c{i}")
    await store.subscribe(CODE, "sms", "84912345678")
    run_worker(recorder.senders(), concurrency=64, channel_rates={"telegram": 10.0},
               recipient_rates={"sms": 2.0})
    for i in range(3):
        await store.apply(change(f"e{i}", hour=10 + i))
    await until(lambda: len(recorder.sent) == 63, timeout=15, what="63 deliveries")
    telegram = sorted(t for c, _, _, t in recorder.sent if c == "telegram")
    sms = sorted(t for c, _, _, t in recorder.sent if c == "sms")
    # 60 messages at 10/s: about 5.9 s from the first to the last, never faster
    assert 5.5 <= telegram[-1] - telegram[0] <= 8.0
    assert all(b - a >= 0.45 for a, b in zip(sms, sms[1:]))


def test_backoff_is_exponential_with_jitter_and_honours_retry_after():
    samples = [backoff(4, 1.0, 300) for _ in range(200)]
    assert all(0 <= s <= 8 for s in samples) and len(set(samples)) > 100
    assert max(backoff(10, 1.0, 30) for _ in range(200)) <= 30
    assert backoff(1, 1.0, 300, retry_after=5) >= 5


async def test_dead_letters_can_be_listed_and_requeued(store, aredis, run_worker):
    from notifications.deadletter import dead_letters, requeue

    recorder = Recorder()
    recorder.failures["1001"] = [ProviderError(401, None, "bad bot token")]
    await store.subscribe(CODE, "telegram", "1001")
    worker_senders = recorder.senders()
    run_worker(worker_senders)
    await store.apply(change("e1"))
    await until(lambda: _count_dead(aredis, 1), what="a dead letter")
    [(_, fields)] = await dead_letters(aredis)
    assert fields["recipient"] == "1001" and "401" in fields["error"]
    assert await requeue(aredis) == 1  # the operator fixed the token
    await until(lambda: len(recorder.sent) == 1, what="delivery after requeue")
    assert await aredis.xlen(DEAD_LETTER_KEY) == 0


async def test_worker_survives_its_stream_being_deleted(store, aredis, run_worker):
    recorder = Recorder()
    await store.subscribe(CODE, "zalo", "u1")
    run_worker(recorder.senders())
    await store.apply(change("e1"))
    await until(lambda: len(recorder.sent) == 1, what="first delivery")
    await aredis.delete(stream_key("zalo"))  # e.g. an operator's mistake
    await store.apply(change("e2", hour=11))
    await until(lambda: len(recorder.sent) == 2, what="delivery after the stream came back")
