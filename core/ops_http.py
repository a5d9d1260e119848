"""What every aiohttp service of ours answers for its operators (the web chat page, the status API, the
officers' workspace, the notification workers' small server), added by ``add_ops_routes``:

* ``GET /metrics``: the process's Prometheus metrics (``core.metrics``), text format; ``before_scrape``
  (optional, async) runs first, to refresh gauges read from elsewhere (the workers' queue depths);
* ``GET /health/live``: 200 ``{"status": "live"}`` while the process serves HTTP (the liveness probe:
  nothing else is checked, so a Redis outage never gets pods restarted);
* ``GET /health/ready``: 200 ``{"status": "ready", "checks": {...}}`` when every check passes, else
  503 ``{"status": "not ready", "checks": {...}}`` naming the failed one (the readiness probe: the
  pod gets no traffic until it is ready). A check is an async callable returning True/False; it is
  given ``READY_TIMEOUT`` seconds and an exception or a timeout counts as a failure.

``redis_check(client)`` is the usual check: ``PING`` answered. The middleware ``count_requests``
counts every request of the service by status class (``http_requests_total{service,status}``; no path,
so no identifier in a URL can become a label).
"""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable, Dict, Optional

from aiohttp import web

from core.metrics import HTTP_REQUESTS, exposition, status_class

READY_TIMEOUT = 1.0
Check = Callable[[], Awaitable[bool]]
OPS_PATHS = ("/metrics", "/health/live", "/health/ready")


def redis_check(client: Any) -> Check:
    async def ping() -> bool:
        return bool(await client.ping())

    return ping


async def run_checks(checks: Dict[str, Check]) -> Dict[str, bool]:
    results: Dict[str, bool] = {}
    for name, check in checks.items():
        try:
            results[name] = bool(await asyncio.wait_for(check(), READY_TIMEOUT))
        except Exception:  # noqa: BLE001  (any failure of a dependency means "not ready", and says which)
            results[name] = False
    return results


def add_ops_routes(app: web.Application, checks: Optional[Dict[str, Check]] = None,
                   before_scrape: Optional[Callable[[], Awaitable[None]]] = None) -> None:
    checks = dict(checks or {})

    async def metrics(request: web.Request) -> web.Response:
        if before_scrape is not None:
            await before_scrape()
        body, content_type = exposition()
        return web.Response(body=body, headers={"Content-Type": content_type})

    async def live(request: web.Request) -> web.Response:
        return web.json_response({"status": "live"})

    async def ready(request: web.Request) -> web.Response:
        results = await run_checks(checks)
        ok = all(results.values())
        return web.json_response({"status": "ready" if ok else "not ready", "checks": results}, status=200 if ok else 503)

    app.router.add_get("/metrics", metrics)
    app.router.add_get("/health/live", live)
    app.router.add_get("/health/ready", ready)


def count_requests(service: str) -> Any:
    """An aiohttp middleware counting the service's requests by status class."""

    @web.middleware
    async def middleware(request: web.Request, handler: Any) -> web.StreamResponse:
        try:
            response = await handler(request)
        except web.HTTPException as error:
            HTTP_REQUESTS.labels(service, status_class(error.status)).inc()
            raise
        except Exception:
            HTTP_REQUESTS.labels(service, "5xx").inc()
            raise
        HTTP_REQUESTS.labels(service, status_class(response.status)).inc()
        return response

    return middleware
