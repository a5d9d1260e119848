"""The workspace's per-request Redis work on ``redis.asyncio``: the async twins of ``admin.auth``'s
session functions (the same keys: ``admin:session:<sha256 of the token>`` with a sliding expiry of
``auth.SESSION_SECONDS``, ``admin:user:<name>``), used by the login middleware, the login and logout
pages, the flash messages and the layout's counts.

``admin.auth`` keeps the synchronous versions for the command line (``python -m admin.create_user``)
and for password checks, which run in a worker thread (argon2 is CPU work). ``async_client`` opens
an async client on the same server, database and options as a synchronous one; ``make_app`` opens it
in its ``cleanup_ctx`` and closes it on shutdown.
"""

from __future__ import annotations

import json
import secrets
from typing import Any, Dict, Optional

import redis.asyncio as aioredis
from redis.asyncio import connection as aio_connection

from admin import auth
from bot.knowledge.store import now_iso


def async_client(client: Any) -> aioredis.Redis:
    """A ``redis.asyncio`` client with the connection settings of the synchronous ``client``."""
    pool = client.connection_pool
    connection_class = getattr(aio_connection, pool.connection_class.__name__, aio_connection.Connection)
    return aioredis.Redis(connection_pool=aioredis.ConnectionPool(connection_class=connection_class, **pool.connection_kwargs))


async def load_session(client: aioredis.Redis, token: Optional[str]) -> Optional[Dict[str, Any]]:
    if not token or len(token) > 100:
        return None
    key = auth.session_key(token)
    raw = await client.get(key)
    if raw is None:
        return None
    await client.expire(key, auth.SESSION_SECONDS)
    return json.loads(raw)


async def save_session(client: aioredis.Redis, token: str, session: Dict[str, Any]) -> None:
    await client.set(auth.session_key(token), json.dumps(session), ex=auth.SESSION_SECONDS)


async def get_user(client: aioredis.Redis, username: str) -> Optional[auth.User]:
    data = await client.hgetall(auth.user_key(username))
    if not data:
        return None
    return auth.User(username, data[b"role"].decode(), data.get(b"name", username.encode()).decode())


async def new_session(client: aioredis.Redis, user: auth.User) -> str:
    token = secrets.token_urlsafe(32)
    await save_session(client, token, {"user": user.username, "csrf": secrets.token_urlsafe(32), "created": now_iso()})
    return token


async def end_session(client: aioredis.Redis, token: Optional[str]) -> None:
    if token:
        await client.delete(auth.session_key(token))
