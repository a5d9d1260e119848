"""The officers' workspace: an aiohttp application with server-rendered (Jinja2, autoescaped) pages.

``make_app`` only assembles it: the middlewares (``admin.middleware``: security headers, login,
CSRF, in that order), the templates and their filters, the application's keys (``admin.pages``) and
one route table per area (``admin.routes``):

  session          /login, /logout, /health, /favicon.ico
  operators        /metrics, /health/live, /health/ready (core.ops_http: Redis answers PING)
  dashboard        /, /audit
  publishing       /changes, /publish, /history…
  excel            /export…, /import…
  catalogue        /catalogue… (the catalogue importer's upload, dry run and apply)
  inbox            /inbox…
  editing          /procedures…, /faq…
  personal_data    /personal-data…
  static           /static/

Every page needs a login except /login, /static/, /health, /favicon.ico and the operators' routes; every POST carries the
session's CSRF token (``_csrf`` form field or ``X-CSRF-Token`` header); publishing, rollback and
personal data need the reviewer role.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, AsyncIterator

import aiohttp_jinja2
import jinja2
from aiohttp import web

from admin import async_sessions, auth
from admin.forms import ONLINE_LEVEL_NAMES
from admin.inbox import GroupCache
from admin.knowledge_store import ThreadedKnowledgeStore
from admin.middleware import MIDDLEWARES
from admin.pages import ASYNC_REDIS, INBOX_GROUPS, KIND_NAMES, KNOWLEDGE_DIR, REDIS, SECURE_COOKIE, STORE, TRUSTED_PROXIES
from admin.routes import catalogue, dashboard, editing, excel, inbox, notifications, personal_data, publishing, session
from core.ops_http import add_ops_routes, count_requests

HERE = Path(__file__).resolve().parent
TABLES = (session.routes, dashboard.routes, publishing.routes, excel.routes, catalogue.routes, inbox.routes, editing.routes, personal_data.routes,
          notifications.routes)
MAX_REQUEST = 21 * 1024 * 1024  # an Excel upload of 20 MB and its form


def _money(value: Any) -> str:
    try:
        return f"{int(value):,}".replace(",", ".")
    except (TypeError, ValueError):
        return str(value)


def _when(value: Any) -> str:
    """ISO time (UTC) -> "24/11/2026 23:19 UTC"."""
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value or "")
    return moment.strftime("%d/%m/%Y %H:%M") + (" UTC" if moment.utcoffset() == dt.timedelta(0) else "")


async def _async_redis(app: web.Application) -> AsyncIterator[None]:
    """The async Redis client (on the synchronous client's server and database), open while the app runs."""
    client = async_sessions.async_client(app[REDIS])
    app[ASYNC_REDIS] = client
    yield
    await client.close()
    await client.connection_pool.disconnect()


def make_app(client: Any, knowledge_dir: Path, secure_cookie: bool = False, trusted_proxies: tuple = ()) -> web.Application:
    """``client``: redis.Redis (a redis.asyncio client on the same server and database is opened in
    ``cleanup_ctx``, with the knowledge store on it); ``secure_cookie``: cookies marked Secure
    (ADMIN_COOKIE_SECURE; only http:// development turns it off); ``trusted_proxies``: ip_network
    objects whose X-Forwarded-For is believed (ADMIN_TRUSTED_PROXIES)."""
    app = web.Application(middlewares=[count_requests("admin"), *MIDDLEWARES], client_max_size=MAX_REQUEST)

    async def redis_answers() -> bool:
        return bool(await app[ASYNC_REDIS].ping())

    add_ops_routes(app, {"redis": redis_answers})
    app[REDIS] = client
    app[KNOWLEDGE_DIR] = knowledge_dir
    app[STORE] = ThreadedKnowledgeStore(client, knowledge_dir)
    app[SECURE_COOKIE] = secure_cookie
    app[TRUSTED_PROXIES] = tuple(trusted_proxies)
    app[INBOX_GROUPS] = GroupCache()
    env = aiohttp_jinja2.setup(
        app, loader=jinja2.FileSystemLoader(str(HERE / "templates")), autoescape=True,
        context_processors=[], filters={"money": _money, "when": _when},
    )
    env.globals.update({"KIND_NAMES": KIND_NAMES, "ONLINE_LEVEL_NAMES": ONLINE_LEVEL_NAMES, "ROLES": auth.ROLES})
    app.cleanup_ctx.append(_async_redis)
    for table in TABLES:
        app.router.add_routes(table)
    app.router.add_static("/static/", HERE / "static")
    return app
