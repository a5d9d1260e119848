import pytest_asyncio
from redis.asyncio import Redis

from applications.store import StatusStore
from tests.conftest import REDIS_HOST, REDIS_PORT

STATUS_DB = 11


@pytest_asyncio.fixture
async def aredis(redis_db):
    redis_db(STATUS_DB)  # flushed before and after
    client = Redis(host=REDIS_HOST, port=REDIS_PORT, db=STATUS_DB)
    yield client
    await client.close()


@pytest_asyncio.fixture
async def store(aredis):
    return StatusStore(aredis)


def event(event_id, status="dang_xu_ly", time="2025-03-15T10:00:00+07:00", code="H56.22-250315-0001", **extra):
    return {"event_id": event_id, "code": code, "status": status, "event_time": time, **extra}
