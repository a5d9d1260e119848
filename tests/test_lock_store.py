"""bot/lock_store.py: one conversation's turns never run at once, even from several processes sharing
the Redis lock store (Sanic workers), and they run in the order they arrived."""

from __future__ import annotations

import asyncio
import multiprocessing
import os

import pytest
from redis.asyncio import Redis as AsyncRedis
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore
from rasa.core.utils import number_of_sanic_workers
from rasa.utils.endpoints import EndpointConfig

from bot.lock_store import AtomicRedisLockStore
from tests.conftest import REDIS_HOST, REDIS_PORT, free_port

DB = 11
PROCESSES, TURNS = 4, 12


def store() -> AtomicRedisLockStore:
    return AtomicRedisLockStore(host=REDIS_HOST, port=REDIS_PORT, db=DB, key_prefix="lock")


async def turns(n: int) -> None:
    locks, red = store(), AsyncRedis(host=REDIS_HOST, port=REDIS_PORT, db=DB)
    for _ in range(n):
        async with locks.lock("webchat:shared"):
            inside = await red.incr("inside")
            if inside != 1:
                await red.incr("overlaps")
            count = int(await red.get("count") or 0)  # read, think, write: what a turn does with the tracker
            await asyncio.sleep(0.003)
            await red.set("count", count + 1)
            await red.decr("inside")
    await red.close()


def process_main(n: int) -> None:
    asyncio.run(turns(n))


def test_turns_of_one_conversation_from_several_processes_never_overlap(redis_db):
    client = redis_db(DB)
    context = multiprocessing.get_context("fork")  # as Sanic starts its workers
    workers = [context.Process(target=process_main, args=(TURNS,)) for _ in range(PROCESSES)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    assert int(client.get("count")) == PROCESSES * TURNS  # no turn's write lost
    assert client.get("overlaps") is None
    assert client.get("lock:lock:webchat:shared") is None  # the lock is gone when nobody waits


async def test_waiting_messages_are_served_in_the_order_they_arrived(redis_db, monkeypatch):
    redis_db(DB)
    locks, served, issued = store(), [], []
    taken, take = asyncio.Event(), locks.take_ticket

    async def take_and_tell(conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        ticket = await take(conversation_id, lock_lifetime)
        taken.set()
        return ticket

    monkeypatch.setattr(locks, "take_ticket", take_and_tell)

    async def message(n: int) -> None:
        async with locks.lock("webchat:order"):
            served.append(n)
            await asyncio.sleep(0.01)

    async def arrive(n: int) -> asyncio.Task:
        taken.clear()
        task = asyncio.create_task(message(n))
        await asyncio.wait_for(taken.wait(), 10)  # its ticket is taken before the next message arrives
        issued.append(n)
        return task

    tasks = [await arrive(n) for n in range(5)]
    await asyncio.gather(*tasks)
    assert served == issued == list(range(5))


async def test_a_holder_that_never_gives_its_ticket_back_blocks_only_for_the_lock_lifetime(redis_db):
    redis_db(DB)
    locks = store()
    await locks.take_ticket("webchat:crashed", lock_lifetime=0.3)  # a process that died mid-turn
    async with locks.lock("webchat:crashed") as lock:
        assert lock.conversation_id == "webchat:crashed"


def test_rasa_builds_it_from_the_endpoints_file_and_allows_several_workers(monkeypatch):
    config = EndpointConfig(url=REDIS_HOST, type="bot.lock_store.AtomicRedisLockStore", port=REDIS_PORT, db=DB,
                            key_prefix="lock")
    built = LockStore.create(config)
    assert isinstance(built, AtomicRedisLockStore)
    assert built.key_prefix == "lock:lock:"
    monkeypatch.setenv("SANIC_WORKERS", "2")
    assert number_of_sanic_workers(config) == 2
    assert os.environ["SANIC_WORKERS"] == "2"


@pytest.mark.parametrize("workers", ["1", None])
def test_one_worker_when_not_asked_for_more(monkeypatch, workers):
    config = EndpointConfig(url=REDIS_HOST, type="bot.lock_store.AtomicRedisLockStore")
    if workers is None:
        monkeypatch.delenv("SANIC_WORKERS", raising=False)
    else:
        monkeypatch.setenv("SANIC_WORKERS", workers)
    assert number_of_sanic_workers(config) == 1


async def test_redis_unreachable_before_the_turn_is_a_lock_error_and_the_turn_does_not_run():
    """What lets a channel keep the message through an outage (channels.common.deliver)."""
    locks = AtomicRedisLockStore(host=REDIS_HOST, port=free_port(), db=DB, key_prefix="lock")  # nobody listens
    ran = []
    with pytest.raises(LockError):
        async with locks.lock("webchat:outage"):
            ran.append(True)
    assert ran == []


async def test_redis_lost_while_waiting_for_the_turn_is_a_lock_error(redis_db):
    redis_db(DB)
    locks, waiting, ran = store(), store(), []

    async def next_message() -> None:
        async with waiting.lock("webchat:lost"):
            ran.append(True)

    async with locks.lock("webchat:lost"):  # a turn is running: the next message waits for it
        task = asyncio.create_task(next_message())
        while len((await locks.current("webchat:lost")).tickets) < 2:
            await asyncio.sleep(0.01)
        waiting.async_red = AsyncRedis(host=REDIS_HOST, port=free_port(), db=DB)  # its Redis gone from now on
        with pytest.raises(LockError):
            await task
    assert ran == []


async def test_a_ticket_not_given_back_is_logged_and_expires_by_itself(redis_db, caplog):
    redis_db(DB)
    locks = store()
    async with locks.lock("webchat:gone", lock_lifetime=0.5):
        locks.async_red = AsyncRedis(host=REDIS_HOST, port=free_port(), db=DB)  # Redis lost during the turn
    # the turn ended without an error; the lock says it could not give its ticket back
    assert any("not given back" in r.getMessage() for r in caplog.records if r.levelname == "WARNING")
    assert (await store().current("webchat:gone")) is not None  # the ticket is still there
    started = asyncio.get_running_loop().time()
    async with store().lock("webchat:gone"):  # the next message gets its turn once the ticket expired
        assert asyncio.get_running_loop().time() - started < 5
