"""The home page and the audit log.

  GET /        the dashboard: 30 days of ``bot.analytics`` counters (``admin.dashboard.build``, in a worker thread)
  GET /audit   the newest 300 entries of ``kb:audit``
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from admin import dashboard
from admin.pages import page_context, redis_of, render, store_of

routes = web.RouteTableDef()
DAYS = 30


@routes.get("/")
async def home(request: web.Request) -> web.Response:
    store = store_of(request)
    names = {pid: data.get("name", pid) for pid, data in (await store.working())["procedures"].items()}
    stats = await asyncio.to_thread(dashboard.build, redis_of(request), names, await store.published_version(), DAYS)
    return render(request, "dashboard.html", {**await page_context(request), "stats": stats})


@routes.get("/audit")
async def audit_page(request: web.Request) -> web.Response:
    return render(request, "audit.html", {**await page_context(request), "entries": await store_of(request).audit_log(300)})
