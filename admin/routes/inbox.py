"""The inbox of unanswered questions (grouping: ``admin.inbox``).

  GET  /inbox                 the groups, largest first
  GET  /inbox/<gid>           one group, the items it could join, the closest FAQ suggested
                              (a group no longer there: a flash, 303 to /inbox)
  POST /inbox/<gid>/alias     the chosen questions become variants of the FAQ entry or aliases of the
                              procedure ``target`` (a draft, validated as every draft); the group leaves
                              the inbox (audited inbox_resolved), 303 to /inbox; no target or an invalid
                              draft: a flash, 303 back to the group
  POST /inbox/<gid>/ignore    the group leaves the inbox (audited inbox_ignored), 303 to /inbox
A new FAQ from a group is the edit page's (``/faq/new?group=<gid>``, ``admin.routes.editing``).
Keys: ``unanswered`` and ``unanswered:resolved``.
"""

from __future__ import annotations

from aiohttp import web

from admin import inbox
from admin.pages import async_redis_of, find_inbox_group, flash, inbox_groups, page_context, redirect, render, store_of, user_of
from bot.knowledge.faq_search import FaqIndex
from bot.knowledge.model import FaqEntry
from bot.knowledge.store import KINDS
from bot.text import search_key

routes = web.RouteTableDef()
GROUP = "/inbox/{gid:[0-9a-f]+}"


@routes.get("/inbox")
async def inbox_page(request: web.Request) -> web.Response:
    groups = await inbox_groups(request)
    return render(request, "inbox.html", {**await page_context(request), "groups": groups})


@routes.get(GROUP)
async def inbox_group(request: web.Request) -> web.Response:
    try:
        group = await find_inbox_group(request, request.match_info["gid"])
    except KeyError:
        await flash(request, "Nhóm câu hỏi này không còn trong hộp thư.", "warn")
        raise redirect("/inbox")
    store = store_of(request)
    working = await store.working()
    targets = [{"value": f"faq/{i}", "label": f"FAQ: {d.get('question', '')}"} for i, d in sorted(working["faq"].items())]
    targets += [{"value": f"procedures/{i}", "label": f"Thủ tục: {d.get('name', '')}"} for i, d in sorted(working["procedures"].items())]
    suggestion = None
    try:
        index = FaqIndex([FaqEntry.parse_obj(d) for d in working["faq"].values()])
        hit = index.search(group.title)
        if hit and hit.score > 0.2:
            suggestion = f"faq/{hit.entry.id}"
    except ValueError:  # a draft FAQ entry that does not validate (pydantic's errors are ValueErrors): no suggestion
        suggestion = None
    return render(request, "inbox_group.html", {**await page_context(request), "group": group, "targets": targets, "suggestion": suggestion})


@routes.post(GROUP + "/alias")
async def inbox_alias(request: web.Request) -> web.Response:
    form = await request.post()
    store = store_of(request)
    user = user_of(request)
    try:
        group = await find_inbox_group(request, request.match_info["gid"])
    except KeyError:
        raise redirect("/inbox")
    target = str(form.get("target", ""))
    kind, _, item_id = target.partition("/")
    chosen = [q for q in form.getall("question", []) if isinstance(q, str)] or group.distinct()
    data = (await store.item(kind, item_id)) if kind in KINDS else None
    if data is None:
        await flash(request, "Hãy chọn mục cần thêm cách hỏi.", "error")
        raise redirect(f"/inbox/{group.id}")
    field = "variants" if kind == "faq" else "aliases"
    existing = list(data.get(field, []))
    keys = {search_key(x) for x in existing}
    added = [q for q in chosen if search_key(q) not in keys and not keys.add(search_key(q))]
    updated = {**data, field: existing + added}
    parsed, problems = await store.save_draft(kind, updated, user.username, item_id)
    if parsed is None:
        await flash(request, "Không thêm được: " + "; ".join(p.message for p in problems), "error")
        raise redirect(f"/inbox/{group.id}")
    removed = await inbox.resolve_async(async_redis_of(request), group, f"alias:{target}", user.username)
    await store.audit(user.username, "inbox_resolved", target, {"questions": removed, "added": len(added)})
    await flash(request, f"Đã thêm {len(added)} cách hỏi vào “{item_id}” (bản nháp). Nhóm đã rời hộp thư.")
    raise redirect("/inbox")


@routes.post(GROUP + "/ignore")
async def inbox_ignore(request: web.Request) -> web.Response:
    user = user_of(request)
    try:
        group = await find_inbox_group(request, request.match_info["gid"])
    except KeyError:
        raise redirect("/inbox")
    removed = await inbox.resolve_async(async_redis_of(request), group, "ignored", user.username)
    await store_of(request).audit(user.username, "inbox_ignored", group.id, {"questions": removed})
    await flash(request, f"Đã bỏ qua {removed} câu hỏi.")
    raise redirect("/inbox")
