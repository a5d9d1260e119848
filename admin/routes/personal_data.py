"""A citizen's personal data at the desk (the work is the personal_data package's; the command line
is ``admin.personal_data``). Reviewer role only: an editor gets 403 and the attempt is audited
(personal_data_<page|export|erase>_denied).

  GET  /personal-data          the request form, with the retention times
  POST /personal-data/export   the holdings as a JSON download (audited: personal_data_exported)
  POST /personal-data/erase    needs the ``confirm`` box ticked (400 otherwise); erases, audits
                               personal_data_erased with the counts, redirects to the form (303)
A missing or invalid sender/phone: 400 with the reason. Audit entries name the request masked.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp_jinja2
from aiohttp import web

import personal_data
from admin.pages import flash, page_context, store_of, user_of
from admin.personal_data import describe
from bot.settings import load_privacy_settings

routes = web.RouteTableDef()


def _subject(form: Any) -> personal_data.Subject:
    try:
        return personal_data.Subject.of(str(form.get("sender") or ""), str(form.get("phone") or "") or None)
    except ValueError as error:
        raise web.HTTPBadRequest(text=f"Yêu cầu không hợp lệ: {error}")


async def _reviewer(request: web.Request, action: str) -> Any:
    user = user_of(request)
    if not user.can_publish:
        await store_of(request).audit(user.username, f"personal_data_{action}_denied")
        raise web.HTTPForbidden(text="Chỉ người duyệt (reviewer) mới được xem hoặc xóa dữ liệu cá nhân của công dân.")
    return user


@routes.get("/personal-data")
async def page(request: web.Request) -> web.Response:
    await _reviewer(request, "page")
    kept = load_privacy_settings()
    days = {name: round(getattr(kept, name) / 86400, 1) for name in
            ("conversation_seconds", "unanswered_seconds", "status_seconds", "form_file_seconds", "consent_seconds")}
    return aiohttp_jinja2.render_template("personal_data.html", request, {**await page_context(request), "days": days})


@routes.post("/personal-data/export")
async def export_route(request: web.Request) -> web.Response:
    user = await _reviewer(request, "export")
    subject = _subject(await request.post())
    held = await personal_data.export(subject)
    await store_of(request).audit(user.username, "personal_data_exported", describe(subject))
    body = json.dumps(held, ensure_ascii=False, indent=2)
    return web.Response(
        text=body, content_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="du-lieu-ca-nhan.json"'},
    )


@routes.post("/personal-data/erase")
async def erase_route(request: web.Request) -> web.Response:
    user = await _reviewer(request, "erase")
    form = await request.post()
    subject = _subject(form)
    if form.get("confirm") != "yes":
        raise web.HTTPBadRequest(text="Bạn cần đánh dấu ô xác nhận trước khi xóa.")
    counts = await personal_data.erase(subject)
    await store_of(request).audit(user.username, "personal_data_erased", describe(subject), counts)
    await flash(request, "Đã xóa: " + ", ".join(f"{k} {v}" for k, v in counts.items()) + ".")
    raise web.HTTPSeeOther("/personal-data")
