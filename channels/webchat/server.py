"""Serves the web chat page (aiohttp) and the forms citizens filled (``/forms/<name>``, the link the
assistant sends). The page posts to Rasa's REST channel directly (CORS)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from aiohttp import web

from forms.web import add_routes as add_form_routes

PAGE = Path(__file__).with_name("index.html")


def make_app(rasa_url: str) -> web.Application:
    page = PAGE.read_text(encoding="utf-8").replace("__RASA_URL__", json.dumps(rasa_url))

    async def index(request: web.Request) -> web.Response:
        return web.Response(text=page, content_type="text/html", charset="utf-8")

    app = web.Application()
    app.router.add_get("/", index)
    add_form_routes(app)
    return app


async def serve_forever(port: int, rasa_url: str) -> None:
    runner = web.AppRunner(make_app(rasa_url))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
