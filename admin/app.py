"""The officers' workspace: an aiohttp application with server-rendered (Jinja2, autoescaped) pages.

Every page needs a login except /login and /static; every POST carries the session's CSRF token
(``_csrf`` form field or ``X-CSRF-Token`` header); publishing and rollback need the reviewer role.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import json
import logging
import secrets
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

import aiohttp_jinja2
import jinja2
from aiohttp import web

from admin import auth, dashboard, excel, inbox
from admin import personal_data as personal_data_routes
from admin.forms import CHANNEL_NAMES, EXTRA_ROWS, FROM_FORM, ONLINE_LEVEL_NAMES, TOPIC_NAMES, channel_cells, special_case_cells
from bot.knowledge.model import OnlineLevel
from bot.knowledge.render import Aspect, ASPECT_TITLES, render_faq, render_procedure
from bot.knowledge.store import KINDS, KnowledgeStore, PublishError, changed_fields, item_diff, parse_item
from bot.text import search_key
from core.redis_keys import KNOWLEDGE_DRAFTS, UNANSWERED

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
REDIS = web.AppKey("redis", object)
STORE = web.AppKey("store", KnowledgeStore)
SECURE_COOKIE = web.AppKey("secure_cookie", bool)
TRUSTED_PROXIES = web.AppKey("trusted_proxies", tuple)
LOGIN_COOKIE = "tldvc_admin_login"
KIND_NAMES = {"procedures": "Thủ tục", "faq": "Câu hỏi thường gặp"}
KIND_PATHS = {"procedures": "procedures", "faq": "faq"}
IMPORT_TTL = 3600
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


# ---------------------------------------------------------------- helpers


def _redis(request: web.Request) -> Any:
    return request.app[REDIS]


def _store(request: web.Request) -> KnowledgeStore:
    return request.app[STORE]


def _user(request: web.Request) -> auth.User:
    return request["user"]


def client_address(remote: Optional[str], forwarded_for: Optional[str], trusted: Tuple[Any, ...]) -> str:
    """The client's address for the login limits: the connection's peer, unless that peer is one of
    the ``trusted`` proxies (ADMIN_TRUSTED_PROXIES); then the right-most X-Forwarded-For entry that is
    not itself a trusted proxy (entries left of it are written by the client and can be forged)."""

    def is_trusted(address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in trusted)

    address = remote or "?"
    if not trusted or not is_trusted(address):
        return address
    for entry in reversed([part.strip() for part in (forwarded_for or "").split(",") if part.strip()]):
        try:
            ipaddress.ip_address(entry)
        except ValueError:
            return address  # garbage from a proxy we do not control: count it on the proxy
        if not is_trusted(entry):
            return entry
        address = entry
    return address


def _client_address(request: web.Request) -> str:
    return client_address(request.remote, request.headers.get("X-Forwarded-For"), request.app[TRUSTED_PROXIES])


def flash(request: web.Request, message: str, kind: str = "ok") -> None:
    session = request.get("session")
    token = request.get("session_token")
    if session is None or not token:
        return
    session.setdefault("flash", []).append({"kind": kind, "text": message})
    key = auth.session_key(token)
    _redis(request).set(key, json.dumps(session), ex=auth.SESSION_SECONDS)


def _pop_flash(request: web.Request) -> List[Dict[str, str]]:
    session = request.get("session")
    if not session or not session.get("flash"):
        return []
    messages = session.pop("flash")
    key = auth.session_key(request["session_token"])
    _redis(request).set(key, json.dumps(session), ex=auth.SESSION_SECONDS)
    return messages


def redirect(location: str) -> web.HTTPSeeOther:
    return web.HTTPSeeOther(location)


def _render(request: web.Request, template: str, context: Dict[str, Any], status: int = 200) -> web.Response:
    return aiohttp_jinja2.render_template(template, request, context, status=status)


async def _context(request: web.Request) -> Dict[str, Any]:
    user = request.get("user")
    context: Dict[str, Any] = {"user": user, "csrf": (request.get("session") or {}).get("csrf", ""), "path": request.path}
    if user is not None:
        context["flashes"] = _pop_flash(request)
        context["draft_count"] = _redis(request).hlen(KNOWLEDGE_DRAFTS)
        context["inbox_count"] = _redis(request).llen(UNANSWERED)
    return context


# ---------------------------------------------------------------- middlewares


def _add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if not request.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-store")


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as error:
        _add_security_headers(request, error)
        raise
    _add_security_headers(request, response)
    return response


PUBLIC = ("/login", "/static/", "/health", "/favicon.ico")


@web.middleware
async def authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
    token = request.cookies.get(auth.COOKIE)
    session = auth.load_session(_redis(request), token)
    if session is not None:
        user = auth.get_user(_redis(request), session["user"])
        if user is not None:
            request["user"], request["session"], request["session_token"] = user, session, token
    if any(request.path == p or (p.endswith("/") and request.path.startswith(p)) for p in PUBLIC):
        return await handler(request)
    if "user" not in request:
        if request.method == "GET":
            raise redirect("/login?next=" + _safe_next(request.path_qs))
        raise web.HTTPForbidden(text="Phiên làm việc đã hết hạn, hãy đăng nhập lại.")
    return await handler(request)


@web.middleware
async def csrf(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return await handler(request)
    given = request.headers.get("X-CSRF-Token")
    if given is None:
        if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            value = form.get("_csrf")
            given = value if isinstance(value, str) else None
    if request.path == "/login":
        expected = request.cookies.get(LOGIN_COOKIE)
    else:
        expected = (request.get("session") or {}).get("csrf")
    if not auth.same_token(expected, given):
        logger.warning("CSRF check failed on %s", request.path)
        if request.path == "/login":
            return _login_page(request, "Phiên đăng nhập đã hết hạn, hãy thử lại.", status=403)
        raise web.HTTPForbidden(text="Yêu cầu bị từ chối: thiếu hoặc sai mã bảo vệ (CSRF). Hãy tải lại trang và thử lại.")
    return await handler(request)


def _safe_next(target: Optional[str]) -> str:
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


# ---------------------------------------------------------------- login


def _login_page(request: web.Request, error: str = "", status: int = 200, username: str = "") -> web.Response:
    token = request.cookies.get(LOGIN_COOKIE, "")
    if not (40 <= len(token) <= 50 and token.replace("-", "").replace("_", "").isalnum()):
        token = secrets.token_urlsafe(32)  # kept across reloads and other tabs of the login page
    response = _render(request, "login.html", {"csrf": token, "error": error, "username": username, "next": _safe_next(request.query.get("next"))}, status)
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="Strict", secure=request.app[SECURE_COOKIE], max_age=3600, path="/login")
    return response


async def login_get(request: web.Request) -> web.Response:
    if "user" in request:
        raise redirect("/")
    return _login_page(request)


async def login_post(request: web.Request) -> web.Response:
    form = await request.post()
    username = str(form.get("username", "")).strip().lower()[:60]
    password = str(form.get("password", ""))[:1000]
    client = _redis(request)
    loop = asyncio.get_running_loop()
    try:
        user = await loop.run_in_executor(None, auth.check_password, client, username, password, _client_address(request))
    except auth.AuthError:
        KnowledgeStore(client, request.app[STORE].seed_dir).audit(username or "?", "login_locked")
        return _login_page(
            request, f"Đăng nhập sai quá nhiều lần. Tài khoản tạm khóa {auth.LOCK_SECONDS // 60} phút.", 429, username
        )
    if user is None:
        _store(request).audit(username or "?", "login_failed")
        return _login_page(request, "Sai tên đăng nhập hoặc mật khẩu.", 401, username)
    auth.end_session(client, request.cookies.get(auth.COOKIE))  # a session id from before the login never lives on
    token = auth.new_session(client, user)
    _store(request).audit(user.username, "login")
    response = redirect(_safe_next(str(form.get("next", "/"))))
    response.set_cookie(auth.COOKIE, token, httponly=True, samesite="Strict", secure=request.app[SECURE_COOKIE], max_age=auth.SESSION_SECONDS, path="/")
    response.del_cookie(LOGIN_COOKIE, path="/login")
    raise response


async def logout(request: web.Request) -> web.Response:
    auth.end_session(_redis(request), request.get("session_token"))
    _store(request).audit(_user(request).username, "logout")
    response = redirect("/login")
    response.del_cookie(auth.COOKIE, path="/")
    raise response


async def health(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


async def favicon(request: web.Request) -> web.Response:
    return web.Response(status=204)


# ---------------------------------------------------------------- dashboard


async def home(request: web.Request) -> web.Response:
    days = 30
    stats = dashboard.build(_redis(request), _store(request), days)
    return _render(request, "dashboard.html", {**await _context(request), "stats": stats})


# ---------------------------------------------------------------- procedures and FAQ


def _kind(request: web.Request) -> str:
    kind = request.match_info["kind"]
    if kind not in KINDS:
        raise web.HTTPNotFound()
    return kind


def _search_text(kind: str, data: Dict[str, Any]) -> str:
    if kind == "procedures":
        parts = [data.get("id", ""), data.get("name", ""), *data.get("aliases", [])]
    else:
        parts = [data.get("id", ""), data.get("question", ""), *data.get("variants", []), data.get("answer", "")]
    return search_key(" ".join(parts))


async def item_list(request: web.Request) -> web.Response:
    kind = _kind(request)
    store = _store(request)
    working = store.working()
    drafts = store.drafts()
    published = store.published()
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
    return _render(request, "list.html", {
        **await _context(request), "kind": kind, "kind_name": KIND_NAMES[kind], "rows": rows, "q": query,
        "deleted": deleted, "total": len(working[kind]),
    })


def _procedure_ids(store: KnowledgeStore) -> List[Dict[str, str]]:
    return [{"id": pid, "name": p.get("name", "")} for pid, p in sorted(store.working()["procedures"].items())]


def _form_context(kind: str, data: Dict[str, Any], store: KnowledgeStore) -> Dict[str, Any]:
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
        context["procedures"] = _procedure_ids(store)
    return context


def _preview(kind: str, data: Dict[str, Any]) -> List[Dict[str, str]]:
    """How the assistant will answer, rendered by bot.knowledge.render (the same code as the chat)."""
    model = {"procedures": "Procedure", "faq": "FaqEntry"}[kind]
    from bot.knowledge import model as models

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
    kind = _kind(request)
    store = _store(request)
    data: Dict[str, Any] = {"verified_on": dt.date.today().isoformat()}
    group_id = request.query.get("group", "")
    if kind == "faq" and group_id:
        try:
            group = inbox.find_group(_redis(request), group_id)
            questions = group.distinct()
            data.update({"question": questions[0], "variants": questions[1:]})
        except KeyError:
            flash(request, "Nhóm câu hỏi này không còn trong hộp thư.", "warn")
            group_id = ""
    return _render(request, "edit.html", {**await _context(request), **_form_context(kind, data, store), "is_new": True, "group": group_id})


async def item_edit(request: web.Request) -> web.Response:
    kind = _kind(request)
    store = _store(request)
    item_id = request.match_info["id"]
    data = store.item(kind, item_id)
    if data is None:
        raise web.HTTPNotFound(text="Không tìm thấy mục này.")
    draft = store.draft(kind, item_id)
    published = store.published()[kind].get(item_id)
    return _render(request, "edit.html", {
        **await _context(request), **_form_context(kind, data, store), "is_new": False, "original_id": item_id,
        "preview": _preview(kind, data), "draft": draft,
        "diff": item_diff(published, data, f"{kind}/{item_id}.yml") if draft else [],
    })


async def item_save(request: web.Request) -> web.Response:
    kind = _kind(request)
    store = _store(request)
    form = await request.post()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    data = FROM_FORM[kind](fields)
    original_id = request.match_info.get("id")
    is_new = original_id is None
    if original_id:
        data["id"] = original_id  # ids are not renamed in the form
    action = fields.get("action", "save")
    user = _user(request)
    if is_new and data.get("id") and data["id"] in store.working()[kind]:
        problems_text = [f"Mã “{data['id']}” đã có, hãy chọn mã khác."]
        return _render(request, "edit.html", {**await _context(request), **_form_context(kind, data, store), "is_new": True, "errors": problems_text, "group": fields.get("group", "")}, 400)
    if action == "preview":
        parsed, problems = parse_item(kind, data, store.working())
        context = {**await _context(request), **_form_context(kind, data, store), "is_new": is_new, "original_id": original_id, "group": fields.get("group", "")}
        if parsed is None:
            return _render(request, "edit.html", {**context, "errors": _problem_lines(problems)}, 400)
        return _render(request, "edit.html", {**context, "preview": _preview(kind, parsed), "previewing": True})
    parsed, problems = store.save_draft(kind, data, user.username, original_id)
    if parsed is None:
        return _render(request, "edit.html", {
            **await _context(request), **_form_context(kind, data, store), "is_new": is_new, "original_id": original_id,
            "errors": _problem_lines(problems), "group": fields.get("group", ""),
        }, 400)
    group_id = fields.get("group", "")
    if group_id:
        try:
            group = inbox.find_group(_redis(request), group_id)
            removed = inbox.resolve(_redis(request), group, f"faq:{parsed['id']}", user.username)
            store.audit(user.username, "inbox_resolved", f"faq/{parsed['id']}", {"questions": removed})
        except KeyError:
            pass
    flash(request, "Đã lưu bản nháp. " + ("Hãy xuất bản để trợ lý dùng." if user.can_publish else "Người duyệt sẽ xuất bản."))
    raise redirect(f"/{KIND_PATHS[kind]}/{parsed['id']}")


async def item_delete(request: web.Request) -> web.Response:
    kind = _kind(request)
    item_id = request.match_info["id"]
    store = _store(request)
    if store.item(kind, item_id) is None:
        raise web.HTTPNotFound()
    if kind == "procedures":
        users = [fid for fid, f in store.working()["faq"].items() if f.get("procedure") == item_id]
        if users:
            flash(request, "Không xóa được: các câu hỏi thường gặp sau đang liên kết tới thủ tục này: " + ", ".join(users), "error")
            raise redirect(f"/procedures/{item_id}")
    store.delete_item(kind, item_id, _user(request).username)
    flash(request, f"Đã đánh dấu xóa “{item_id}” (có hiệu lực khi xuất bản).")
    raise redirect(f"/{KIND_PATHS[kind]}")


# ---------------------------------------------------------------- changes, publish, history


def _draft_rows(store: KnowledgeStore) -> List[Dict[str, Any]]:
    published = store.published()
    rows = []
    for key, draft in sorted(store.drafts().items()):
        kind, _, item_id = key.partition("/")
        before = published.get(kind, {}).get(item_id)
        after = draft.get("data")
        rows.append({
            "key": key, "kind": kind, "id": item_id, "by": draft.get("by"), "at": draft.get("at"),
            "action": "thêm" if before is None else ("xóa" if after is None else "sửa"),
            "fields": changed_fields(before, after), "diff": item_diff(before, after, f"{key}.yml"),
        })
    return rows


async def changes(request: web.Request) -> web.Response:
    store = _store(request)
    working = store.working()
    from bot.knowledge.store import validate_snapshot

    _, problems = validate_snapshot(working)
    return _render(request, "changes.html", {**await _context(request), "rows": _draft_rows(store), "problems": [str(p) for p in problems], "version": store.published_version()})


def _reviewer(request: web.Request, denied_event: str, denied_text: str) -> Tuple[Any, Any]:
    """The user and store when the user may publish; otherwise audit the attempt and refuse (403)."""
    user, store = _user(request), _store(request)
    if not user.can_publish:
        store.audit(user.username, denied_event)
        raise web.HTTPForbidden(text=denied_text)
    return user, store


async def publish(request: web.Request) -> web.Response:
    user, store = _reviewer(request, "publish_denied", "Chỉ người duyệt (reviewer) mới được xuất bản.")
    form = await request.post()
    try:
        version = store.publish(user.username, str(form.get("message", "")).strip()[:300])
    except PublishError as error:
        flash(request, str(error) + (" " + "; ".join(str(p) for p in error.problems[:5]) if error.problems else ""), "error")
        raise redirect("/changes")
    flash(request, f"Đã xuất bản phiên bản {version}. Trợ lý sẽ dùng nội dung mới trong vài giây.")
    raise redirect(f"/history/{version}")


async def discard(request: web.Request) -> web.Response:
    form = await request.post()
    key = str(form.get("key", ""))
    store = _store(request)
    if key in store.drafts():
        store.discard_draft(key, _user(request).username)
        flash(request, f"Đã bỏ bản nháp “{key}”.")
    raise redirect("/changes")


async def history(request: web.Request) -> web.Response:
    store = _store(request)
    return _render(request, "history.html", {**await _context(request), "versions": store.history(), "current": store.published_version()})


async def version_page(request: web.Request) -> web.Response:
    store = _store(request)
    try:
        number = int(request.match_info["n"])
        snapshot = store.snapshot(number)
    except (KeyError, ValueError):
        raise web.HTTPNotFound(text="Không có phiên bản này.")
    meta = store.version_meta(number) or {}
    previous: Dict[str, Any] = {kind: {} for kind in KINDS}
    if number > 1:
        try:
            previous = store.snapshot(number - 1)
        except KeyError:
            pass
    diffs = []
    for kind in KINDS:
        for item_id in sorted(set(previous.get(kind, {})) | set(snapshot.get(kind, {}))):
            before, after = previous.get(kind, {}).get(item_id), snapshot.get(kind, {}).get(item_id)
            if before != after:
                diffs.append({"key": f"{kind}/{item_id}", "lines": item_diff(before, after, f"{kind}/{item_id}.yml")})
    return _render(request, "version.html", {**await _context(request), "meta": meta, "diffs": diffs, "current": store.published_version(), "n": number})


async def rollback(request: web.Request) -> web.Response:
    user, store = _reviewer(request, "rollback_denied", "Chỉ người duyệt (reviewer) mới được khôi phục phiên bản.")
    try:
        target = int(request.match_info["n"])
        version = store.rollback(target, user.username)
    except (KeyError, ValueError):
        raise web.HTTPNotFound(text="Không có phiên bản này.")
    flash(request, f"Đã khôi phục nội dung phiên bản {target} (thành phiên bản {version}).")
    raise redirect(f"/history/{version}")


async def audit_page(request: web.Request) -> web.Response:
    return _render(request, "audit.html", {**await _context(request), "entries": _store(request).audit_log(300)})


# ---------------------------------------------------------------- Excel


def _stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M")


async def export_xlsx(request: web.Request) -> web.Response:
    store = _store(request)
    body = excel.export_xlsx(store.working())
    store.audit(_user(request).username, "exported", "xlsx")
    return web.Response(body=body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f'attachment; filename="tri-thuc-{_stamp()}.xlsx"'})


async def export_csv(request: web.Request) -> web.Response:
    kind = _kind(request)
    store = _store(request)
    body = excel.export_csv(store.working(), kind)
    store.audit(_user(request).username, "exported", f"csv:{kind}")
    return web.Response(body=body, content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{kind}-{_stamp()}.csv"'})


async def import_page(request: web.Request) -> web.Response:
    return _render(request, "import.html", {**await _context(request)})


async def import_upload(request: web.Request) -> web.Response:
    form = await request.post()
    upload = form.get("file")
    if upload is None or isinstance(upload, str) or not getattr(upload, "filename", ""):
        flash(request, "Hãy chọn một tệp .xlsx hoặc .csv.", "error")
        raise redirect("/import")
    content = upload.file.read(20 * 1024 * 1024 + 1)
    if len(content) > 20 * 1024 * 1024:
        flash(request, "Tệp quá lớn (tối đa 20 MB).", "error")
        raise redirect("/import")
    store = _store(request)
    loop = asyncio.get_running_loop()
    rows, file_errors = await loop.run_in_executor(None, excel.read_upload, upload.filename, content)
    report = await loop.run_in_executor(None, excel.dry_run, rows, store.working(), file_errors)
    token = secrets.token_urlsafe(16)
    _redis(request).set(f"admin:import:{token}", json.dumps({"report": report.to_json(), "user": _user(request).username, "file": upload.filename}, ensure_ascii=False), ex=IMPORT_TTL)
    store.audit(_user(request).username, "import_dry_run", upload.filename, {"added": len(report.added), "changed": len(report.changed), "errors": len(report.errors)})
    return _render(request, "import.html", {**await _context(request), "report": report, "token": token, "filename": upload.filename})


async def import_apply(request: web.Request) -> web.Response:
    form = await request.post()
    token = str(form.get("token", ""))
    raw = _redis(request).get(f"admin:import:{token}") if token else None
    if raw is None:
        flash(request, "Báo cáo nhập đã hết hạn, hãy tải tệp lên lại.", "error")
        raise redirect("/import")
    saved = json.loads(raw)
    store = _store(request)
    user = _user(request).username
    applied, failed = 0, []
    for entry in saved["report"]["items"]:
        parsed, problems = store.save_draft(entry["kind"], entry["data"], user)
        if parsed is None:
            failed.append(f"{entry['data'].get('id')}: " + "; ".join(p.message for p in problems))
        else:
            applied += 1
    _redis(request).delete(f"admin:import:{token}")
    store.audit(user, "import_applied", saved.get("file", ""), {"drafts": applied, "failed": len(failed)})
    flash(request, f"Đã nhập {applied} mục thành bản nháp." + (" Không nhập được: " + "; ".join(failed) if failed else ""), "error" if failed else "ok")
    raise redirect("/changes")


# ---------------------------------------------------------------- inbox


async def inbox_page(request: web.Request) -> web.Response:
    groups = inbox.groups(_redis(request))
    return _render(request, "inbox.html", {**await _context(request), "groups": groups})


async def inbox_group(request: web.Request) -> web.Response:
    try:
        group = inbox.find_group(_redis(request), request.match_info["gid"])
    except KeyError:
        flash(request, "Nhóm câu hỏi này không còn trong hộp thư.", "warn")
        raise redirect("/inbox")
    store = _store(request)
    working = store.working()
    targets = [{"value": f"faq/{i}", "label": f"FAQ: {d.get('question', '')}"} for i, d in sorted(working["faq"].items())]
    targets += [{"value": f"procedures/{i}", "label": f"Thủ tục: {d.get('name', '')}"} for i, d in sorted(working["procedures"].items())]
    suggestion = None
    try:
        from bot.knowledge.faq_search import FaqIndex
        from bot.knowledge.model import FaqEntry

        index = FaqIndex([FaqEntry.parse_obj(d) for d in working["faq"].values()])
        hit = index.search(group.title)
        if hit and hit.score > 0.2:
            suggestion = f"faq/{hit.entry.id}"
    except Exception:  # a suggestion is a convenience only
        suggestion = None
    return _render(request, "inbox_group.html", {**await _context(request), "group": group, "targets": targets, "suggestion": suggestion})


async def inbox_alias(request: web.Request) -> web.Response:
    form = await request.post()
    store = _store(request)
    user = _user(request)
    try:
        group = inbox.find_group(_redis(request), request.match_info["gid"])
    except KeyError:
        raise redirect("/inbox")
    target = str(form.get("target", ""))
    kind, _, item_id = target.partition("/")
    chosen = [q for q in form.getall("question", []) if isinstance(q, str)] or group.distinct()
    data = store.item(kind, item_id) if kind in KINDS else None
    if data is None:
        flash(request, "Hãy chọn mục cần thêm cách hỏi.", "error")
        raise redirect(f"/inbox/{group.id}")
    field = "variants" if kind == "faq" else "aliases"
    existing = list(data.get(field, []))
    keys = {search_key(x) for x in existing}
    added = [q for q in chosen if search_key(q) not in keys and not keys.add(search_key(q))]
    updated = {**data, field: existing + added}
    parsed, problems = store.save_draft(kind, updated, user.username, item_id)
    if parsed is None:
        flash(request, "Không thêm được: " + "; ".join(p.message for p in problems), "error")
        raise redirect(f"/inbox/{group.id}")
    removed = inbox.resolve(_redis(request), group, f"alias:{target}", user.username)
    store.audit(user.username, "inbox_resolved", target, {"questions": removed, "added": len(added)})
    flash(request, f"Đã thêm {len(added)} cách hỏi vào “{item_id}” (bản nháp). Nhóm đã rời hộp thư.")
    raise redirect("/inbox")


async def inbox_ignore(request: web.Request) -> web.Response:
    user = _user(request)
    try:
        group = inbox.find_group(_redis(request), request.match_info["gid"])
    except KeyError:
        raise redirect("/inbox")
    removed = inbox.resolve(_redis(request), group, "ignored", user.username)
    _store(request).audit(user.username, "inbox_ignored", group.id, {"questions": removed})
    flash(request, f"Đã bỏ qua {removed} câu hỏi.")
    raise redirect("/inbox")


# ---------------------------------------------------------------- the app


def _money(value: Any) -> str:
    try:
        return f"{int(value):,}".replace(",", ".")
    except (TypeError, ValueError):
        return str(value)


def _when(value: Any) -> str:
    """ISO time (UTC) -> "24/11/2026 23:19 UTC"."""
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value or "")
    return moment.strftime("%d/%m/%Y %H:%M") + (" UTC" if moment.utcoffset() == dt.timedelta(0) else "")


def make_app(client: Any, knowledge_dir: Path, secure_cookie: bool = False, trusted_proxies: tuple = ()) -> web.Application:
    """``secure_cookie``: cookies marked Secure (ADMIN_COOKIE_SECURE; only http:// development turns it
    off); ``trusted_proxies``: ip_network objects whose X-Forwarded-For is believed (ADMIN_TRUSTED_PROXIES)."""
    app = web.Application(middlewares=[security_headers, authenticate, csrf], client_max_size=21 * 1024 * 1024)
    app[REDIS] = client
    app[STORE] = KnowledgeStore(client, knowledge_dir)
    app[SECURE_COOKIE] = secure_cookie
    app[TRUSTED_PROXIES] = tuple(trusted_proxies)
    env = aiohttp_jinja2.setup(
        app, loader=jinja2.FileSystemLoader(str(HERE / "templates")), autoescape=True,
        context_processors=[], filters={"money": _money, "when": _when},
    )
    env.globals.update({"KIND_NAMES": KIND_NAMES, "ONLINE_LEVEL_NAMES": ONLINE_LEVEL_NAMES, "ROLES": auth.ROLES})
    app.router.add_get("/login", login_get)
    app.router.add_post("/login", login_post)
    app.router.add_post("/logout", logout)
    app.router.add_get("/health", health)
    app.router.add_get("/favicon.ico", favicon)
    app.router.add_get("/", home)
    app.router.add_get("/changes", changes)
    app.router.add_post("/publish", publish)
    app.router.add_post("/changes/discard", discard)
    app.router.add_get("/history", history)
    app.router.add_get("/history/{n:\\d+}", version_page)
    app.router.add_post("/history/{n:\\d+}/rollback", rollback)
    app.router.add_get("/audit", audit_page)
    app.router.add_get("/export.xlsx", export_xlsx)
    app.router.add_get("/export/{kind}.csv", export_csv)
    app.router.add_get("/import", import_page)
    app.router.add_post("/import", import_upload)
    app.router.add_post("/import/apply", import_apply)
    app.router.add_get("/inbox", inbox_page)
    app.router.add_get("/inbox/{gid:[0-9a-f]+}", inbox_group)
    app.router.add_post("/inbox/{gid:[0-9a-f]+}/alias", inbox_alias)
    app.router.add_post("/inbox/{gid:[0-9a-f]+}/ignore", inbox_ignore)
    kinds = "{kind:procedures|faq}"
    app.router.add_get(f"/{kinds}", item_list)
    app.router.add_get(f"/{kinds}/new", item_new)
    app.router.add_post(f"/{kinds}/new", item_save)
    app.router.add_get(f"/{kinds}/{{id:[a-z0-9-]+}}", item_edit)
    app.router.add_post(f"/{kinds}/{{id:[a-z0-9-]+}}", item_save)
    app.router.add_post(f"/{kinds}/{{id:[a-z0-9-]+}}/delete", item_delete)
    personal_data_routes.add_routes(app)
    app.router.add_static("/static/", HERE / "static")
    return app
