"""``python -m launcher``: the whole assistant on one machine (what ``scripts/run`` starts).

Trains the model if its data changed, then starts the action server (``bot.action_server``: 127.0.0.1,
every call with the shared secret), the Rasa server (``bot.rasa_server``: channels' webhooks only, the
HTTP API only when RASA_API_TOKEN or RASA_JWT_SECRET is set), the web chat page (which forwards
``/webhooks/webchat/`` to Rasa, same origin) and, when REDIS_URL is set, the officers' workspace
(``admin/``, port 8080), and stops them all on Ctrl-C.

Secrets: ACTION_SERVER_SECRET and WEBCHAT_SESSION_SECRET are generated for this run when they are not
configured (then web chat sessions end when the assistant restarts), and reach the children through
their environment only. See docs/security.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import List, Optional, Tuple

from bot.settings import PROJECT_ROOT, SettingError, check_all, load_security_settings, load_settings
from bot.runtime import rasa_workers, write_credentials, write_endpoints
from bot.training import ensure_model


def wait_http(url: str, timeout: float, process: subprocess.Popen) -> bool:
    """True once ``url`` answers; False when ``process`` ends first or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except OSError:
            time.sleep(0.5)
    return False


def child_environment() -> dict:
    """The environment of the processes we start: the project importable, and the libraries'
    deprecation warnings (Rasa 3.6's dependencies print dozens) kept out of the operator's log."""
    return {
        "PYTHONWARNINGS": "ignore::DeprecationWarning,ignore::PendingDeprecationWarning",
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
    }


GENERATED_SECRETS = ("ACTION_SERVER_SECRET", "WEBCHAT_SESSION_SECRET")


def run_secrets(environ: Optional[dict] = None) -> dict:
    """The per-run secrets: those configured, and a fresh random one for each that is not."""
    env = os.environ if environ is None else environ
    return {name: (env.get(name) or "").strip() or secrets.token_urlsafe(32) for name in GENERATED_SECRETS}


def _local_address(interface: str) -> str:
    return "127.0.0.1" if interface in ("", "0.0.0.0", "::") else interface


def start_assistant(
    rasa_port: int, action_port: int, model: str, extra_env: dict = None, credentials: Optional[Path] = None
) -> List[subprocess.Popen]:
    """Start the action server and the Rasa server; return them once both answer.

    ``credentials``: the Rasa credentials file (channels); the project's credentials.yml (web chat only)
    when not given. ``main`` passes one generated from the environment (``write_credentials``)."""
    settings = load_settings()
    env = {**child_environment(), **(extra_env or {})}
    env.update(run_secrets(env))
    try:
        security = load_security_settings(env)
    except SettingError as error:
        raise RuntimeError(f"Configuration error: {error}") from None
    action_host = _local_address(security.action_host)
    endpoints_file = settings.data_dir / f"endpoints-{rasa_port}.yml"
    print(write_endpoints(settings, f"http://{action_host}:{action_port}/webhook", endpoints_file), flush=True)
    actions = subprocess.Popen(
        [sys.executable, "-m", "bot.action_server", "--actions", "actions", "--port", str(action_port)],
        cwd=PROJECT_ROOT, env=env,
    )
    rasa = subprocess.Popen(
        [sys.executable, "-m", "bot.rasa_server", "--model", model, "--port", str(rasa_port),
         "--endpoints", str(endpoints_file), "--credentials", str(credentials or PROJECT_ROOT / "credentials.yml")],
        cwd=PROJECT_ROOT, env={**env, "SANIC_WORKERS": str(rasa_workers(settings))},  # Rasa reads SANIC_WORKERS
    )
    processes = [actions, rasa]
    ready = wait_http(f"http://{action_host}:{action_port}/health", 120, actions) and wait_http(
        f"http://{_local_address(security.rasa_interface)}:{rasa_port}/", 300, rasa
    )
    if not ready:
        stop(processes)
        raise RuntimeError("the assistant did not start; see the log above")
    return processes


