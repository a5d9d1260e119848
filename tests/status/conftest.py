import pytest_asyncio

from applications.store import StatusStore

STATUS_DB = 11


@pytest_asyncio.fixture
async def aredis(async_redis_db):
    return async_redis_db(STATUS_DB)


@pytest_asyncio.fixture
async def store(aredis):
    return StatusStore(aredis)


def event(event_id, status="dang_xu_ly", time="2025-03-15T10:00:00+07:00", code="H56.22-250315-0001", **extra):
    return {"event_id": event_id, "code": code, "status": status, "event_time": time, **extra}
