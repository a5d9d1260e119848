"""The run command as a service manager runs it (issue 12): ``python -m launcher`` without REDIS_URL
starts everything, its private Redis included, and SIGTERM (or SIGINT) stops every component: no
process it started survives. A component that dies is reported by name and the others are stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Set

import pytest

from tests.conftest import free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def descendants(pid: int) -> Set[int]:
    children: Dict[int, List[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found: Set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pids: Set[int]) -> Set[int]:
    living = set()
    for pid in pids:
        try:
            state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            living.add(pid)
    return living


def start_launcher(tmp_path: Path) -> tuple:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_URL", "RASA_", "ACTION_SERVER_", "WEBCHAT_"))}
    env.update({"DATA_DIR": str(tmp_path), "NOTIFY_WORKERS": "2", "PYTHONUNBUFFERED": "1"})
    ports = [str(free_port()) for _ in range(5)]
    log = (tmp_path / "launcher.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "launcher", "--port", ports[0], "--actions-port", ports[1], "--web-port", ports[2],
         "--admin-port", ports[3], "--status-port", ports[4], "--demo"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 300
    output = ""
    while "Press Ctrl-C to stop." not in output:
        assert process.poll() is None and time.monotonic() < deadline, output[-3000:]
        time.sleep(0.5)
        output = (tmp_path / "launcher.log").read_text()
    return process, output


def test_sigterm_stops_every_component(tmp_path) -> None:
    process, output = start_launcher(tmp_path)
    children = descendants(process.pid)
    try:
        # without REDIS_URL: a private Redis, so the workspace, the status API and both workers run too
        assert "private to this run" in output and "Officers' workspace: http://" in output, output
        assert "Status API:" in output and "Notification workers: 2" in output, output
        assert "First officer account (shown this once): user admin, password" in output, output
        assert "TRACUU DEMO-2025-000001" in output, output
        assert len(alive(children)) >= 7, output  # Redis, 2 workers, workspace, status API, actions, Rasa
        assert "Registered function" not in output and "DeprecationWarning" not in output, output
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=120) == 0
        deadline = time.monotonic() + 10
        while alive(children) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert alive(children) == set(), (tmp_path / "launcher.log").read_text()[-3000:]
        assert "Stopped." in (tmp_path / "launcher.log").read_text()
    finally:
        for pid in alive(children | {process.pid}):
            os.kill(pid, signal.SIGKILL)

    # the second run finds the account it made: the password is printed once only; SIGINT stops it all too
    process, output = start_launcher(tmp_path)
    children = descendants(process.pid)
    try:
        assert "First officer account" not in output, output
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=120) == 0
        deadline = time.monotonic() + 10
        while alive(children) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert alive(children) == set()
    finally:
        for pid in alive(children | {process.pid}):
            os.kill(pid, signal.SIGKILL)

    process, output = start_launcher(tmp_path)
    children = descendants(process.pid)
    try:
        # a component that dies is reported and the others are stopped
        worker = next(pid for pid in alive(children)
                      if b"notification_worker" in (Path("/proc") / str(pid) / "cmdline").read_bytes())
        os.kill(worker, signal.SIGKILL)
        assert process.wait(timeout=120) == 1
        deadline = time.monotonic() + 10
        while alive(children) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert alive(children) == set()
        assert "notification worker" in (tmp_path / "launcher.log").read_text().split("stopped by itself")[0][-200:]
    finally:
        for pid in alive(children | {process.pid}):
            os.kill(pid, signal.SIGKILL)
