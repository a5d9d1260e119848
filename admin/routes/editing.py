"""Procedures and FAQ entries: the lists, the edit form with its preview, drafts, deletion. The same
handlers serve both kinds (``{kind}``: procedures or faq).

  GET  /<kind>                  the working items (published with drafts applied), ``q`` searched
                                without diacritics
  GET  /<kind>/new              an empty form (FAQ: ``group=<gid>`` prefills it from an inbox group)
  POST /<kind>/new              an id already in use: 400; then as POST /<kind>/<id>
  GET  /<kind>/<id>             the form, the preview of every answer, the draft's diff (404 when absent)
  POST /<kind>/<id>             ``action=preview``: problems 400, else the preview (200); otherwise the
                                draft is validated against the working knowledge (problems: the form
                                again with them, 400) and saved; a ``group`` leaves the inbox; 303 to
                                the item
  POST /<kind>/<id>/delete      a procedure that FAQ entries link to: a flash, 303 back; else a
                                deletion draft, 303 to the list (404 when absent)
The preview renders with ``bot.knowledge.render``, the chat's own code. Keys: ``kb:drafts``,
``kb:audit`` (``bot.knowledge.store``), ``unanswered`` for the inbox groups.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List

from aiohttp import web

from admin import inbox
from admin.forms import CHANNEL_NAMES, EXTRA_ROWS, FROM_FORM, ONLINE_LEVEL_NAMES, TOPIC_NAMES, channel_cells, special_case_cells
from admin.pages import KIND_NAMES, KIND_PATHS, async_redis_of, find_inbox_group, flash, kind_of, page_context, redirect, render, store_of, user_of
from bot.knowledge import model as models
from bot.knowledge.model import OnlineLevel
from bot.knowledge.render import Aspect, ASPECT_TITLES, render_faq, render_procedure
from admin.knowledge_store import ThreadedKnowledgeStore
from bot.knowledge.store import item_diff, parse_item
from bot.text import search_key

routes = web.RouteTableDef()
KINDS_PATTERN = "{kind:procedures|faq}"
ITEM = f"/{KINDS_PATTERN}/{{id:[a-z0-9-]+}}"


def _search_text(kind: str, data: Dict[str, Any]) -> str:
    if kind == "procedures":
        parts = [data.get("id", ""), data.get("name", ""), *data.get("aliases", [])]
    else:
        parts = [data.get("id", ""), data.get("question", ""), *data.get("variants", []), data.get("answer", "")]
    return search_key(" ".join(parts))


async def item_list(request: web.Request) -> web.Response:
    kind = kind_of(request)
    store = store_of(request)
    working = await store.working()
    drafts = await store.drafts()
    published = await store.published()
    query = request.query.get("q", "").strip()[:200]
    wanted = search_key(query).split()
    rows = []
    for item_id, data in sorted(working[kind].items()):
        text = _search_text(kind, data)
        if wanted and not all(word in text.split() or word in text for word in wanted):
            continue
        status = "nháp" if f"{kind}/{item_id}" in drafts else ""
        if item_id not in published[kind]:
            status = "mới (nháp)"
        rows.append({"id": item_id, "data": data, "status": status})
    deleted = [k.split("/", 1)[1] for k, d in drafts.items() if k.startswith(kind + "/") and d.get("data") is None]
    return render(request, "list.html", {
        **await page_context(request), "kind": kind, "kind_name": KIND_NAMES[kind], "rows": rows, "q": query,
        "deleted": deleted, "total": len(working[kind]),
    })


async def _procedure_ids(store: ThreadedKnowledgeStore) -> List[Dict[str, str]]:
    return [{"id": pid, "name": p.get("name", "")} for pid, p in sorted((await store.working())["procedures"].items())]


async def _form_context(kind: str, data: Dict[str, Any], store: ThreadedKnowledgeStore) -> Dict[str, Any]:
    data = data or {}
    context: Dict[str, Any] = {"kind": kind, "kind_name": KIND_NAMES[kind], "item": data}
    context["sources"] = list(data.get("sources", [])) + [{}] * EXTRA_ROWS
    if kind == "procedures":
        context["fee_items"] = list((data.get("fee") or {}).get("items", [])) + [{}] * EXTRA_ROWS
        context["online_levels"] = [(level.value, ONLINE_LEVEL_NAMES[level.value]) for level in OnlineLevel]
        context["channel_kinds"] = list(CHANNEL_NAMES.items())
        context["channels"] = [channel_cells(way) for way in data.get("channels", [])] + [{}] * (len(CHANNEL_NAMES) - len(data.get("channels", [])))
        context["topics"] = list(TOPIC_NAMES.items())
        context["special_cases"] = [special_case_cells(case) for case in data.get("special_cases", [])] + [{}]
    else:
        context["procedures"] = await _procedure_ids(store)
    return context


def _preview(kind: str, data: Dict[str, Any]) -> List[Dict[str, str]]:
    """How the assistant will answer, rendered by bot.knowledge.render (the same code as the chat)."""
    model = {"procedures": "Procedure", "faq": "FaqEntry"}[kind]
    item = getattr(models, model).parse_obj(data)
    if kind == "faq":
        return [{"title": item.question, "text": render_faq(item)}]
    bubbles = [{"title": ASPECT_TITLES[aspect].capitalize(), "text": render_procedure(item, aspect)} for aspect in Aspect]
    # special cases are answered with their own text; until the chat renders them, the preview shows it as stored
    for case in item.special_cases:
        text = case.answer + ("\n(Quy định hiện hành chưa rõ)" if case.unclear else "")
        bubbles.append({"title": f"Trường hợp đặc biệt: {case.question}", "text": text})
    return bubbles


def _problem_lines(problems: List[Any]) -> List[str]:
    return [p.message for p in problems]


async def item_new(request: web.Request) -> web.Response:
    kind = kind_of(request)
    store = store_of(request)
    data: Dict[str, Any] = {"verified_on": dt.date.today().isoformat()}
    group_id = request.query.get("group", "")
    if kind == "faq" and group_id:
        try:
            group = await find_inbox_group(request, group_id)
            questions = group.distinct()
            data.update({"question": questions[0], "variants": questions[1:]})
        except KeyError:
            await flash(request, "Nhóm câu hỏi này không còn trong hộp thư.", "warn")
            group_id = ""
    return render(request, "edit.html", {**await page_context(request), **await _form_context(kind, data, store), "is_new": True, "group": group_id})


async def item_edit(request: web.Request) -> web.Response:
    kind = kind_of(request)
    store = store_of(request)
    item_id = request.match_info["id"]
    data = await store.item(kind, item_id)
    if data is None:
        raise web.HTTPNotFound(text="Không tìm thấy mục này.")
    draft = await store.draft(kind, item_id)
    published = (await store.published())[kind].get(item_id)
    return render(request, "edit.html", {
        **await page_context(request), **await _form_context(kind, data, store), "is_new": False, "original_id": item_id,
        "preview": _preview(kind, data), "draft": draft,
        "diff": item_diff(published, data, f"{kind}/{item_id}.yml") if draft else [],
    })


async def item_save(request: web.Request) -> web.Response:
    kind = kind_of(request)
    store = store_of(request)
    form = await request.post()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    data = FROM_FORM[kind](fields)
    original_id = request.match_info.get("id")
    is_new = original_id is None
    if original_id:
        data["id"] = original_id  # ids are not renamed in the form
    action = fields.get("action", "save")
    user = user_of(request)
    if is_new and data.get("id") and data["id"] in (await store.working())[kind]:
        problems_text = [f"Mã “{data['id']}” đã có, hãy chọn mã khác."]
        return render(request, "edit.html", {**await page_context(request), **await _form_context(kind, data, store), "is_new": True, "errors": problems_text, "group": fields.get("group", "")}, 400)
    if action == "preview":
        parsed, problems = parse_item(kind, data, await store.working())
        context = {**await page_context(request), **await _form_context(kind, data, store), "is_new": is_new, "original_id": original_id, "group": fields.get("group", "")}
        if parsed is None:
            return render(request, "edit.html", {**context, "errors": _problem_lines(problems)}, 400)
        return render(request, "edit.html", {**context, "preview": _preview(kind, parsed), "previewing": True})
    parsed, problems = await store.save_draft(kind, data, user.username, original_id)
    if parsed is None:
        return render(request, "edit.html", {
            **await page_context(request), **await _form_context(kind, data, store), "is_new": is_new, "original_id": original_id,
            "errors": _problem_lines(problems), "group": fields.get("group", ""),
        }, 400)
    group_id = fields.get("group", "")
    if group_id:
        try:
            group = await find_inbox_group(request, group_id)
            removed = await inbox.resolve_async(async_redis_of(request), group, f"faq:{parsed['id']}", user.username)
            await store.audit(user.username, "inbox_resolved", f"faq/{parsed['id']}", {"questions": removed})
        except KeyError:
            pass
    await flash(request, "Đã lưu bản nháp. " + ("Hãy xuất bản để trợ lý dùng." if user.can_publish else "Người duyệt sẽ xuất bản."))
    raise redirect(f"/{KIND_PATHS[kind]}/{parsed['id']}")


async def item_delete(request: web.Request) -> web.Response:
    kind = kind_of(request)
    item_id = request.match_info["id"]
    store = store_of(request)
    if (await store.item(kind, item_id)) is None:
        raise web.HTTPNotFound()
    if kind == "procedures":
        users = [fid for fid, f in (await store.working())["faq"].items() if f.get("procedure") == item_id]
        if users:
            await flash(request, "Không xóa được: các câu hỏi thường gặp sau đang liên kết tới thủ tục này: " + ", ".join(users), "error")
            raise redirect(f"/procedures/{item_id}")
    await store.delete_item(kind, item_id, user_of(request).username)
    await flash(request, f"Đã đánh dấu xóa “{item_id}” (có hiệu lực khi xuất bản).")
    raise redirect(f"/{KIND_PATHS[kind]}")


# in this order: "new" also matches the id pattern
routes.get(f"/{KINDS_PATTERN}")(item_list)
routes.get(f"/{KINDS_PATTERN}/new")(item_new)
routes.post(f"/{KINDS_PATTERN}/new")(item_save)
routes.get(ITEM)(item_edit)
routes.post(ITEM)(item_save)
routes.post(ITEM + "/delete")(item_delete)
