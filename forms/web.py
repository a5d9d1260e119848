"""Serves the produced forms (``DATA_DIR/forms/*.pdf|json``) over HTTP, for the link the assistant
sends (``FORMS_BASE_URL``). Mount it on an aiohttp app (e.g. the web chat page's)::

    from forms.web import add_routes
    add_routes(app)            # GET /forms/{name}

File names carry an unguessable token; only names produced by ``forms.output.produce`` are served
(no paths, no listing)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

from aiohttp import web

from bot.settings import load_form_settings

_NAME = re.compile(r"^[A-Z0-9]{1,8}-\d{6}-[0-9A-F]{8}-[A-Za-z0-9_-]{16}\.(pdf|json)$")
CONTENT_TYPES = {"pdf": "application/pdf", "json": "application/json"}


def form_file(name: str, data_dir: Optional[Path] = None) -> Optional[Path]:
    match = _NAME.match(name or "")
    if not match:
        return None
    folder = (data_dir or load_form_settings().data_dir) / "forms"
    path = folder / name
    return path if path.is_file() else None


async def serve_form(request: web.Request) -> web.StreamResponse:
    path = form_file(request.match_info.get("name", ""))
    if path is None:
        raise web.HTTPNotFound(text="Không tìm thấy tờ khai (liên kết sai hoặc tờ khai đã được xóa).")
    kind = path.suffix.lstrip(".")
    return web.FileResponse(
        path,
        headers={
            "Content-Type": CONTENT_TYPES[kind],
            "Content-Disposition": f'inline; filename="{path.name.split("-")[0]}-{path.name.split("-")[1]}.{kind}"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def add_routes(app: web.Application, prefix: str = "/forms") -> None:
    app.router.add_get(prefix + "/{name}", serve_form)
