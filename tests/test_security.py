"""Issue 11 (part A): nobody reads or writes citizens' conversations through an open port.

The security probe (scripts/security_probe.py) starts the product as ``bash scripts/run`` does and
attacks every port; here it runs in CI. The running test assistant has Rasa's HTTP API on behind
RASA_API_TOKEN: without the token, or with another one, nothing is read or written."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

import pytest
import requests

from bot.rasa_server import rasa_arguments
from bot.settings import PROJECT_ROOT, SettingError, load_security_settings
from tests.conftest import redis_url_for

PROBE_DB = 12  # shared with the notification tests, flushed before and after


@pytest.mark.slow
def test_security_probe_passes(redis_db):
    redis_db(PROBE_DB)
    result = subprocess.run([sys.executable, "scripts/security_probe.py", "--redis-url", redis_url_for(PROBE_DB)],
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600)
    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "FAIL" not in result.stdout and "24/24 checks passed" in result.stdout


@pytest.mark.slow
def test_the_api_needs_its_token(assistant):
    assistant.say("api-token-check", "Tôi tên Nguyễn Văn An, số điện thoại 0912345678")
    sender = assistant.conversation_id("api-token-check")
    path = f"{assistant.url}/conversations/{sender}/tracker"
    for params in ({}, {"token": "not-the-token-0123456789"}):
        assert requests.get(path, params=params, timeout=30).status_code == 401
        events = requests.post(f"{path}/events", params=params, json={"event": "restart"}, timeout=30)
        assert events.status_code == 401
    assert requests.put(f"{assistant.url}/model", json={"model_file": "/tmp/x.tar.gz"}, timeout=30).status_code == 401
    assert assistant.api("GET", f"/conversations/{sender}/tracker").status_code == 200
    # a foreign origin is not echoed, even on the API
    preflight = requests.options(path, headers={"Origin": "https://attacker.example",
                                                "Access-Control-Request-Method": "GET"}, timeout=30)
    assert "attacker" not in preflight.headers.get("Access-Control-Allow-Origin", "")


def _args():
    return argparse.Namespace(model="m.tar.gz", port=5005, endpoints="e.yml", credentials="c.yml")


def test_rasa_api_is_off_unless_a_token_or_jwt_secret_is_configured():
    off = rasa_arguments(_args(), load_security_settings({}))
    assert "--enable-api" not in off and "*" not in off
    assert off[off.index("--interface") + 1] == "127.0.0.1"
    assert off[off.index("--cors") + 1:] == ["http://localhost:8000", "http://127.0.0.1:8000"]
    token = rasa_arguments(_args(), load_security_settings({"RASA_API_TOKEN": "a" * 32}))
    assert "--enable-api" in token and token[token.index("--auth-token") + 1] == "a" * 32
    jwt = rasa_arguments(_args(), load_security_settings({"RASA_JWT_SECRET": "b" * 32, "RASA_JWT_METHOD": "HS512"}))
    assert "--enable-api" in jwt and jwt[jwt.index("--jwt-method") + 1] == "HS512" and "--auth-token" not in jwt


@pytest.mark.parametrize("environ,variable", [
    ({"RASA_API_TOKEN": "short"}, "RASA_API_TOKEN"),
    ({"ACTION_SERVER_SECRET": "short"}, "ACTION_SERVER_SECRET"),
    ({"WEBCHAT_SESSION_SECRET": "short"}, "WEBCHAT_SESSION_SECRET"),
    ({"RASA_CORS_ORIGINS": "*"}, "RASA_CORS_ORIGINS"),
    ({"RASA_CORS_ORIGINS": "https://chat.example.gov.vn/path"}, "RASA_CORS_ORIGINS"),
    ({"RASA_JWT_METHOD": "none"}, "RASA_JWT_METHOD"),
    ({"WEBCHAT_SESSION_DAYS": "soon"}, "WEBCHAT_SESSION_DAYS"),
])
def test_an_unusable_security_setting_is_a_clear_error_naming_it(environ, variable):
    with pytest.raises(SettingError, match=variable):
        load_security_settings(environ)


def test_the_launcher_generates_missing_secrets_per_run_and_keeps_configured_ones():
    from launcher.assistant import run_secrets

    first, second = run_secrets({}), run_secrets({})
    assert first["ACTION_SERVER_SECRET"] != second["ACTION_SERVER_SECRET"]
    assert len(first["WEBCHAT_SESSION_SECRET"]) >= 32
    assert run_secrets({"ACTION_SERVER_SECRET": "configured-secret-0123"})["ACTION_SERVER_SECRET"] == "configured-secret-0123"


@pytest.mark.parametrize("variable,value", [
    ("FAQ_THRESHOLD", "abc"), ("NOTIFY_WORKERS", "2.5"), ("STATUS_API_PORT", "tám nghìn"),
])
def test_a_number_setting_that_is_not_a_number_is_named_not_silently_replaced(monkeypatch, variable, value):
    from bot.settings import check_all

    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingError, match=variable):
        check_all()


def test_the_launcher_refuses_to_start_on_a_bad_setting_and_names_it():
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env["NOTIFY_MAX_ATTEMPTS"] = "many"
    done = subprocess.run([sys.executable, "-m", "launcher"], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "Configuration error: NOTIFY_MAX_ATTEMPTS must be a whole number (it is 'many')" in done.stderr
