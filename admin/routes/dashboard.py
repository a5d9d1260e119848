"""The home page and the audit log.

  GET /        the dashboard: 30 days of ``bot.analytics`` counters (``admin.dashboard.build``)
  GET /audit   the newest 300 entries of ``kb:audit``
"""

from __future__ import annotations

from aiohttp import web

from admin import dashboard
from admin.pages import page_context, redis_of, render, store_of

routes = web.RouteTableDef()
DAYS = 30


@routes.get("/")
async def home(request: web.Request) -> web.Response:
    stats = dashboard.build(redis_of(request), store_of(request), DAYS)
    return render(request, "dashboard.html", {**await page_context(request), "stats": stats})


@routes.get("/audit")
async def audit_page(request: web.Request) -> web.Response:
    return render(request, "audit.html", {**await page_context(request), "entries": store_of(request).audit_log(300)})
