"""``python -m launcher``: the whole assistant on one machine (what ``scripts/run`` starts).

Trains the model if its data changed, then starts, in this order: Redis (without REDIS_URL a private
one, ``launcher.embedded_redis``, data under ``DATA_DIR/redis/``), the notification workers, the
officers' workspace (``admin/``, port 8080; the first account is created once and its password printed
once, ``launcher.first_run``), the status ingestion API, the action server (``bot.action_server``:
127.0.0.1, every call with the shared secret), the Rasa server (``bot.rasa_server``: channels' webhooks
only, the HTTP API only when RASA_API_TOKEN or RASA_JWT_SECRET is set) and the web chat page (which
forwards ``/webhooks/webchat/`` to Rasa, same origin). ``--demo`` (or DEMO_APPLICATION=true) adds the
sample application of ``launcher/demo_application.yml``.

Stopping: SIGTERM and SIGINT (Ctrl-C) both stop every component, one after the other, the entrances
first: web chat, Rasa, action server, status API, workspace, workers (they finish, or leave their
in-flight notifications pending for the next worker), Redis last (``launcher.processes.stop``). A
component that ends by itself is reported by name and the others are stopped (exit status 1, so a
service manager restarts the whole). Components run in their own session and get SIGTERM if the
launcher dies, so none is left behind.

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
from launcher.processes import first_death, name_of, spawn, stop


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
    """The environment of the processes we start: the project importable, the libraries'
    deprecation warnings (Rasa 3.6's dependencies print dozens) kept out of the operator's log, and
    Rasa's usage telemetry off (it would send data out and prints a box at every start)."""
    return {
        "PYTHONWARNINGS": "ignore::DeprecationWarning,ignore::PendingDeprecationWarning",
        "RASA_TELEMETRY_ENABLED": "false",
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
    actions = spawn(
        "action server", [sys.executable, "-m", "bot.action_server", "--actions", "actions", "--port", str(action_port)],
        cwd=PROJECT_ROOT, env=env,
    )
    rasa = spawn(
        "Rasa server",
        [sys.executable, "-m", "bot.rasa_server", "--model", model, "--port", str(rasa_port),
         "--endpoints", str(endpoints_file), "--credentials", str(credentials or PROJECT_ROOT / "credentials.yml")],
        cwd=PROJECT_ROOT, env={**env, "SANIC_WORKERS": str(rasa_workers(settings))},  # Rasa reads SANIC_WORKERS
    )
    processes = [rasa, actions]  # the order they stop in: Rasa first, it calls the action server
    ready = wait_http(f"http://{action_host}:{action_port}/health", 120, actions) and wait_http(
        f"http://{_local_address(security.rasa_interface)}:{rasa_port}/", 300, rasa
    )
    if not ready:
        stop(processes)
        raise RuntimeError("the assistant did not start; see the log above")
    return processes


def start_admin(port: int) -> Tuple[Optional[subprocess.Popen], str]:
    """Start the officers' workspace (admin/) when Redis is configured; return it and one line to print."""
    settings = load_settings()
    if not settings.redis_url:
        return None, "  Officers' workspace: not started, it needs Redis (set REDIS_URL, e.g. redis://127.0.0.1:6379/0)"
    env = child_environment()
    process = spawn("officers' workspace", [sys.executable, "-m", "admin", "--port", str(port)], cwd=PROJECT_ROOT, env=env)
    if not wait_http(f"http://127.0.0.1:{port}/health", 60, process):
        stop([process])
        return None, "  Officers' workspace: did not start; see the log above"
    return process, f"  Officers' workspace: http://localhost:{port}/ (accounts: python -m admin.create_user NAME)"


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
    workers = [
        spawn(f"notification worker {n}",
              [sys.executable, "-m", "launcher.notification_worker", "--name", f"{socket.gethostname()}-worker-{n}"],
              cwd=PROJECT_ROOT, env=env)
        for n in range(1, max(status.workers, 0) + 1)
    ]
    overdue = spawn("late-application check",
                    [sys.executable, "-m", "applications.overdue", "--every", str(status.overdue_every_seconds)],
                    cwd=PROJECT_ROOT, env=env)
    api = spawn("status API", [sys.executable, "-m", "applications.api", "--port", str(api_port)], cwd=PROJECT_ROOT, env=env)
    if not wait_http(f"http://127.0.0.1:{api_port}/health", 60, api):
        stop([api, overdue, *workers])
        return [], "  Application status API: did not start; see the log above"
    secret = "" if status.api_secret else " (set STATUS_API_SECRET to accept pushes)"
    return [api, overdue, *workers], (
        f"  Status API:   POST http://localhost:{api_port}/api/status-events{secret}\n"
        f"  Notification workers: {len(workers)} (python -m launcher.notification_worker); late applications "
        f"checked every {status.overdue_every_seconds:.0f} s (python -m applications.overdue)")


class ComponentDied(Exception):
    """A component ended while the others were running."""

    def __init__(self, process: subprocess.Popen) -> None:
        super().__init__(f"{name_of(process)} stopped by itself (exit status {process.returncode})")


async def watch(processes: List[subprocess.Popen], every: float = 0.5) -> None:
    """Return never; raise ComponentDied as soon as one of ``processes`` has ended."""
    while True:
        died = first_death(processes)
        if died is not None:
            raise ComponentDied(died)
        await asyncio.sleep(every)


async def serve_until_stopped(web_port: int, rasa_url: str, processes: List[subprocess.Popen]) -> None:
    from channels.webchat.server import serve_forever

    await asyncio.gather(serve_forever(web_port, rasa_url), watch(processes))


def provide_redis(data_dir: Path) -> Tuple[Optional[subprocess.Popen], str]:
    """REDIS_URL when it is set; else a private Redis started for this run, its URL put into REDIS_URL
    (the environment every component is started with). Returns the process (or None) and one line."""
    configured = load_settings().redis_url
    if configured:
        return None, f"  Redis:        {redis_address(configured)} (REDIS_URL)"
    from launcher.embedded_redis import start_embedded_redis
    from launcher.processes import popen_options

    process, url = start_embedded_redis(data_dir, popen_options())
    process.component = "Redis"  # type: ignore[attr-defined]
    os.environ["REDIS_URL"] = url
    return process, (f"  Redis:        {redis_address(url)} (private to this run, data in {data_dir / 'redis'}; "
                     "set REDIS_URL to use another)")


def redis_address(url: str) -> str:
    """host:port/db of a Redis URL, without its password."""
    from urllib.parse import urlparse

    parsed = urlparse(url)
    return f"{parsed.hostname or '127.0.0.1'}:{parsed.port or 6379}{parsed.path or '/0'}"


def main() -> int:
    # SIGTERM (a service manager's stop) ends the run exactly as Ctrl-C does: every component stopped in order
    # (SIGINT too: a shell starting us in the background would have left it ignored)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, signal.default_int_handler)
    try:
        check_all()  # every setting, before anything starts: a bad value names its variable
    except SettingError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser(prog="python -m launcher", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=5005, help="Rasa server (channels' webhooks)")
    parser.add_argument("--actions-port", type=int, default=5055)
    parser.add_argument("--web-port", type=int, default=8000, help="web chat page")
    parser.add_argument("--admin-port", type=int, default=8080, help="officers' workspace")
    parser.add_argument("--status-port", type=int, default=load_status_port(), help="status ingestion API")
    parser.add_argument("--demo", action="store_true", default=load_settings().demo_application,
                        help="add the sample application DEMO-2025-000001 (also DEMO_APPLICATION=true)")
    args = parser.parse_args()

    try:
        security = load_security_settings()
    except SettingError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    os.environ.update(run_secrets())  # the same secrets for every process of this run
    redis: Optional[subprocess.Popen] = None
    assistant: List[subprocess.Popen] = []
    status_processes: List[subprocess.Popen] = []
    admin: Optional[subprocess.Popen] = None
    status = 0
    try:
        model = ensure_model()
        settings = load_settings()
        redis, redis_line = provide_redis(settings.data_dir)
        settings = load_settings()
        credentials = settings.data_dir / f"credentials-{args.port}.yml"
        for line in write_credentials(settings, credentials):
            print(line, flush=True)
        status_processes, status_line = start_status_services(args.status_port)
        extra: List[str] = []
        if settings.redis_url:
            from launcher.first_run import first_officer

            extra += first_officer(settings.redis_url)
        admin, admin_line = start_admin(args.admin_port)
        if args.demo and settings.redis_url:
            from bot.settings import load_status_settings
            from launcher.first_run import demo_application

            extra += demo_application(settings.redis_url, load_status_settings().key_prefix)
        assistant = start_assistant(args.port, args.actions_port, str(model), credentials=credentials)
        print(
            f"\nThe assistant is ready.\n  Web chat:     http://localhost:{args.web_port}/\n"
            f"  Rasa server:  http://localhost:{args.port}/ (channels' webhooks; HTTP API "
            f"{'on, with its token' if security.api_enabled else 'off: set RASA_API_TOKEN to turn it on'})\n"
            f"  Action server: http://127.0.0.1:{args.actions_port}/ (Rasa's only)\n"
            f"{admin_line}\n{status_line}\n{redis_line}\n"
            + "".join(line + "\n" for line in extra)
            + "Press Ctrl-C to stop.",
            flush=True,
        )
        everything = [*assistant, *([admin] if admin else []), *status_processes, *([redis] if redis else [])]
        asyncio.run(serve_until_stopped(args.web_port, f"http://localhost:{args.port}", everything))
    except KeyboardInterrupt:
        print("\nStopping…", flush=True)
    except ComponentDied as died:
        print(f"\n{died}: stopping the others.", file=sys.stderr, flush=True)
        status = 1
    except RuntimeError as error:
        print(f"\n{error}", file=sys.stderr, flush=True)
        status = 1
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):  # a second Ctrl-C must not cut the stopping short
            signal.signal(sig, signal.SIG_IGN)
        api, workers = status_processes[:1], status_processes[1:]
        stop([*assistant, *api, admin, *workers, redis])  # entrances first, Redis last
    if status == 0:
        print("Stopped.", flush=True)
    return status
