"""Every service answers its operators over real HTTP: ``/metrics`` (Prometheus text), ``/health/live``
and ``/health/ready`` (Redis), with no login or secret, and no personal data in the metrics: the web
chat page, the officers' workspace, the action server (its own process) and, with the running
assistant, the Rasa server and the action server after real turns. The status API and the workers:
tests/status/test_status_metrics.py, tests/notifications/test_notif_metrics.py."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
import requests
from aiohttp.test_utils import TestClient, TestServer

from admin.app import make_app as admin_app
from bot.settings import PROJECT_ROOT
from channels.webchat.server import make_app as webchat_app
from tests.admin.helpers import APP_DB, FIXTURE_KNOWLEDGE
from tests.fakes.base import free_port
from tests.prometheus import label_values, sample


async def test_web_chat_page_serves_metrics_and_health_and_counts_requests():
    client = TestClient(TestServer(webchat_app(f"http://127.0.0.1:{free_port()}")))  # Rasa not running
    await client.start_server()
    try:
        before = await (await client.get("/metrics")).text()
        answer = await client.post("/webhooks/webchat/webhook", json={"message": "Tôi là Nguyễn Văn An, 0912345678"})
        assert answer.status == 502
        assert (await client.get("/health/live")).status == 200
        assert (await client.get("/health/ready")).status == 200  # the page needs neither Redis nor Rasa
        after = await (await client.get("/metrics")).text()
        assert sample(after, "http_requests_total", service="webchat", status="5xx") - \
            sample(before, "http_requests_total", service="webchat", status="5xx") == 1
        assert "0912345678" not in after and "Nguyễn" not in after
    finally:
        await client.close()


async def test_workspace_operator_routes_need_no_login(redis_db):
    client = TestClient(TestServer(admin_app(redis_db(APP_DB), FIXTURE_KNOWLEDGE)))
    await client.start_server()
    try:
        for path in ("/metrics", "/health/live", "/health/ready"):
            response = await client.get(path, allow_redirects=False)
            assert response.status == 200, path
        assert (await client.get("/", allow_redirects=False)).status == 303  # pages still need a login
        text = await (await client.get("/metrics")).text()
        assert sample(text, "http_requests_total", service="admin", status="3xx") >= 1
    finally:
        await client.close()


def _wait(url: str, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server stopped"
        try:
            requests.get(url, timeout=2)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer")


def test_action_server_is_not_ready_without_redis_and_serves_metrics_without_the_secret(tmp_path):
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "ACTION_SERVER_SECRET": "action-secret-0123456789",
           "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0", "DATA_DIR": str(tmp_path)}  # nothing listens there
    process = subprocess.Popen([sys.executable, "-m", "bot.action_server", "--port", str(port)], cwd=PROJECT_ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        _wait(url + "/health/live", process)
        assert requests.get(url + "/health/live", timeout=5).status_code == 200
        ready = requests.get(url + "/health/ready", timeout=5)
        assert ready.status_code == 503 and ready.json() == {"status": "not ready", "checks": {"redis": False}}
        metrics = requests.get(url + "/metrics", timeout=5)
        assert metrics.status_code == 200 and "assistant_questions_total" in metrics.text
        assert requests.post(url + "/webhook", json={}, timeout=5).status_code == 401  # the rest still needs it
    finally:
        process.terminate()
        process.wait(timeout=15)


@pytest.mark.slow
def test_rasa_and_action_server_metrics_after_real_turns(assistant):
    before = requests.get(f"{assistant.url}/metrics", timeout=10).text
    actions_before = requests.get(f"{assistant.action_url}/metrics", timeout=10).text
    say = assistant.conversation()
    say("lệ phí đổi giấy phép lái xe là bao nhiêu")
    say("Tôi tên Nguyễn Văn An, số điện thoại 0912345678, hỏi về xyzzy quux plugh")
    after = requests.get(f"{assistant.url}/metrics", timeout=10).text
    actions_after = requests.get(f"{assistant.action_url}/metrics", timeout=10).text

    def more(name, text_after, text_before, **labels):
        return sample(text_after, name, **labels) - sample(text_before, name, **labels)

    assert more("assistant_turns_total", after, before, channel="webchat", outcome="handled") == 2
    assert more("assistant_turn_seconds_count", after, before, channel="webchat") == 2
    assert more("assistant_turn_seconds_sum", after, before, channel="webchat") > 0
    answered = more("assistant_questions_total", actions_after, actions_before, channel="webchat", outcome="answered")
    fallback = more("assistant_questions_total", actions_after, actions_before, channel="webchat", outcome="fallback")
    assert answered >= 1 and answered + fallback == 2
    for text in (after, actions_after):
        assert "0912345678" not in text and "Nguyễn" not in text and "xyzzy" not in text
        assert not any("webchat:" in value or value.startswith("test-") for value in label_values(text))
    for url in (assistant.url, assistant.action_url):
        assert requests.get(f"{url}/health/live", timeout=10).status_code == 200
        ready = requests.get(f"{url}/health/ready", timeout=10)
        assert ready.status_code == 200 and ready.json()["checks"] == {"redis": True}
