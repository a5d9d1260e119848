"""The ingestion API through which the province's one-stop system pushes status changes (aiohttp).

    POST /api/status-events
    X-Timestamp: 1742008800                      (Unix seconds, within STATUS_API_MAX_SKEW of now)
    X-Signature: sha256=<hex HMAC-SHA256(secret, "{timestamp}." + raw body)>
    Content-Type: application/json
    body: one event, or {"events": [event, ...]} (at most 500), see applications.events

The timestamp is inside the signed text, so a captured request cannot be replayed later with a new
timestamp, and within the window a replay is harmless: events are idempotent by ``event_id``.
Answers: 200 {"results": [{"event_id", "result": "applied" | "stale" | "duplicate"}]};
400 {"error", "details"} for a bad payload (nothing is applied); 401 for a missing/bad signature or
an expired timestamp; 413 for a body over 1 MB; 503 when no secret is configured.
``GET /health`` answers 200 when Redis answers.

The same server takes the providers' delivery receipts (``notifications.receipts``:
``/notifications/receipts/sms`` and ``/notifications/receipts/zalo``), so that a failed delivery
falls back through the status store's consent (``StatusStore.fallback_targets``).

``GET /health`` answers 200 when Redis answers. Operators' routes (``core.ops_http``): ``GET /metrics``
(``status_events_total{result}``, ``status_push_rejections_total{status}``, requests by status class),
``GET /health/live`` and ``GET /health/ready`` (Redis answers ``PING``, else 503).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import logging
import signal
import time
from typing import Any, Dict, List, Optional

from aiohttp import web
from redis.asyncio import Redis

from applications.events import EventError, StatusEvent, parse_event
from applications.store import StatusStore
from applications.templates import registry
from bot.settings import load_channel_settings, load_status_settings
from notifications.receipts import receipt_routes
from notifications.tracking import Tracking
from core.metrics import STATUS_EVENTS, STATUS_REJECTIONS, STATUS_RESULTS, one_of, status_label
from core.ops_http import add_ops_routes, count_requests, redis_check

logger = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024
MAX_EVENTS = 500
STORE = web.AppKey("store", StatusStore)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The X-Signature value for a body (what the one-stop system computes)."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def _error(status: int, message: str, details: List[str] = None) -> web.Response:
    STATUS_REJECTIONS.labels(status_label(status)).inc()
    body: Dict[str, Any] = {"error": message}
    if details:
        body["details"] = details
    return web.json_response(body, status=status)


def make_app(store: StatusStore, secret: str, max_skew: int = 300, receipts: Optional[web.RouteTableDef] = None) -> web.Application:
    async def events(request: web.Request) -> web.Response:
        if not secret:
            logger.error("status event refused: STATUS_API_SECRET is not set")
            return _error(503, "the ingestion API has no shared secret configured")
        if request.content_length is not None and request.content_length > MAX_BODY:
            return _error(413, "body over 1 MB")
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return _error(413, "body over 1 MB")
        timestamp = request.headers.get("X-Timestamp", "")
        signature = request.headers.get("X-Signature", "")
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > max_skew:
            logger.warning("status event refused: missing or expired timestamp from %s", request.remote)
            return _error(401, f"X-Timestamp missing or more than {max_skew}s from now")
        if not hmac.compare_digest(sign(secret, timestamp, body), signature):
            logger.warning("status event refused: bad signature from %s", request.remote)
            return _error(401, "bad X-Signature")
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return _error(400, "the body is not UTF-8 JSON")
        items = payload.get("events") if isinstance(payload, dict) and "events" in payload else [payload]
        if not isinstance(items, list) or not items or len(items) > MAX_EVENTS:
            return _error(400, f"'events' must be a list of 1 to {MAX_EVENTS} events")
        parsed: List[StatusEvent] = []
        details: List[str] = []
        for index, item in enumerate(items):
            try:
                parsed.append(parse_event(item))
            except EventError as error:
                details += [f"events[{index}].{message}" for message in error.errors]
        if details:
            logger.info("status events refused: %d errors (first: %s)", len(details), details[0])
            return _error(400, "invalid event(s); nothing was applied", details)
        results = [{"event_id": event.event_id, "result": await store.apply(event)} for event in parsed]
        for result in results:
            STATUS_EVENTS.labels(one_of(result["result"], STATUS_RESULTS)).inc()
        return web.json_response({"results": results})

    async def health(request: web.Request) -> web.Response:
        await store.redis.ping()
        return web.json_response({"status": "ok"})

    app = web.Application(client_max_size=MAX_BODY, middlewares=[count_requests("status_api")])
    add_ops_routes(app, {"redis": redis_check(store.redis)})
    app[STORE] = store
    app.router.add_post("/api/status-events", events)
    app.router.add_get("/health", health)
    if receipts is not None:
        app.add_routes(receipts)
    return app


def receipts_for(store: StatusStore, prefix: str = "") -> web.RouteTableDef:
    settings, channels = load_status_settings(), load_channel_settings()
    reg = registry(settings.zalo_templates_file or None)
    return receipt_routes(Tracking(store.redis, prefix, reg.cost), store.fallback_targets, settings.receipt_secret,
                          channels.zalo_app_id or "", channels.zalo_oa_secret_key or "")


async def serve(host: str, port: int, redis_url: str, secret: str, max_skew: int, prefix: str = "") -> None:
    redis = Redis.from_url(redis_url)
    store = StatusStore(redis, prefix, fallback_order=tuple(load_status_settings().fallback_order))
    runner = web.AppRunner(make_app(store, secret, max_skew, receipts_for(store, prefix)))
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    print(f"Status ingestion API on http://{host}:{port}/api/status-events"
          + ("" if secret else " (STATUS_API_SECRET not set: every push is refused)"), flush=True)
    stopped = asyncio.Event()  # SIGTERM or SIGINT: requests in progress are finished, then the API closes
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stopped.set)
    try:
        await stopped.wait()
    finally:
        await runner.cleanup()
        await redis.close()


def main() -> None:
    settings = load_status_settings()
    parser = argparse.ArgumentParser(description="The status ingestion API (python -m applications.api)")
    parser.add_argument("--host", default=settings.api_host)
    parser.add_argument("--port", type=int, default=settings.api_port)
    args = parser.parse_args()
    if not settings.redis_url:
        raise SystemExit("REDIS_URL is not set: the status store needs Redis")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        asyncio.run(serve(args.host, args.port, settings.redis_url, settings.api_secret, settings.api_max_skew,
                          settings.key_prefix))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
