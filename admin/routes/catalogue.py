"""The catalogue import page: upload a province's catalogue file -> dry-run report -> apply as drafts
(the importer is ``catalogue.importer``; docs/catalogue.md).

  GET  /catalogue           the upload form
  POST /catalogue           no file, over 20 MB or an unknown format: a flash, 303 to /catalogue; else the
                            dry-run report (200); the file is kept for an hour in
                            ``admin:catalogue:<token>`` (audited catalogue_dry_run)
  POST /catalogue/apply     the file of ``token`` is imported again against the current knowledge and,
                            when it has no error, saved as drafts in one transaction; 303 to /changes
                            (audited catalogue_import_applied); with errors nothing is saved (a flash,
                            303 to /catalogue); expired token: a flash, 303 to /catalogue
Login and CSRF as every page (``admin.middleware``); reading and the dry run run in a worker thread.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
import secrets

from aiohttp import web

from admin.pages import async_redis_of, flash, page_context, redirect, render, store_of, uploaded, user_of
from catalogue import importer

routes = web.RouteTableDef()
UPLOAD_TTL = 3600
MAX_UPLOAD = 20 * 1024 * 1024
KEY = "admin:catalogue:{}"


@routes.get("/catalogue")
async def catalogue_page(request: web.Request) -> web.Response:
    return render(request, "catalogue.html", {**await page_context(request)})


@routes.post("/catalogue")
async def catalogue_upload(request: web.Request) -> web.Response:
    form = await request.post()
    filename, content = await uploaded(request, form, "/catalogue",
                                       "Hãy chọn một tệp danh mục (.json, .html hoặc .xlsx).", MAX_UPLOAD)
    fmt = importer.format_of(filename, str(form.get("format") or "") or None)
    if fmt is None:
        await flash(request, "Chỉ nhận tệp .json (CSDL quốc gia), .html (trang chi tiết thủ tục) hoặc .xlsx (danh mục của tỉnh).", "error")
        raise redirect("/catalogue")
    partial = bool(form.get("partial"))
    store = store_of(request)
    working = await store.working()
    loop = asyncio.get_running_loop()
    report = await loop.run_in_executor(None, lambda: importer.dry_run(content, fmt, working, dt.date.today(), partial, filename))
    token = secrets.token_urlsafe(16)
    saved = {"file": filename, "format": fmt, "partial": partial, "user": user_of(request).username,
             "content": base64.b64encode(content).decode()}
    await async_redis_of(request).set(KEY.format(token), json.dumps(saved), ex=UPLOAD_TTL)
    await store.audit(user_of(request).username, "catalogue_dry_run", filename, report.summary())
    return render(request, "catalogue.html", {**await page_context(request), "report": report, "token": token,
                                              "partial": partial})


@routes.post("/catalogue/apply")
async def catalogue_apply(request: web.Request) -> web.Response:
    form = await request.post()
    token = str(form.get("token", ""))
    raw = await async_redis_of(request).get(KEY.format(token)) if token else None
    if raw is None:
        await flash(request, "Báo cáo kiểm tra đã hết hạn, hãy tải tệp lên lại.", "error")
        raise redirect("/catalogue")
    saved = json.loads(raw)
    store = store_of(request)
    user = user_of(request).username
    content = base64.b64decode(saved["content"])
    working = await store.working()
    loop = asyncio.get_running_loop()
    report = await loop.run_in_executor(None, lambda: importer.dry_run(content, saved["format"], working, dt.date.today(),
                                                                        saved["partial"], saved["file"]))
    if report.errors:
        await flash(request, f"Chưa nhập gì: tệp có {len(report.errors)} lỗi (xem báo cáo kiểm tra).", "error")
        raise redirect("/catalogue")
    if not report.items:
        await flash(request, "Không có gì thay đổi: danh mục đã như trong tệp.", "ok")
        raise redirect("/catalogue")
    problems = await store.save_drafts("procedures", report.items, user)  # all or nothing
    if problems:
        await flash(request, "Chưa nhập gì: " + "; ".join(str(p) for p in problems[:5]), "error")
        raise redirect("/catalogue")
    count = len(report.items)
    await store.audit(user, "catalogue_import_applied", saved["file"], report.summary())
    await async_redis_of(request).delete(KEY.format(token))
    await flash(request, f"Đã nhập {count} thủ tục thành bản nháp ({len(report.added)} mới, {len(report.changed)} thay đổi, "
                         f"{len(report.retired)} rời danh mục). Người duyệt xuất bản ở trang này.", "ok")
    raise redirect("/changes")
