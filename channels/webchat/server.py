"""Serves the web chat page (aiohttp), the forms citizens filled (``/forms/<name>``, the link the
assistant sends), and forwards the page's calls to the Rasa web chat channel, so that the page talks
only to its own origin (no CORS needed):

* ``POST /webhooks/webchat/session`` and ``POST /webhooks/webchat/webhook`` are passed to Rasa as
  they are (body, ``Content-Type``, ``Authorization``), and Rasa's status and JSON body come back; a
  body over 64 KB is refused here with 413; Rasa unreachable: 502 ``{"ok": false, ...}``;
* ``GET /metrics``, ``/health/live``, ``/health/ready`` (``core.ops_http``): the page needs neither
  Redis nor Rasa to be served (Rasa down is answered 502 per message), so readiness checks nothing more.

The launcher serves it in its own process; ``python -m channels.webchat.server`` serves it alone (a
container of its own): ``WEBCHAT_HOST``, ``WEBCHAT_PORT``, ``WEBCHAT_RASA_URL`` (bot/settings.py).
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

import aiohttp
from aiohttp import web

from bot.settings import load_settings
from channels.common import MAX_BODY_BYTES
from core.ops_http import add_ops_routes, count_requests
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

    app = web.Application(client_max_size=MAX_BODY_BYTES + 1, middlewares=[count_requests("webchat")])
    add_ops_routes(app)
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


def main(argv=None) -> None:
    settings = load_settings()
    parser = argparse.ArgumentParser(description="The web chat page alone (python -m channels.webchat.server)")
    parser.add_argument("--host", default=settings.webchat_host)
    parser.add_argument("--port", type=int, default=settings.webchat_port)
    parser.add_argument("--rasa-url", default=settings.webchat_rasa_url)
    args = parser.parse_args(argv)
    print(f"Web chat page on http://{args.host}:{args.port}/ (Rasa at {args.rasa_url})", flush=True)
    try:
        asyncio.run(serve_forever(args.port, args.rasa_url, args.host))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
