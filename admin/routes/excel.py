"""Excel and CSV: export, upload with a dry-run report, apply (the format is ``admin.excel``'s).

  GET  /export.xlsx          the working knowledge as a workbook (audited exported xlsx)
  GET  /export/<kind>.csv    one kind as CSV (audited exported csv:<kind>)
  GET  /import               the upload form
  POST /import               no file or over 20 MB: a flash, 303 to /import; else the dry-run report
                             (200), kept for an hour in ``admin:import:<token>`` (audited import_dry_run)
  POST /import/apply         the report of ``token`` (expired: a flash, 303 to /import) saved as drafts,
                             row by row with the draft validation; 303 to /changes (audited import_applied)
Reading the file and the dry run run in a worker thread.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import secrets

from aiohttp import web

from admin import excel
from admin.pages import async_redis_of, flash, kind_of, page_context, redirect, render, store_of, uploaded, user_of

routes = web.RouteTableDef()
IMPORT_TTL = 3600
MAX_UPLOAD = 20 * 1024 * 1024


def _stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M")


@routes.get("/export.xlsx")
async def export_xlsx(request: web.Request) -> web.Response:
    store = store_of(request)
    body = excel.export_xlsx(await store.working())
    await store.audit(user_of(request).username, "exported", "xlsx")
    return web.Response(body=body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f'attachment; filename="tri-thuc-{_stamp()}.xlsx"'})


@routes.get("/export/{kind}.csv")
async def export_csv(request: web.Request) -> web.Response:
    kind = kind_of(request)
    store = store_of(request)
    body = excel.export_csv(await store.working(), kind)
    await store.audit(user_of(request).username, "exported", f"csv:{kind}")
    return web.Response(body=body, content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{kind}-{_stamp()}.csv"'})


@routes.get("/import")
async def import_page(request: web.Request) -> web.Response:
    return render(request, "import.html", {**await page_context(request)})


@routes.post("/import")
async def import_upload(request: web.Request) -> web.Response:
    form = await request.post()
    filename, content = await uploaded(request, form, "/import", "Hãy chọn một tệp .xlsx hoặc .csv.", MAX_UPLOAD)
    store = store_of(request)
    loop = asyncio.get_running_loop()
    rows, file_errors = await loop.run_in_executor(None, excel.read_upload, filename, content)
    report = await loop.run_in_executor(None, excel.dry_run, rows, await store.working(), file_errors)
    token = secrets.token_urlsafe(16)
    await async_redis_of(request).set(f"admin:import:{token}", json.dumps({"report": report.to_json(), "user": user_of(request).username, "file": filename}, ensure_ascii=False), ex=IMPORT_TTL)
    await store.audit(user_of(request).username, "import_dry_run", filename, {"added": len(report.added), "changed": len(report.changed), "errors": len(report.errors)})
    return render(request, "import.html", {**await page_context(request), "report": report, "token": token, "filename": filename})


@routes.post("/import/apply")
async def import_apply(request: web.Request) -> web.Response:
    form = await request.post()
    token = str(form.get("token", ""))
    raw = await async_redis_of(request).get(f"admin:import:{token}") if token else None
    if raw is None:
        await flash(request, "Báo cáo nhập đã hết hạn, hãy tải tệp lên lại.", "error")
        raise redirect("/import")
    saved = json.loads(raw)
    store = store_of(request)
    user = user_of(request).username
    applied, failed = 0, []
    for entry in saved["report"]["items"]:
        parsed, problems = await store.save_draft(entry["kind"], entry["data"], user)
        if parsed is None:
            failed.append(f"{entry['data'].get('id')}: " + "; ".join(p.message for p in problems))
        else:
            applied += 1
    await async_redis_of(request).delete(f"admin:import:{token}")
    await store.audit(user, "import_applied", saved.get("file", ""), {"drafts": applied, "failed": len(failed)})
    await flash(request, f"Đã nhập {applied} mục thành bản nháp." + (" Không nhập được: " + "; ".join(failed) if failed else ""), "error" if failed else "ok")
    raise redirect("/changes")
