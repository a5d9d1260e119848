"""An application's notifications for the officers (any signed-in officer):

  GET /applications/notifications            the search form, today's counts and cost estimate, the
                                              late-application alerts
  GET /applications/notifications?code=CODE   and that application's notification history, newest
                                              first: when, status, channel, Zalo mode, masked
                                              recipient, state (sent, delivered, failed, fallback,
                                              deferred) and the reason

Read from the notification keys (``notifications.tracking``, ``applications.overdue``) with the
workspace's async Redis client and ``STATUS_KEY_PREFIX``. A code that is not a plausible application
code answers the form with a message (no lookup).
"""

from __future__ import annotations

from datetime import datetime

import aiohttp_jinja2
from aiohttp import web

from admin.pages import async_redis_of, page_context
from applications.events import VIETNAM
from applications.overdue import alerts
from bot.settings import load_status_settings
from core.application_codes import normalize_code
from notifications.tracking import Tracking

routes = web.RouteTableDef()


def _when(ms: object) -> str:
    try:
        return datetime.fromtimestamp(int(ms) / 1000, tz=VIETNAM).strftime("%H:%M:%S %d/%m/%Y")  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return ""


@routes.get("/applications/notifications")
async def history_page(request: web.Request) -> web.Response:
    prefix = load_status_settings().key_prefix
    tracking = Tracking(async_redis_of(request), prefix)
    raw = (request.query.get("code") or "").strip()
    code = normalize_code(raw) if raw else None
    history = [{**line, "when": _when(line.get("t"))} for line in await tracking.history(code)] if code else []
    daily = await tracking.daily()
    context = {
        **await page_context(request), "query": raw[:60], "code": code, "history": history,
        "bad_code": bool(raw) and not code, "daily": sorted((k, int(v)) for k, v in daily.items() if k != "cost"),
        "cost": int(daily.get("cost", 0)),
        "alerts": [{**a, "when": _when(a.get("raised_ms"))} for a in await alerts(async_redis_of(request), prefix, 20)],
    }
    return aiohttp_jinja2.render_template("notifications.html", request, context)
