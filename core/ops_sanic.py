"""The operator routes of our two Sanic servers (the Rasa server, through ``channels.ops``, and the
action server, ``bot.action_server``), as one blueprint (``ops_blueprint``), the same contract as the
aiohttp services' (``core.ops_http``):

* ``GET /metrics``: this process's Prometheus metrics (``core.metrics``), text format;
* ``GET /health/live``: 200 ``{"status": "live"}`` while the server answers;
* ``GET /health/ready``: 200 ``{"status": "ready", "checks": {"redis": true}}`` when Redis answers
  ``PING`` within ``READY_TIMEOUT`` seconds, else 503 ``{"status": "not ready", ...}``; without a
  Redis URL (the in-memory default) there is nothing to check and it is ready.
"""

from __future__ import annotations

import asyncio
from typing import Optional

from redis.asyncio import Redis
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from core.metrics import exposition

READY_TIMEOUT = 1.0
OPS_PATHS = ("/metrics", "/health/live", "/health/ready")


class RedisReadiness:
    """``PING`` on one lazily opened client (opened on the server's event loop, at the first probe)."""

    def __init__(self, redis_url: Optional[str]) -> None:
        self.redis_url = redis_url
        self._client: Optional[Redis] = None

    async def __call__(self) -> bool:
        if self._client is None:
            self._client = Redis.from_url(self.redis_url, socket_timeout=READY_TIMEOUT,
                                          socket_connect_timeout=READY_TIMEOUT)
        try:
            return bool(await asyncio.wait_for(self._client.ping(), READY_TIMEOUT))
        except Exception:  # noqa: BLE001  (Redis unreachable, refusing or timing out: not ready)
            return False


def ops_blueprint(name: str, redis_url: Optional[str]) -> Blueprint:
    ops = Blueprint(name)
    redis_ready = RedisReadiness(redis_url) if redis_url else None

    @ops.route("/metrics", methods=["GET"])
    async def metrics(request: Request) -> HTTPResponse:
        body, content_type = exposition()
        return response.raw(body, content_type=content_type)

    @ops.route("/health/live", methods=["GET"])
    async def live(request: Request) -> HTTPResponse:
        return response.json({"status": "live"})

    @ops.route("/health/ready", methods=["GET"])
    async def ready(request: Request) -> HTTPResponse:
        checks = {"redis": await redis_ready()} if redis_ready is not None else {}
        ok = all(checks.values())
        return response.json({"status": "ready" if ok else "not ready", "checks": checks}, status=200 if ok else 503)

    return ops
