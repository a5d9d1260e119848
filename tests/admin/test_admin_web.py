"""The workspace over HTTP (aiohttp test client, Redis db 14): login, roles, CSRF, rate limiting,
escaping, editing, publishing, history, inbox, dashboard."""

from __future__ import annotations

import ipaddress
import json
import re
import subprocess
import sys

import pytest
from aiohttp.test_utils import TestClient, TestServer

from admin import auth
from admin.app import make_app
from bot import analytics
from bot.knowledge.store import KnowledgeStore
from core.redis_keys import UNANSWERED as REDIS_KEY
from tests.admin.helpers import APP_DB, PASSWORDS, Officer, csrf_of
from tests.conftest import redis_url_for

FEE_ID = "cap-doi-giay-phep-lai-xe"
XSS = '<script>alert("xss")</script><img src=x onerror=alert(1)>'


def procedure_form(page_html: str, **changes: str) -> dict:
    """The fields of the edit form as the browser would post them (inputs, textareas, selected options)."""
    fields = {}
    for name, value in re.findall(r'<input name="([^"]+)" value="([^"]*)"', page_html):
        fields[name] = value
    for name, value in re.findall(r'<input name="([^"]+)" type="date" value="([^"]*)"', page_html):
        fields[name] = value
    for name, value in re.findall(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', page_html, re.S):
        fields[name] = value
    for name, value in re.findall(r'<input name="([^"]+)" type="checkbox" value="([^"]*)" checked', page_html):
        fields[name] = value
    for name, body in re.findall(r'<select name="([^"]+)">(.*?)</select>', page_html, re.S):
        selected = re.search(r'<option value="([^"]*)" selected', body)
        fields[name] = selected.group(1) if selected else ""
    import html

    fields = {k: html.unescape(v) for k, v in fields.items()}
    fields.update(changes)
    return fields


async def test_every_page_needs_a_login(workspace) -> None:
    officer, _, _ = workspace
    anonymous = await officer()
    for path in ["/", "/procedures", f"/procedures/{FEE_ID}", "/faq", "/changes", "/history", "/audit", "/import", "/inbox", "/export.xlsx"]:
        response = await anonymous.get(path)
        assert response.status == 303 and response.headers["Location"].startswith("/login"), path
    response = await anonymous.client.post("/publish", data={}, allow_redirects=False)
    assert response.status == 403
    assert (await anonymous.get("/login")).status == 200
    assert (await anonymous.get("/static/admin.css")).status == 200


async def test_login_sets_a_safe_session_cookie_and_logout_ends_it(workspace) -> None:
    officer, client, _ = workspace
    lan = await officer()
    response = await lan.login("lan")
    assert response.status == 303
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    token = response.cookies[auth.COOKIE].value
    assert client.get(f"admin:session:{auth._token_key(token)}") is not None  # sessions live in Redis
    assert not client.keys(f"admin:session:{token}")  # the raw token is not stored
    home = await lan.get("/")
    assert home.status == 200 and "Nguyễn Thị Lan" in await home.text()
    response = await lan.post("/logout")
    assert response.status == 303
    assert (await lan.get("/")).status == 303


async def test_the_login_next_parameter_cannot_leave_the_site(workspace) -> None:
    officer, _, _ = workspace
    person = await officer()
    page = await person.client.get("/login")
    token = csrf_of(await page.text())
    response = await person.client.post(
        "/login", data={"_csrf": token, "username": "lan", "password": PASSWORDS["lan"], "next": "//evil.example/"},
        allow_redirects=False,
    )
    assert response.headers["Location"] == "/"


async def test_a_form_without_its_csrf_token_is_refused(workspace) -> None:
    officer, client, _ = workspace
    lan = await officer("lan")
    store = KnowledgeStore(client, workspace[2])
    page = await lan.get(f"/procedures/{FEE_ID}")
    form = procedure_form(await page.text(), fee_amount_0="150000", action="save")
    no_token = await lan.client.post(f"/procedures/{FEE_ID}", data=form, allow_redirects=False)
    assert no_token.status == 403 and "CSRF" in await no_token.text()
    wrong = await lan.client.post(f"/procedures/{FEE_ID}", data={**form, "_csrf": "x" * 43}, allow_redirects=False)
    assert wrong.status == 403
    assert store.drafts() == {}
    publish = await lan.client.post("/publish", data={"message": "no token"}, allow_redirects=False)
    assert publish.status == 403 and store.published_version() is None
    # the login form is protected too
    login = await (await officer()).client.post("/login", data={"username": "lan", "password": PASSWORDS["lan"]}, allow_redirects=False)
    assert login.status == 403 and auth.COOKIE not in login.cookies
    # with the token it works
    ok = await lan.post(f"/procedures/{FEE_ID}", form)
    assert ok.status == 303 and list(store.drafts()) == [f"procedures/{FEE_ID}"]


async def test_an_editor_drafts_but_cannot_publish_or_roll_back(workspace) -> None:
    officer, client, kb_dir = workspace
    store = KnowledgeStore(client, kb_dir)
    binh = await officer("binh")
    page = await binh.get(f"/procedures/{FEE_ID}")
    response = await binh.post(f"/procedures/{FEE_ID}", procedure_form(await page.text(), fee_amount_0="150.000", action="save"))
    assert response.status == 303
    assert store.working()["procedures"][FEE_ID]["fee"]["items"][0]["amount"] == 150000
    changes = await (await binh.get("/changes")).text()
    assert "cần vai trò người duyệt" in changes
    refused = await binh.post("/publish", {"message": "thử"})
    assert refused.status == 403
    assert store.published_version() is None and store.drafts()
    assert store.audit_log()[0]["action"] == "publish_denied"
    # a reviewer publishes; the editor still cannot roll back
    lan = await officer("lan")
    assert (await lan.post("/publish", {"message": "lệ phí mới"})).status == 303
    assert store.published_version() == 2
    assert (await binh.post("/history/1/rollback")).status == 403
    assert store.published_version() == 2
    assert (await lan.post("/history/1/rollback")).status == 303
    assert store.published()["procedures"][FEE_ID]["fee"]["items"][0]["amount"] == 135000


async def test_twenty_wrong_passwords_lock_the_account(workspace) -> None:
    officer, client, _ = workspace
    attacker = await officer()
    statuses = []
    for _ in range(20):
        statuses.append((await attacker.login("lan", "wrong-password-123")).status)
    assert statuses[: auth.MAX_FAILURES] == [401] * auth.MAX_FAILURES
    assert set(statuses[auth.MAX_FAILURES:]) == {429}
    # even the right password is refused while locked
    locked = await attacker.login("lan", PASSWORDS["lan"])
    assert locked.status == 429 and auth.COOKIE not in locked.cookies
    assert "tạm khóa" in await locked.text()
    # another account from elsewhere is not affected
    assert (await (await officer()).login("binh")).status == 303
    # the lock expires
    for key in client.keys("admin:fail:*"):
        client.delete(key)
    assert (await attacker.login("lan")).status == 303
    actions = [json.loads(e)["action"] for e in client.lrange("kb:audit", 0, -1)]
    assert actions.count("login_failed") == auth.MAX_FAILURES and "login_locked" in actions


async def test_unknown_users_are_rate_limited_the_same_way(workspace) -> None:
    officer, _, _ = workspace
    person = await officer()
    statuses = [(await person.login("khong-ton-tai", "wrong-password-123")).status for _ in range(auth.MAX_FAILURES + 1)]
    assert statuses[-1] == 429 and statuses[0] == 401


async def test_html_in_an_faq_is_escaped_everywhere(workspace) -> None:
    officer, client, kb_dir = workspace
    lan = await officer("lan")
    page = await (await lan.get("/faq/new")).text()
    form = {
        "id": "thu-xss", "question": "Câu hỏi " + XSS, "variants": XSS, "answer": "Trả lời " + XSS,
        "procedure": "", "source_title_0": "Nguồn " + XSS, "source_url_0": "javascript:alert(1)",
        "source_read_on_0": "2026-11-24", "verified_on": "2026-11-24", "action": "save",
    }
    assert "verified_on" in page
    response = await lan.post("/faq/new", form)
    assert response.status == 303, await response.text()
    for path in ["/faq", "/faq/thu-xss", "/changes", "/audit"]:
        html = await (await lan.get(path)).text()
        assert "<script>alert" not in html and "<img src=x" not in html, path
        assert "&lt;script&gt;" in html or path == "/audit", path
    preview = await lan.post("/faq/thu-xss", {**form, "action": "preview"})
    html = await preview.text()
    assert "&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;" in html and "<script>alert" not in html
    response = await (await officer("lan")).get("/faq")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    # the chat text is plain text: the web chat page writes it with textContent
    assert (await lan.post("/publish", {"message": "xss"})).status == 303
    entry = KnowledgeStore(client, kb_dir).published()["faq"]["thu-xss"]
    assert entry["answer"] == "Trả lời " + XSS  # kept as typed; escaping happens at display


async def test_invalid_input_is_shown_with_the_validate_messages(workspace) -> None:
    officer, client, kb_dir = workspace
    lan = await officer("lan")
    page = await (await lan.get(f"/procedures/{FEE_ID}")).text()
    response = await lan.post(f"/procedures/{FEE_ID}", procedure_form(page, fee_amount_0="-1", aliases="xe", action="save"))
    assert response.status == 400
    html = await response.text()
    assert "Chưa lưu được" in html and "fee.items.0.amount" in html and "aliases" in html
    assert KnowledgeStore(client, kb_dir).drafts() == {}


async def test_preview_shows_the_assistant_answer_without_saving(workspace) -> None:
    officer, client, kb_dir = workspace
    lan = await officer("lan")
    page = await (await lan.get(f"/procedures/{FEE_ID}")).text()
    assert "135.000 đồng/lần" in page  # the preview of the current answer
    response = await lan.post(f"/procedures/{FEE_ID}", procedure_form(page, fee_amount_0="160000", action="preview"))
    html = await response.text()
    assert response.status == 200 and "160.000 đồng/lần" in html and "(chưa lưu)" in html
    assert KnowledgeStore(client, kb_dir).drafts() == {}


async def test_the_form_edits_channels_result_and_special_cases_without_losing_any(workspace) -> None:
    officer, client, kb_dir = workspace
    store = KnowledgeStore(client, kb_dir)
    before = store.item("procedures", "dang-ky-khai-sinh")
    lan = await officer("lan")
    page = await (await lan.get("/procedures/dang-ky-khai-sinh")).text()
    assert "Khai sinh quá hạn thì sao?" in page and "Giấy khai sinh (bản chính)" in page
    assert "Trường hợp đặc biệt: Khai sinh quá hạn thì sao?" in page  # the preview shows the special answers
    unchanged = await lan.post("/procedures/dang-ky-khai-sinh", procedure_form(page, action="save"))
    assert unchanged.status == 303
    assert store.item("procedures", "dang-ky-khai-sinh") == before  # posted back as shown: nothing lost
    new_case = procedure_form(
        page, action="save", case_id_2="mat-giay", case_topic_2="lost", case_question_2="Mất giấy khai sinh thì làm sao?",
        case_variants_2="mat giay khai sinh\nlam lai giay khai sinh", case_answer_2="Xin cấp bản sao trích lục khai sinh (thử).",
        case_unclear_2="có", case_sources_2="Luật Hộ tịch 2014 | | 02/12/2026", case_verified_on_2="2026-12-02",
        case_qualifiers_2="mat", channel_kind_2="buu_chinh", channel_fee_2="Gửi qua bưu điện | 20.000 đ | lần", result_validity="",
    )
    new_case.pop("case_unclear_0", None)
    new_case.pop("case_unclear_1", None)  # the box of "qua-han" unticked
    response = await lan.post("/procedures/dang-ky-khai-sinh", new_case)
    assert response.status == 303, await response.text()
    after = store.item("procedures", "dang-ky-khai-sinh")
    assert [c["id"] for c in after["special_cases"]] == ["uy-quyen", "qua-han", "mat-giay"]
    added = after["special_cases"][2]
    assert added["unclear"] is True and added["variants"] == ["mat giay khai sinh", "lam lai giay khai sinh"]
    assert added["sources"] == [{"title": "Luật Hộ tịch 2014", "read_on": "2026-12-02"}]
    assert added["qualifiers"] == ["mat"] and "qualifiers" not in after["special_cases"][0]
    assert "unclear" not in after["special_cases"][1]
    assert after["channels"][2] == {"kind": "buu_chinh", "fee": {"items": [{"case": "Gửi qua bưu điện", "amount": 20000, "unit": "lần"}]}}
    assert after["result"] == {"document": "Giấy khai sinh (bản chính)"}
    # a wrong entry is refused with the validator's message, nothing saved
    page = await (await lan.get("/procedures/dang-ky-khai-sinh")).text()
    wrong = await lan.post("/procedures/dang-ky-khai-sinh", procedure_form(
        page, action="save", channel_kind_1="truc_tiep", case_topic_0="", case_qualifiers_1="khong_co"))
    html = await wrong.text()
    assert wrong.status == 400 and "each channel kind" in html and "special_cases.0.topic" in html
    assert "unknown qualifier(s) khong_co" in html
    assert store.item("procedures", "dang-ky-khai-sinh") == after


async def test_search_ignores_diacritics(workspace) -> None:
    officer, _, _ = workspace
    lan = await officer("lan")
    for query in ["doi bang lai", "đổi bằng lái", "GPLX"]:
        html = await (await lan.get(f"/procedures?q={query}")).text()
        assert "Cấp đổi giấy phép lái xe" in html and "Đăng ký khai sinh" not in html, query
    html = await (await lan.get("/faq?q=dinh danh")).text()
    assert "vneid-muc-2" in html


async def test_create_then_delete_a_procedure(workspace) -> None:
    officer, client, kb_dir = workspace
    store = KnowledgeStore(client, kb_dir)
    lan = await officer("lan")
    form = {
        "id": "dang-ky-ket-hon", "name": "Đăng ký kết hôn", "aliases": "đăng ký kết hôn\nlàm giấy đăng ký kết hôn",
        "documents": "Tờ khai đăng ký kết hôn", "fee_case_0": "", "fee_amount_0": "0", "fee_unit_0": "",
        "deadline": "Ngay trong ngày", "authority": "UBND cấp xã", "online_level": "mot_phan",
        "legal_basis": "Luật Hộ tịch 2014", "source_title_0": "Luật Hộ tịch 2014", "source_read_on_0": "24/11/2026",
        "verified_on": "2026-11-24", "action": "save",
    }
    response = await lan.post("/procedures/new", form)
    assert response.status == 303 and response.headers["Location"] == "/procedures/dang-ky-ket-hon"
    assert store.working()["procedures"]["dang-ky-ket-hon"]["sources"][0]["read_on"] == "2026-11-24"
    duplicate = await lan.post("/procedures/new", form)
    assert duplicate.status == 400 and "đã có" in await duplicate.text()
    # a procedure used by an FAQ cannot be deleted
    await lan.post("/procedures/dang-ky-khai-sinh/delete")
    assert "dang-ky-khai-sinh" in store.working()["procedures"]
    assert (await lan.post("/procedures/dang-ky-ket-hon/delete")).status == 303
    assert "dang-ky-ket-hon" not in store.working()["procedures"] and store.drafts() == {}


async def test_history_shows_who_when_what_and_the_diff(workspace) -> None:
    officer, client, kb_dir = workspace
    lan = await officer("lan")
    page = await (await lan.get(f"/procedures/{FEE_ID}")).text()
    await lan.post(f"/procedures/{FEE_ID}", procedure_form(page, fee_amount_0="150000", action="save"))
    edit = await (await lan.get(f"/procedures/{FEE_ID}")).text()
    assert "Đây là bản nháp" in edit and re.search(r"<ins>\+\s+amount: 150000</ins>", edit)
    await lan.post("/publish", {"message": "Theo Thông tư mới"})
    history = await (await lan.get("/history")).text()
    assert "Theo Thông tư mới" in history and "<td>lan</td>" in history and f"procedures/{FEE_ID}" in history
    version = await (await lan.get("/history/2")).text()
    assert re.search(r"<del>-\s+amount: 135000</del>", version) and re.search(r"<ins>\+\s+amount: 150000</ins>", version)


async def test_inbox_groups_similar_questions_and_turns_a_group_into_an_faq(workspace) -> None:
    officer, client, kb_dir = workspace
    store = KnowledgeStore(client, kb_dir)
    questions = [
        "Làm thẻ bảo hiểm y tế cho con ở đâu?", "lam the bao hiem y te cho con o dau", "làm thẻ bhyt cho con ở đâu vậy",
        "Làm thẻ bảo hiểm y tế cho con ở đâu?", "Sổ hộ khẩu giấy còn dùng được không?", "so ho khau giay con dung duoc khong",
        "Gọi cho tôi số 0912345678",
    ]
    for text in questions:
        client.lpush(REDIS_KEY, json.dumps({"at": "2026-11-24T10:00:00+00:00", "question": text, "reason": "fallback", "channel": "rest"}, ensure_ascii=False))
    lan = await officer("lan")
    html = await (await lan.get("/inbox")).text()
    rows = re.findall(r'<td class="num"><b>(\d+)</b></td>\s*<td><a href="/inbox/([0-9a-f]+)">([^<]+)</a>', html)
    assert [int(r[0]) for r in rows] == [4, 2, 1]
    group_id = rows[0][1]
    # a new FAQ from the group: the form comes prefilled
    form_page = await (await lan.get(f"/faq/new?group={group_id}")).text()
    assert "Làm thẻ bảo hiểm y tế cho con ở đâu?" in form_page and 'name="group"' in form_page
    response = await lan.post("/faq/new", {
        "group": group_id, "id": "the-bhyt-cho-con", "question": "Làm thẻ bảo hiểm y tế cho con ở đâu?",
        "variants": "lam the bao hiem y te cho con o dau\nlàm thẻ bhyt cho con ở đâu vậy",
        "answer": "Trẻ em dưới 6 tuổi được cấp thẻ bảo hiểm y tế khi đăng ký khai sinh.", "procedure": "dang-ky-khai-sinh",
        "source_title_0": "Luật Bảo hiểm y tế", "source_read_on_0": "2026-11-24", "verified_on": "2026-11-24", "action": "save",
    })
    assert response.status == 303
    assert "faq/the-bhyt-cho-con" in store.drafts()
    html = await (await lan.get("/inbox")).text()
    rows = re.findall(r'<td class="num"><b>(\d+)</b></td>\s*<td><a href="/inbox/([0-9a-f]+)">([^<]+)</a>', html)
    assert [int(r[0]) for r in rows] == [2, 1]  # the group left the inbox
    # another group becomes variants of an existing FAQ
    group_id = rows[0][1]
    response = await lan.post(f"/inbox/{group_id}/alias", {"target": "faq/vneid-muc-2", "question": "so ho khau giay con dung duoc khong"})
    assert response.status == 303
    assert "so ho khau giay con dung duoc khong" in store.working()["faq"]["vneid-muc-2"]["variants"]
    # the last one is ignored
    html = await (await lan.get("/inbox")).text()
    last = re.findall(r'href="/inbox/([0-9a-f]+)"', html)[0]
    assert (await lan.post(f"/inbox/{last}/ignore")).status == 303
    assert client.llen(REDIS_KEY) == 0 and client.llen("unanswered:resolved") == 3


async def test_dashboard_counts_conversations_questions_channels_and_procedures(workspace, monkeypatch) -> None:
    officer, client, _ = workspace
    monkeypatch.setenv("REDIS_URL", redis_url_for(APP_DB))
    analytics.record("u1", "rest", FEE_ID)
    analytics.record("u1", "rest", FEE_ID)
    analytics.record("u2", "telegram", None, fallback=True)
    analytics.record("u3", "telegram", "dang-ky-khai-sinh")
    lan = await officer("lan")
    html = await (await lan.get("/")).text()
    cards = re.findall(r'<div class="card[^"]*"><b>(.*?)</b><span>(.*?)</span>', html)
    values = {label: value for value, label in cards}
    assert values["hội thoại"] == "3" and values["câu hỏi"] == "4" and values["chưa trả lời được"] == "25.0%"
    assert "<svg class=\"chart\"" in html and "<rect" in html
    assert re.search(r"<td>telegram</td><td class=\"num\">2</td><td class=\"num\">2</td><td class=\"num\">1 \(50%\)</td>", html)
    assert html.index("Cấp đổi giấy phép lái xe</a></td><td class=\"num\">2") < html.index("Đăng ký khai sinh</a></td><td class=\"num\">1")
    assert not any(b"u1" in k for k in client.keys("stats:*"))  # sender ids are hashed


def test_create_user_command(redis_db) -> None:
    client = redis_db(APP_DB)
    env = {"REDIS_URL": redis_url_for(APP_DB), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "admin.create_user", "Thu.Ha", "--role", "editor", "--name", "Lê Thu Hà", "--password-stdin"],
        input="mot-mat-khau-dai\n", capture_output=True, text=True, env=env, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    user = auth.get_user(client, "thu.ha")
    assert user and user.role == "editor" and user.display_name == "Lê Thu Hà"
    stored = client.hget("admin:user:thu.ha", "hash").decode()
    assert stored.startswith("$argon2id$") and "mot-mat-khau-dai" not in stored
    short = subprocess.run([sys.executable, "-m", "admin.create_user", "x1y", "--password-stdin"], input="short\n",
                           capture_output=True, text=True, env=env, timeout=60)
    assert short.returncode == 1 and "ít nhất" in short.stderr


def test_without_redis_the_workspace_says_so_in_one_line(monkeypatch) -> None:
    from launcher.assistant import start_admin

    monkeypatch.delenv("REDIS_URL", raising=False)
    process, line = start_admin(0)
    assert process is None and "needs Redis" in line and "\n" not in line
    env = {k: v for k, v in __import__("os").environ.items() if k != "REDIS_URL"}
    done = subprocess.run([sys.executable, "-m", "admin"], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 2 and done.stderr.strip().count("\n") == 0 and "needs Redis" in done.stderr


def test_the_run_command_starts_the_workspace(redis_db, monkeypatch, tmp_path) -> None:
    import urllib.request

    from launcher.assistant import start_admin, stop
    from tests.conftest import free_port

    redis_db(APP_DB)
    monkeypatch.setenv("REDIS_URL", redis_url_for(APP_DB))
    port = free_port()
    process, line = start_admin(port)
    try:
        assert process is not None and f"http://localhost:{port}/" in line
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as response:
            assert response.status == 200 and "Đăng nhập" in response.read().decode()
    finally:
        stop([process] if process else [])


# ---------------------------------------------------------------- client address, cookies, fixation

PROXY = ipaddress.ip_network("10.0.0.5/32")


@pytest.mark.parametrize("remote,forwarded,trusted,expected", [
    ("203.0.113.9", "1.2.3.4", (), "203.0.113.9"),              # no trusted proxy: the header is ignored
    ("203.0.113.9", "1.2.3.4", (PROXY,), "203.0.113.9"),        # not from the proxy: ignored
    ("10.0.0.5", "1.2.3.4", (PROXY,), "1.2.3.4"),               # from the proxy: the client it saw
    ("10.0.0.5", "6.6.6.6, 1.2.3.4", (PROXY,), "1.2.3.4"),      # the client's own forged entry is skipped
    ("10.0.0.5", None, (PROXY,), "10.0.0.5"),
    ("10.0.0.5", "not-an-ip", (PROXY,), "10.0.0.5"),
])
def test_client_address_believes_x_forwarded_for_only_from_trusted_proxies(remote, forwarded, trusted, expected):
    from admin.middleware import client_address

    assert client_address(remote, forwarded, trusted) == expected


async def test_forged_x_forwarded_for_does_not_escape_the_address_limit(redis_db, kb_dir) -> None:
    """Without a trusted proxy, an attacker rotating X-Forwarded-For is still one address."""
    client = redis_db(APP_DB)
    server = TestServer(make_app(client, kb_dir))
    attacker = Officer(TestClient(server))
    await attacker.client.start_server()
    try:
        statuses = []
        for n in range(auth.MAX_FAILURES_PER_ADDRESS + 2):
            page = await attacker.client.get("/login")
            response = await attacker.client.post("/login", data={
                "_csrf": csrf_of(await page.text()), "username": f"user{n}", "password": "wrong-password-123"},
                headers={"X-Forwarded-For": f"198.51.100.{n}"}, allow_redirects=False)
            statuses.append(response.status)
    finally:
        await attacker.client.close()
    assert statuses[-1] == 429 and statuses[0] == 401


async def test_login_issues_a_new_session_id_whatever_cookie_the_browser_had(workspace) -> None:
    """Session fixation: an id planted in the officer's browser before login is never the session."""
    officer, client, _ = workspace
    lan = await officer()
    planted = "attacker-chosen-session-id-0123456789"
    lan.client.session.cookie_jar.update_cookies({auth.COOKIE: planted}, lan.client.make_url("/"))
    response = await lan.login("lan")
    issued = response.cookies[auth.COOKIE].value
    assert response.status == 303 and issued != planted and len(issued) >= 40
    assert client.get(f"admin:session:{auth._token_key(planted)}") is None
    assert client.get(f"admin:session:{auth._token_key(issued)}") is not None
    # the old session of a second login is ended, not kept alongside
    again = await officer()
    again.client.session.cookie_jar.update_cookies({auth.COOKIE: issued}, again.client.make_url("/"))
    page = await again.client.get("/login", allow_redirects=False)
    assert page.status == 303  # that browser is logged in already; logging out ends it
    await lan.post("/logout")
    assert client.get(f"admin:session:{auth._token_key(issued)}") is None


async def test_cookies_are_secure_unless_configured_for_http_development(redis_db, kb_dir, monkeypatch) -> None:
    from bot.settings import SettingError, load_security_settings

    assert load_security_settings({}).admin_cookie_secure is True
    assert load_security_settings({"ADMIN_COOKIE_SECURE": "false"}).admin_cookie_secure is False
    with pytest.raises(SettingError, match="ADMIN_COOKIE_SECURE"):
        load_security_settings({"ADMIN_COOKIE_SECURE": "maybe"})
    with pytest.raises(SettingError, match="ADMIN_TRUSTED_PROXIES"):
        load_security_settings({"ADMIN_TRUSTED_PROXIES": "10.0.0.0/33"})
    client = redis_db(APP_DB)
    auth.create_user(client, "lan", PASSWORDS["lan"], "reviewer", "Nguyễn Thị Lan")
    server = TestServer(make_app(client, kb_dir, secure_cookie=True))
    person = Officer(TestClient(server))
    await person.client.start_server()
    try:
        page = await person.client.get("/login")
        csrf_cookie = page.cookies["tldvc_admin_login"]
        # the test client is plain http and so keeps Secure cookies to itself: send the login one by hand
        response = await person.client.post(
            "/login", data={"_csrf": csrf_of(await page.text()), "username": "lan", "password": PASSWORDS["lan"]},
            headers={"Cookie": f"tldvc_admin_login={csrf_cookie.value}"}, allow_redirects=False)
    finally:
        await person.client.close()
    assert "Secure" in page.headers["Set-Cookie"]
    cookie = response.headers.getall("Set-Cookie")
    session = next(c for c in cookie if c.startswith(auth.COOKIE + "="))
    assert response.status == 303 and "Secure" in session and "HttpOnly" in session and "SameSite=Strict" in session
