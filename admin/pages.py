"""What every page handler of the workspace uses: the application's keys (its Redis client, knowledge
store, cookie and proxy settings), the request's officer, flash messages, rendering a template with
the layout's context, an uploaded file, and the See Other redirect every successful POST answers with.

Redis (the async client, ``ASYNC_REDIS``): a session's flash messages are rewritten in
``admin:session:<sha256>`` (``auth.session_key``); the layout counts the drafts (``kb:drafts``,
``core.redis_keys.KNOWLEDGE_DRAFTS``) and the inbox (``unanswered``, ``core.redis_keys.UNANSWERED``). The inbox's grouping is cached in the app
(``INBOX_GROUPS``, ``admin.inbox.GroupCache``) and recomputed off the event loop.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Dict, List, Tuple

import aiohttp_jinja2
from aiohttp import web

from admin import async_sessions, auth, inbox
from admin.knowledge_store import ThreadedKnowledgeStore
from bot.knowledge.store import KINDS
from core.redis_keys import KNOWLEDGE_DRAFTS, UNANSWERED

REDIS = web.AppKey("redis", object)  # redis.Redis: the inbox, Excel reports, the dashboard, password checks
ASYNC_REDIS = web.AppKey("async_redis", object)  # redis.asyncio.Redis: sessions, flash, the layout's counts
STORE = web.AppKey("store", ThreadedKnowledgeStore)  # the synchronous store on REDIS, in worker threads
SECURE_COOKIE = web.AppKey("secure_cookie", bool)
TRUSTED_PROXIES = web.AppKey("trusted_proxies", tuple)
KNOWLEDGE_DIR = web.AppKey("knowledge_dir", Path)  # the YAML seed
INBOX_GROUPS = web.AppKey("inbox_groups", inbox.GroupCache)
KIND_NAMES = {"procedures": "Thủ tục", "faq": "Câu hỏi thường gặp"}
KIND_PATHS = {"procedures": "procedures", "faq": "faq"}


def redis_of(request: web.Request) -> Any:
    return request.app[REDIS]


def async_redis_of(request: web.Request) -> Any:
    return request.app[ASYNC_REDIS]


def store_of(request: web.Request) -> ThreadedKnowledgeStore:
    return request.app[STORE]


def user_of(request: web.Request) -> auth.User:
    return request["user"]


def kind_of(request: web.Request) -> str:
    """The ``{kind}`` of the URL, procedures or faq (404 otherwise)."""
    kind = request.match_info["kind"]
    if kind not in KINDS:
        raise web.HTTPNotFound()
    return kind


async def inbox_groups(request: web.Request) -> List[inbox.Group]:
    """The inbox's groups, from the app's cache; a regrouping runs in a worker thread."""
    return await asyncio.to_thread(inbox.groups, redis_of(request), inbox.THRESHOLD, request.app[INBOX_GROUPS])


async def find_inbox_group(request: web.Request, group_id: str) -> inbox.Group:
    """One group of the inbox (KeyError when it is no longer there)."""
    for group in await inbox_groups(request):
        if group.id == group_id:
            return group
    raise KeyError(group_id)


async def flash(request: web.Request, message: str, kind: str = "ok") -> None:
    """A message shown once on the officer's next page (kept in the session)."""
    session = request.get("session")
    token = request.get("session_token")
    if session is None or not token:
        return
    session.setdefault("flash", []).append({"kind": kind, "text": message})
    await async_sessions.save_session(async_redis_of(request), token, session)


async def _pop_flash(request: web.Request) -> List[Dict[str, str]]:
    session = request.get("session")
    if not session or not session.get("flash"):
        return []
    messages = session.pop("flash")
    await async_sessions.save_session(async_redis_of(request), request["session_token"], session)
    return messages


def redirect(location: str) -> web.HTTPSeeOther:
    return web.HTTPSeeOther(location)


async def uploaded(request: web.Request, form: Any, back: str, missing: str, max_bytes: int) -> Tuple[str, bytes]:
    """The name and content of the form's ``file``; without one, or over ``max_bytes``, a flash message
    and a See Other back to ``back`` (raised)."""
    upload = form.get("file")
    if upload is None or isinstance(upload, str) or not getattr(upload, "filename", ""):
        await flash(request, missing, "error")
        raise redirect(back)
    content = upload.file.read(max_bytes + 1)
    if len(content) > max_bytes:
        await flash(request, f"Tệp quá lớn (tối đa {max_bytes // (1024 * 1024)} MB).", "error")
        raise redirect(back)
    return upload.filename, content


def render(request: web.Request, template: str, context: Dict[str, Any], status: int = 200) -> web.Response:
    return aiohttp_jinja2.render_template(template, request, context, status=status)


async def page_context(request: web.Request) -> Dict[str, Any]:
    """The layout's context: the officer, the CSRF token, and once logged in the flash messages and
    the counts of drafts and inbox questions."""
    user = request.get("user")
    values: Dict[str, Any] = {"user": user, "csrf": (request.get("session") or {}).get("csrf", ""), "path": request.path}
    if user is not None:
        values["flashes"] = await _pop_flash(request)
        values["draft_count"] = await async_redis_of(request).hlen(KNOWLEDGE_DRAFTS)
        values["inbox_count"] = await async_redis_of(request).llen(UNANSWERED)
    return values
