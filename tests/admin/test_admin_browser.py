"""The workspace in a real browser (Playwright driving Debian's Chromium) against the running assistant.

Proves that a published edit reaches the running Rasa and action servers within seconds, without a
restart: log in, edit a fee, publish, ask the assistant over its REST channel and see the new fee;
roll back and see the old fee. Also the Excel round trip and an XSS payload in the web chat.

The workspace runs as its own process (``python -m admin``) on the assistant's Redis database (10)
with the fixture knowledge as its seed; everything it published is removed afterwards, so the
assistant goes back to the YAML files of knowledge/. Set ADMIN_SCREENSHOTS_DIR to keep screenshots
of the main pages (docs/screenshots/ was made this way).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Callable, Iterator, Optional

import pytest
import redis
from openpyxl import load_workbook

from admin import auth
from bot.settings import PROJECT_ROOT
from tests.admin.helpers import FIXTURE_KNOWLEDGE, PASSWORDS
from tests.conftest import ASSISTANT_REDIS_DB, REDIS_HOST, REDIS_PORT, free_port, redis_url_for

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
FEE_ID = "cap-doi-giay-phep-lai-xe"
FEE_QUESTION = "Lệ phí đổi bằng lái xe là bao nhiêu?"
FIXTURE_MARK = "Thông tư 35/2024/TT-BCA"  # the fixture's legal basis, shown in every answer about it
PUBLISH_DEADLINE = 30.0
SCREENSHOTS = os.environ.get("ADMIN_SCREENSHOTS_DIR")


def _wait_until(check: Callable[[], Optional[object]], seconds: float, what: str) -> object:
    """Poll ``check`` until it returns something truthy; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def _answer(assistant, text: str) -> str:
    return "\n".join(m.get("text", "") for m in assistant.conversation()(text))


@pytest.fixture(scope="module")
def chromium() -> str:
    if not Path(CHROMIUM).exists():
        script = PROJECT_ROOT / "scripts" / "install_test_system_deps.sh"
        subprocess.run(["bash", str(script)], check=False, timeout=900)
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run scripts/install_test_system_deps.sh (as root)")
    return CHROMIUM


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def _clean_workspace_keys(client: redis.Redis) -> None:
    for pattern in ("kb:*", "admin:*", "unanswered*"):
        for key in client.scan_iter(pattern):
            client.delete(key)


@pytest.fixture(scope="module")
def workspace_url(assistant, tmp_path_factory) -> Iterator[str]:
    """The workspace process on the assistant's Redis database, seeded with the fixture knowledge."""
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=ASSISTANT_REDIS_DB)
    _clean_workspace_keys(client)
    auth.create_user(client, "lan", PASSWORDS["lan"], "reviewer", "Nguyễn Thị Lan")
    auth.create_user(client, "binh", PASSWORDS["binh"], "editor", "Trần Văn Bình")
    seed = tmp_path_factory.mktemp("seed") / "knowledge"
    shutil.copytree(FIXTURE_KNOWLEDGE, seed)
    port = free_port()
    env = {**os.environ, "REDIS_URL": redis_url_for(ASSISTANT_REDIS_DB), "KNOWLEDGE_DIR": str(seed), "PYTHONPATH": str(PROJECT_ROOT),
           "ADMIN_COOKIE_SECURE": "false"}  # plain http to 127.0.0.1
    process = subprocess.Popen([sys.executable, "-m", "admin", "--port", str(port)], cwd=PROJECT_ROOT, env=env)
    url = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        if process.poll() is not None:
            raise AssertionError("the workspace process exited")
        try:
            with urllib.request.urlopen(url + "/health", timeout=2):
                return True
        except OSError:
            return False

    try:
        _wait_until(healthy, 60, "the workspace to start")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        _clean_workspace_keys(client)
        # nothing published any more: the assistant goes back to knowledge/ within KNOWLEDGE_RELOAD_SECONDS
        _wait_until(lambda: FIXTURE_MARK not in _answer(assistant, FEE_QUESTION), PUBLISH_DEADLINE, "the assistant to leave the test knowledge")


@pytest.fixture
def page(browser, workspace_url):
    client = _redis()
    for username, role in (("lan", "reviewer"), ("binh", "editor")):  # (again: other runs may share database 10)
        if auth.get_user(client, username) is None:
            auth.create_user(client, username, PASSWORDS[username], role, {"lan": "Nguyễn Thị Lan", "binh": "Trần Văn Bình"}[username])
    context = browser.new_context(base_url=workspace_url, locale="vi-VN", viewport={"width": 1280, "height": 860}, accept_downloads=True)
    tab = context.new_page()
    tab.on("dialog", lambda dialog: dialog.accept())  # the "are you sure?" confirmations
    yield tab
    context.close()


