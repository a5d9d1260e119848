"""Serves the web chat page (aiohttp), the forms citizens filled (``/forms/<name>``, the link the
assistant sends), and forwards the page's calls to the Rasa web chat channel, so that the page talks
only to its own origin (no CORS needed):

* ``POST /webhooks/webchat/session`` and ``POST /webhooks/webchat/webhook`` are passed to Rasa as
  they are (body, ``Content-Type``, ``Authorization``), and Rasa's status and JSON body come back; a
  body over 64 KB is refused here with 413; Rasa unreachable: 502 ``{"ok": false, ...}``.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
from aiohttp import web

from channels.common import MAX_BODY_BYTES
from forms.web import add_routes as add_form_routes

PAGE = Path(__file__).with_name("index.html")
FORWARDED = ("session", "webhook")


def make_app(rasa_url: str) -> web.Application:
    page = PAGE.read_text(encoding="utf-8")
    rasa_url = rasa_url.rstrip("/")
    timeout = aiohttp.ClientTimeout(total=120)

    async def index(request: web.Request) -> web.Response:
        return web.Response(text=page, content_type="text/html", charset="utf-8")

    async def forward(request: web.Request) -> web.Response:
        route = request.match_info["route"]
        if route not in FORWARDED:
            raise web.HTTPNotFound()
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return web.json_response({"ok": False, "error": "body too large"}, status=413)
        headers = {k: v for k, v in request.headers.items() if k.lower() in ("content-type", "authorization")}
        try:
            async with aiohttp.ClientSession(timeout=timeout) as session:
                async with session.post(f"{rasa_url}/webhooks/webchat/{route}", data=body, headers=headers) as answer:
                    return web.Response(body=await answer.read(), status=answer.status,
                                        content_type=answer.content_type or "application/json")
        except (aiohttp.ClientError, asyncio.TimeoutError):
            return web.json_response({"ok": False, "error": "the assistant is not reachable"}, status=502)

    app = web.Application(client_max_size=MAX_BODY_BYTES + 1)
    app.router.add_get("/", index)
    app.router.add_post("/webhooks/webchat/{route}", forward)
    add_form_routes(app)
    return app


async def serve_forever(port: int, rasa_url: str, host: str = "127.0.0.1") -> None:
    runner = web.AppRunner(make_app(rasa_url))
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
