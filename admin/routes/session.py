"""Logging in and out, and the two public probes.

  GET  /login          the login form (an officer already logged in: 303 to /)
  POST /login          wrong name or password: 401 (audited login_failed); locked account or address
                       (``auth.MAX_FAILURES``): 429 (audited login_locked); else a new session cookie,
                       any earlier session ended, 303 to ``next`` (a local path only)
  POST /logout         ends the session, 303 to /login
  GET  /health         200 {"ok": true}, no login
  GET  /favicon.ico    204, no login
The CSRF check of POST /login is the middleware's (``admin.middleware.csrf``).
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from admin import async_sessions, auth
from admin.middleware import LOGIN_COOKIE, login_page, request_address, safe_next
from admin.pages import SECURE_COOKIE, async_redis_of, redirect, redis_of, store_of, user_of

routes = web.RouteTableDef()


@routes.get("/login")
async def login_get(request: web.Request) -> web.Response:
    if "user" in request:
        raise redirect("/")
    return login_page(request)


@routes.post("/login")
async def login_post(request: web.Request) -> web.Response:
    form = await request.post()
    username = str(form.get("username", "")).strip().lower()[:60]
    password = str(form.get("password", ""))[:1000]
    client = redis_of(request)
    loop = asyncio.get_running_loop()
    try:
        user = await loop.run_in_executor(None, auth.check_password, client, username, password, request_address(request))
    except auth.AuthError:
        await store_of(request).audit(username or "?", "login_locked")
        return login_page(
            request, f"Đăng nhập sai quá nhiều lần. Tài khoản tạm khóa {auth.LOCK_SECONDS // 60} phút.", 429, username
        )
    if user is None:
        await store_of(request).audit(username or "?", "login_failed")
        return login_page(request, "Sai tên đăng nhập hoặc mật khẩu.", 401, username)
    await async_sessions.end_session(async_redis_of(request), request.cookies.get(auth.COOKIE))  # a session id from before the login never lives on
    token = await async_sessions.new_session(async_redis_of(request), user)
    await store_of(request).audit(user.username, "login")
    response = redirect(safe_next(str(form.get("next", "/"))))
    response.set_cookie(auth.COOKIE, token, httponly=True, samesite="Strict", secure=request.app[SECURE_COOKIE], max_age=auth.SESSION_SECONDS, path="/")
    response.del_cookie(LOGIN_COOKIE, path="/login")
    raise response


@routes.post("/logout")
async def logout(request: web.Request) -> web.Response:
    await async_sessions.end_session(async_redis_of(request), request.get("session_token"))
    await store_of(request).audit(user_of(request).username, "logout")
    response = redirect("/login")
    response.del_cookie(auth.COOKIE, path="/")
    raise response


@routes.get("/health")
async def health(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


@routes.get("/favicon.ico")
async def favicon(request: web.Request) -> web.Response:
    return web.Response(status=204)
