"""The workspace's middlewares, outermost first (``MIDDLEWARES``), and what they share with the login:

1. ``security_headers``: every response, errors included, gets the Content-Security-Policy (no inline
   script), nosniff, DENY framing, same-origin referrer and, outside /static/, ``no-store``.
2. ``authenticate``: the session cookie (``auth.COOKIE``) is looked up (``admin:session:<sha256>``,
   then ``admin:user:<name>``); the officer is put on the request. ``PUBLIC`` paths pass without one;
   otherwise a GET is redirected (303) to ``/login?next=…`` and anything else refused (403).
3. ``csrf``: every POST (any method but GET/HEAD/OPTIONS) carries the session's token as ``_csrf``
   form field or ``X-CSRF-Token`` header; /login checks it against its own double-submit cookie
   (``LOGIN_COOKIE``) and answers a mismatch with the login page (403); elsewhere 403.

``client_address`` is the address the login limits count (ADMIN_TRUSTED_PROXIES), ``safe_next`` the
only redirect targets after a login (local paths).
"""

from __future__ import annotations

import ipaddress
import logging
import secrets
from typing import Any, Awaitable, Callable, Optional, Tuple

from aiohttp import web

from admin import async_sessions, auth
from admin.pages import SECURE_COOKIE, TRUSTED_PROXIES, async_redis_of, redirect, render
from core.ops_http import OPS_PATHS

logger = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
LOGIN_COOKIE = "tldvc_admin_login"
PUBLIC = ("/login", "/static/", "/health", "/favicon.ico", *OPS_PATHS)  # OPS_PATHS: /metrics, /health/live, /health/ready


def client_address(remote: Optional[str], forwarded_for: Optional[str], trusted: Tuple[Any, ...]) -> str:
    """The client's address for the login limits: the connection's peer, unless that peer is one of
    the ``trusted`` proxies (ADMIN_TRUSTED_PROXIES); then the right-most X-Forwarded-For entry that is
    not itself a trusted proxy (entries left of it are written by the client and can be forged)."""

    def is_trusted(address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in trusted)

    address = remote or "?"
    if not trusted or not is_trusted(address):
        return address
    for entry in reversed([part.strip() for part in (forwarded_for or "").split(",") if part.strip()]):
        try:
            ipaddress.ip_address(entry)
        except ValueError:
            return address  # garbage from a proxy we do not control: count it on the proxy
        if not is_trusted(entry):
            return entry
        address = entry
    return address


def request_address(request: web.Request) -> str:
    return client_address(request.remote, request.headers.get("X-Forwarded-For"), request.app[TRUSTED_PROXIES])


def safe_next(target: Optional[str]) -> str:
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def login_page(request: web.Request, error: str = "", status: int = 200, username: str = "") -> web.Response:
    """The login form with its own CSRF token, kept in ``LOGIN_COOKIE`` (double submit)."""
    token = request.cookies.get(LOGIN_COOKIE, "")
    if not (40 <= len(token) <= 50 and token.replace("-", "").replace("_", "").isalnum()):
        token = secrets.token_urlsafe(32)  # kept across reloads and other tabs of the login page
    response = render(request, "login.html", {"csrf": token, "error": error, "username": username, "next": safe_next(request.query.get("next"))}, status)
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="Strict", secure=request.app[SECURE_COOKIE], max_age=3600, path="/login")
    return response


def _add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if not request.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-store")


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as error:
        _add_security_headers(request, error)
        raise
    _add_security_headers(request, response)
    return response


@web.middleware
async def authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
    token = request.cookies.get(auth.COOKIE)
    session = await async_sessions.load_session(async_redis_of(request), token)
    if session is not None:
        user = await async_sessions.get_user(async_redis_of(request), session["user"])
        if user is not None:
            request["user"], request["session"], request["session_token"] = user, session, token
    if any(request.path == p or (p.endswith("/") and request.path.startswith(p)) for p in PUBLIC):
        return await handler(request)
    if "user" not in request:
        if request.method == "GET":
            raise redirect("/login?next=" + safe_next(request.path_qs))
        raise web.HTTPForbidden(text="Phiên làm việc đã hết hạn, hãy đăng nhập lại.")
    return await handler(request)


@web.middleware
async def csrf(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return await handler(request)
    given = request.headers.get("X-CSRF-Token")
    if given is None:
        if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            value = form.get("_csrf")
            given = value if isinstance(value, str) else None
    if request.path == "/login":
        expected = request.cookies.get(LOGIN_COOKIE)
    else:
        expected = (request.get("session") or {}).get("csrf")
    if not auth.same_token(expected, given):
        logger.warning("CSRF check failed on %s", request.path)
        if request.path == "/login":
            return login_page(request, "Phiên đăng nhập đã hết hạn, hãy thử lại.", status=403)
        raise web.HTTPForbidden(text="Yêu cầu bị từ chối: thiếu hoặc sai mã bảo vệ (CSRF). Hãy tải lại trang và thử lại.")
    return await handler(request)


MIDDLEWARES = (security_headers, authenticate, csrf)