def shot(page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


def login(page, username: str) -> None:
    page.goto("/login")
    shot(page, "01-login") if username == "lan" else None
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORDS[username])
    page.click("button:has-text('Đăng nhập')")
    try:
        page.wait_for_url("**/", timeout=20000)
    except Exception:
        raise AssertionError(f"login failed: {page.url} {page.locator('main').inner_text()}")
    assert page.locator("header .who").inner_text().startswith(auth.get_user(_redis(), username).display_name)


def _redis() -> redis.Redis:
    return redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=ASSISTANT_REDIS_DB)


def publish(page, message: str) -> None:
    page.goto("/changes")
    page.fill("input[name=message]", message)
    with page.expect_navigation():
        page.click("button:has-text('Xuất bản')")
    assert "/history/" in page.url
    assert "Đã xuất bản phiên bản" in page.locator(".flash").first.inner_text()


def wait_for_fee(assistant, amount: str) -> str:
    return _wait_until(
        lambda: (lambda text: text if amount in text else None)(_answer(assistant, FEE_QUESTION)),
        PUBLISH_DEADLINE, f"the assistant to answer {amount}",
    )


def test_edit_a_fee_publish_and_roll_back(page, assistant) -> None:
    login(page, "lan")
    page.goto("/procedures")
    page.fill("input[name=q]", "doi bang lai")
    page.click("button:has-text('Tìm')")
    shot(page, "03-procedures")
    page.click("a:has-text('Cấp đổi giấy phép lái xe')")
    assert page.input_value("input[name=fee_amount_0]") == "135000"
    page.fill("input[name=fee_amount_0]", "150.000")
    page.click("button:has-text('Xem trước câu trả lời')")
    assert "150.000 đồng/lần" in page.locator("aside.preview").inner_text()
    shot(page, "04-edit-preview")
    with page.expect_navigation():
        page.click("button:has-text('Lưu bản nháp')")
    assert "Đã lưu bản nháp" in page.locator(".flash").first.inner_text()
    page.goto("/changes")
    shot(page, "05-changes")
    publish(page, "Lệ phí mới theo biểu phí 2026")
    shot(page, "06-version-diff")
    answer = wait_for_fee(assistant, "150.000 đồng")
    assert "135.000" not in answer

    page.goto("/history")
    shot(page, "07-history")
    row = page.locator("tr", has=page.locator("a", has_text="v1"))
    with page.expect_navigation():
        row.locator("button:has-text('Khôi phục')").click()
    assert "Đã khôi phục nội dung phiên bản 1" in page.locator(".flash").first.inner_text()
    answer = wait_for_fee(assistant, "135.000 đồng")
    assert "150.000" not in answer


def test_excel_round_trip(page, assistant, tmp_path) -> None:
    login(page, "lan")
    page.goto("/import")
    with page.expect_download() as download_info:
        page.click("a:has-text('Tải tệp Excel')")
    exported = tmp_path / "export.xlsx"
    download_info.value.save_as(exported)
    workbook = load_workbook(exported)
    sheet = workbook["Thủ tục"]
    fee_column = next(c.column for c in sheet[1] if str(c.value).startswith("Lệ phí"))
    fee_row = next(r[0].row for r in sheet.iter_rows(min_row=2) if r[0].value == FEE_ID)
    sheet.cell(fee_row, fee_column).value = "Nộp hồ sơ trực tiếp | 180000 | lần"
    edited = tmp_path / "edited.xlsx"
    workbook.save(edited)

    page.set_input_files("input[name=file]", str(edited))
    page.click("button:has-text('Kiểm tra')")
    report = page.locator("section.report").inner_text()
    assert "1 mục thay đổi" in report and f"dòng {fee_row}: {FEE_ID}" in report and "0 lỗi" in report
    shot(page, "08-import-dry-run")
    with page.expect_navigation():
        page.click("button:has-text('Nhập 1 mục thành bản nháp')")
    assert "Đã nhập 1 mục" in page.locator(".flash").first.inner_text()
    publish(page, "Nhập từ Excel")
    wait_for_fee(assistant, "180.000 đồng")


def test_an_editor_cannot_publish(page) -> None:
    login(page, "binh")
    page.goto(f"/procedures/{FEE_ID}")
    page.fill("input[name=deadline]", "Không quá 3 ngày làm việc")
    with page.expect_navigation():
        page.click("button:has-text('Lưu bản nháp')")
    page.goto("/changes")
    button = page.locator("form.publish button")
    assert button.is_disabled() and "người duyệt" in button.inner_text()
    version = _redis().get("kb:version")
    # even a hand-made request is refused
    status = page.evaluate(
        """async () => {
            const csrf = document.querySelector("input[name=_csrf]").value;
            const body = new URLSearchParams({_csrf: csrf, message: "thử"});
            return (await fetch("/publish", {method: "POST", body})).status;
        }"""
    )
    assert status == 403 and _redis().get("kb:version") == version
    page.goto("/changes")
    page.click("button:has-text('Bỏ bản nháp')")