def stop(processes: List[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def start_admin(port: int) -> Tuple[Optional[subprocess.Popen], str]:
    """Start the officers' workspace (admin/) when Redis is configured; return it and one line to print."""
    settings = load_settings()
    if not settings.redis_url:
        return None, "  Officers' workspace: not started, it needs Redis (set REDIS_URL, e.g. redis://127.0.0.1:6379/0)"
    env = child_environment()
    process = subprocess.Popen([sys.executable, "-m", "admin", "--port", str(port)], cwd=PROJECT_ROOT, env=env)
    if not wait_http(f"http://127.0.0.1:{port}/health", 60, process):
        stop([process])
        return None, "  Officers' workspace: did not start; see the log above"
    return process, f"  Officers' workspace: http://localhost:{port}/ (first account: python -m admin.create_user NAME)"


def load_status_port() -> int:
    from bot.settings import load_status_settings

    return load_status_settings().api_port


def start_status_services(api_port: int) -> Tuple[List[subprocess.Popen], str]:
    """Start the status ingestion API and the notification workers (separate processes) when Redis is
    configured; return them and the lines to print."""
    from bot.settings import load_status_settings

    status = load_status_settings()
    if not status.redis_url:
        return [], "  Application status API and notification workers: not started, they need Redis (set REDIS_URL)"
    env = child_environment()
    api = subprocess.Popen([sys.executable, "-m", "applications.api", "--port", str(api_port)], cwd=PROJECT_ROOT, env=env)
    workers = [
        subprocess.Popen([sys.executable, "-m", "launcher.notification_worker", "--name", f"{socket.gethostname()}-worker-{n}"],
                         cwd=PROJECT_ROOT, env=env)
        for n in range(1, max(status.workers, 0) + 1)
    ]
    if not wait_http(f"http://127.0.0.1:{api_port}/health", 60, api):
        stop([api, *workers])
        return [], "  Application status API: did not start; see the log above"
    secret = "" if status.api_secret else " (set STATUS_API_SECRET to accept pushes)"
    return [api, *workers], (f"  Status API:   POST http://localhost:{api_port}/api/status-events{secret}\n"
                             f"  Notification workers: {len(workers)} (python -m launcher.notification_worker)")


def main() -> int:
    try:
        check_all()  # every setting, before anything starts: a bad value names its variable
    except SettingError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser(prog="python -m launcher", description=__doc__)
    parser.add_argument("--port", type=int, default=5005, help="Rasa server (channels' webhooks)")
    parser.add_argument("--actions-port", type=int, default=5055)
    parser.add_argument("--web-port", type=int, default=8000, help="web chat page")
    parser.add_argument("--admin-port", type=int, default=8080, help="officers' workspace (needs REDIS_URL)")
    parser.add_argument("--status-port", type=int, default=load_status_port(), help="status ingestion API (needs REDIS_URL)")
    args = parser.parse_args()

    try:
        security = load_security_settings()
    except SettingError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    os.environ.update(run_secrets())  # the same secrets for every process of this run
    model = ensure_model()
    settings = load_settings()
    credentials = settings.data_dir / f"credentials-{args.port}.yml"
    for line in write_credentials(settings, credentials):
        print(line, flush=True)
    processes = start_assistant(args.port, args.actions_port, str(model), credentials=credentials)
    admin, admin_line = start_admin(args.admin_port)
    processes += [admin] if admin else []
    status_processes, status_line = start_status_services(args.status_port)
    processes += status_processes
    from channels.webchat.server import serve_forever

    print(
        f"\nThe assistant is ready.\n  Web chat:     http://localhost:{args.web_port}/\n"
        f"  Rasa server:  http://localhost:{args.port}/ (channels' webhooks; HTTP API "
        f"{'on, with its token' if security.api_enabled else 'off: set RASA_API_TOKEN to turn it on'})\n"
        f"{admin_line}\n"
        f"{status_line}\n"
        "Press Ctrl-C to stop.",
        flush=True,
    )
    try:
        asyncio.run(serve_forever(args.web_port, f"http://localhost:{args.port}"))
    except KeyboardInterrupt:
        pass
    finally:
        stop(processes)
    return 0

