"""Pending changes, publishing, history and rollback.

  GET  /changes                  every draft with its diff, and the problems of the working knowledge
  POST /changes/discard          drops the draft ``key``, 303 to /changes
  POST /publish                  reviewer only (403, audited publish_denied); every draft becomes a new
                                 version (303 to /history/<n>); nothing to publish or invalid: a flash,
                                 303 to /changes
  GET  /history                  every published version
  GET  /history/<n>              version n and its diff against n-1 (404 when absent)
  POST /history/<n>/rollback     reviewer only (403, audited rollback_denied); publishes n again as a
                                 new version, 303 to /history/<new> (404 when absent)
Keys: the store's ``kb:*`` (``bot.knowledge.store``).
"""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

from aiohttp import web

from admin.pages import flash, page_context, redirect, render, store_of, user_of
from admin.knowledge_store import ThreadedKnowledgeStore
from bot.knowledge.store import KINDS, PublishError, changed_fields, item_diff, validate_snapshot

routes = web.RouteTableDef()


async def _draft_rows(store: ThreadedKnowledgeStore) -> List[Dict[str, Any]]:
    published = await store.published()
    rows = []
    for key, draft in sorted((await store.drafts()).items()):
        kind, _, item_id = key.partition("/")
        before = published.get(kind, {}).get(item_id)
        after = draft.get("data")
        rows.append({
            "key": key, "kind": kind, "id": item_id, "by": draft.get("by"), "at": draft.get("at"),
            "action": "thêm" if before is None else ("xóa" if after is None else "sửa"),
            "fields": changed_fields(before, after), "diff": item_diff(before, after, f"{key}.yml"),
        })
    return rows


@routes.get("/changes")
async def changes(request: web.Request) -> web.Response:
    store = store_of(request)
    _, problems = validate_snapshot(await store.working())
    return render(request, "changes.html", {**await page_context(request), "rows": await _draft_rows(store), "problems": [str(p) for p in problems], "version": await store.published_version()})


async def _reviewer(request: web.Request, denied_event: str, denied_text: str) -> Tuple[Any, Any]:
    """The user and store when the user may publish; otherwise audit the attempt and refuse (403)."""
    user, store = user_of(request), store_of(request)
    if not user.can_publish:
        await store.audit(user.username, denied_event)
        raise web.HTTPForbidden(text=denied_text)
    return user, store


@routes.post("/publish")
async def publish(request: web.Request) -> web.Response:
    user, store = await _reviewer(request, "publish_denied", "Chỉ người duyệt (reviewer) mới được xuất bản.")
    form = await request.post()
    try:
        version = await store.publish(user.username, str(form.get("message", "")).strip()[:300])
    except PublishError as error:
        await flash(request, str(error) + (" " + "; ".join(str(p) for p in error.problems[:5]) if error.problems else ""), "error")
        raise redirect("/changes")
    await flash(request, f"Đã xuất bản phiên bản {version}. Trợ lý sẽ dùng nội dung mới trong vài giây.")
    raise redirect(f"/history/{version}")


@routes.post("/changes/discard")
async def discard(request: web.Request) -> web.Response:
    form = await request.post()
    key = str(form.get("key", ""))
    store = store_of(request)
    if key in await store.drafts():
        await store.discard_draft(key, user_of(request).username)
        await flash(request, f"Đã bỏ bản nháp “{key}”.")
    raise redirect("/changes")


@routes.get("/history")
async def history(request: web.Request) -> web.Response:
    store = store_of(request)
    return render(request, "history.html", {**await page_context(request), "versions": await store.history(), "current": await store.published_version()})


@routes.get("/history/{n:\\d+}")
async def version_page(request: web.Request) -> web.Response:
    store = store_of(request)
    try:
        number = int(request.match_info["n"])
        snapshot = await store.snapshot(number)
    except (KeyError, ValueError):
        raise web.HTTPNotFound(text="Không có phiên bản này.")
    meta = (await store.version_meta(number)) or {}
    previous: Dict[str, Any] = {kind: {} for kind in KINDS}
    if number > 1:
        try:
            previous = await store.snapshot(number - 1)
        except KeyError:
            pass
    diffs = []
    for kind in KINDS:
        for item_id in sorted(set(previous.get(kind, {})) | set(snapshot.get(kind, {}))):
            before, after = previous.get(kind, {}).get(item_id), snapshot.get(kind, {}).get(item_id)
            if before != after:
                diffs.append({"key": f"{kind}/{item_id}", "lines": item_diff(before, after, f"{kind}/{item_id}.yml")})
    return render(request, "version.html", {**await page_context(request), "meta": meta, "diffs": diffs, "current": await store.published_version(), "n": number})


@routes.post("/history/{n:\\d+}/rollback")
async def rollback(request: web.Request) -> web.Response:
    user, store = await _reviewer(request, "rollback_denied", "Chỉ người duyệt (reviewer) mới được khôi phục phiên bản.")
    try:
        target = int(request.match_info["n"])
        version = await store.rollback(target, user.username)
    except (KeyError, ValueError):
        raise web.HTTPNotFound(text="Không có phiên bản này.")
    await flash(request, f"Đã khôi phục nội dung phiên bản {target} (thành phiên bản {version}).")
    raise redirect(f"/history/{version}")