def test_xss_in_an_faq_stays_text_in_the_workspace_and_the_web_chat(page, assistant, workspace_url) -> None:
    payload = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
    login(page, "lan")
    page.goto("/faq/new")
    page.fill("input[name=id]", "gio-lam-viec-mot-cua")
    page.fill("input[name=question]", "Bộ phận một cửa làm việc giờ nào?")
    page.fill("textarea[name=variants]", "mot cua lam viec may gio\ngiờ làm việc của bộ phận một cửa")
    page.fill("textarea[name=answer]", "Từ 7 giờ 30 đến 17 giờ các ngày làm việc. " + payload)
    page.fill("input[name=source_title_0]", "Quy chế một cửa " + payload)
    page.fill("input[name=source_read_on_0]", "2026-11-24")
    page.click("button:has-text('Xem trước câu trả lời')")
    assert payload in page.locator("aside.preview").inner_text()
    with page.expect_navigation():
        page.click("button:has-text('Lưu bản nháp')")
    page.goto("/faq")
    page.goto("/changes")
    assert page.evaluate("window.__xss") is None and page.locator("img[src=x]").count() == 0
    publish(page, "Giờ làm việc")
    assert page.evaluate("window.__xss") is None

    # the web chat page, against the same running assistant
    port = free_port()
    chat = subprocess.Popen(
        [sys.executable, "-c", "import asyncio, sys; from channels.webchat.server import serve_forever; "
         "asyncio.run(serve_forever(int(sys.argv[1]), sys.argv[2]))", str(port), assistant.url],
        cwd=PROJECT_ROOT, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )
    try:
        def chat_up() -> bool:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                    return True
            except OSError:
                return False

        _wait_until(chat_up, 30, "the web chat page")
        _wait_until(lambda: "7 giờ 30" in _answer(assistant, "Bộ phận một cửa làm việc giờ nào?"), PUBLISH_DEADLINE, "the new FAQ")
        page.goto(f"http://127.0.0.1:{port}/")
        page.fill("#text", "Bộ phận một cửa làm việc giờ nào?")
        page.press("#text", "Enter")
        bot = page.locator(".msg.bot").first
        bot.wait_for(timeout=30000)
        assert payload in bot.inner_text()
        assert page.evaluate("window.__xss") is None and page.locator("img[src=x]").count() == 0
    finally:
        chat.terminate()
        chat.wait(timeout=15)


def test_inbox_and_dashboard(page, assistant) -> None:
    talk = assistant.conversation()
    questions = ["Xin cấp phép nuôi chim yến ở đâu?", "xin phep nuoi chim yen o dau", "Cấp phép nuôi chim yến cần gì, gọi 0912345678"]
    for text in questions:
        talk(text)
    client = _redis()
    _wait_until(lambda: client.llen("unanswered") >= 1, 10, "the unanswered questions")
    # and what other channels recorded, through the same recorder
    from bot.unanswered import record_unanswered

    for text, channel in [
        ("Làm thẻ bảo hiểm y tế cho con ở đâu?", "telegram"), ("lam the bao hiem y te cho con o dau", "zalo"),
        ("Làm thẻ bảo hiểm y tế cho con ở đâu vậy, số tôi 0987654321", "rest"),
        ("Sổ hộ khẩu giấy còn dùng được không?", "telegram"), ("so ho khau giay con dung duoc khong", "zalo"),
    ]:
        record_unanswered(text, "fallback", channel)
    stored = b" ".join(client.lrange("unanswered", 0, -1))
    assert b"0912345678" not in stored and b"0987654321" not in stored  # masked before it is stored
    login(page, "lan")
    shot(page, "02-dashboard")
    assert int(page.locator(".card").nth(1).locator("b").inner_text()) >= 1  # questions counted
    page.goto("/inbox")
    shot(page, "09-inbox")
    rows = page.locator("table.list tbody tr")
    assert rows.count() >= 3
    assert int(rows.first.locator("td").first.inner_text()) == 3  # the three ways of asking about BHYT
    first = rows.first.locator("a")
    title = first.inner_text()
    first.click()
    shot(page, "10-inbox-group")
    page.click("a:has-text('Tạo câu hỏi thường gặp mới')")
    assert page.input_value("input[name=question]") == title
    page.fill("input[name=id]", "nuoi-chim-yen")
    page.fill("textarea[name=answer]", "Việc nuôi chim yến cần đăng ký với Ủy ban nhân dân cấp xã nơi có nhà yến.")
    page.fill("input[name=source_title_0]", "Nghị định 13/2020/NĐ-CP")
    page.fill("input[name=source_read_on_0]", "2026-11-24")
    with page.expect_navigation():
        page.click("button:has-text('Lưu bản nháp')")
    page.goto("/inbox")
    assert title not in page.locator("main").inner_text()
