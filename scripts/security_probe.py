"""Security probe: start the whole product the way ``bash scripts/run`` does and attack every port.

``python scripts/security_probe.py [--redis-url redis://127.0.0.1:6379/9]`` (exit 0: every check
passed; 1: one failed, each check printed as PASS/FAIL). It runs ``python -m launcher`` with
REDIS_URL set (so the officers' workspace and the status API start too), the default security
settings (no RASA_API_TOKEN: Rasa's HTTP API off) and a status API secret, then checks:

1. every TCP socket the product's processes listen on is bound to loopback (Linux: /proc/net/tcp*);
2. Rasa (5005): the HTTP API is absent (tracker read, event append, model replace: 404), the open
   REST channel is gone (404), a foreign Origin is not echoed in CORS headers (the web chat's is);
3. the web chat channel: a ``sender`` of another channel 400, no token 401, a forged token 403, a
   real session 201 then 200 in ``webchat:<random>``; the same through the web chat page's server;
4. the action server (5055): ``/webhook`` and ``/actions`` without or with a wrong secret 401;
5. the status ingestion API (8090): an unsigned push 401; the workspace (8080): pages need a login.

tests/test_security_probe.py runs it in CI (about 40 s on 2 cores with the model already trained).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional, Set, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from launcher.assistant import wait_http  # noqa: E402

FOREIGN_ORIGIN = "https://attacker.example"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(method: str, url: str, body: Optional[bytes] = None, headers: Optional[Dict[str, str]] = None,
            timeout: float = 60) -> Tuple[int, Dict[str, str], bytes]:
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _descendants(pid: int) -> Set[int]:
    children: Dict[int, List[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = {pid}, [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _hex_address(text: str) -> str:
    address, port = text.split(":")
    raw = bytes.fromhex(address)
    if len(raw) == 4:
        return f"{socket.inet_ntop(socket.AF_INET, raw[::-1])}:{int(port, 16)}"
    words = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
    return f"[{socket.inet_ntop(socket.AF_INET6, words)}]:{int(port, 16)}"


def listening_sockets(pids: Set[int]) -> List[str]:
    """``address:port`` of every listening TCP socket owned by ``pids``."""
    inodes: Set[str] = set()
    for pid in pids:
        try:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                try:
                    target = os.readlink(fd)
                except OSError:
                    continue
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
        except OSError:
            continue
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                found.append(_hex_address(fields[1]))
    return sorted(set(found))


def is_loopback(address: str) -> bool:
    host = address.rsplit(":", 1)[0].strip("[]")
    return host.startswith("127.") or host in ("::1", "::ffff:127.0.0.1")


class Probe:
    def __init__(self) -> None:
        self.failures = 0
        self.checks = 0

    def check(self, ok: bool, what: str, detail: object = "") -> None:
        self.checks += 1
        self.failures += 0 if ok else 1
        print(f"{'PASS' if ok else 'FAIL'}  {what}" + ("" if ok else f"  ({detail})"), flush=True)


def run(redis_url: str) -> int:
    ports = {name: free_port() for name in ("rasa", "actions", "web", "admin", "status")}
    data_dir = tempfile.mkdtemp(prefix="security-probe-")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RASA_", "ACTION_SERVER_", "WEBCHAT_", "ADMIN_"))}
    env.update({"REDIS_URL": redis_url, "DATA_DIR": data_dir, "STATUS_API_SECRET": "probe-status-secret-0123456789",
                "NOTIFY_WORKERS": "1", "PYTHONPATH": str(ROOT),
                "RASA_CORS_ORIGINS": f"http://localhost:{ports['web']}"})
    command = [sys.executable, "-m", "launcher", "--port", str(ports["rasa"]), "--actions-port", str(ports["actions"]),
               "--web-port", str(ports["web"]), "--admin-port", str(ports["admin"]), "--status-port", str(ports["status"])]
    product = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    probe = Probe()
    try:
        if not wait_http(f"http://127.0.0.1:{ports['web']}/", 400, product):
            probe.check(False, "the product starts", "the web chat page never answered")
            return 1
        time.sleep(1)  # the last listeners
        sockets = listening_sockets(_descendants(product.pid))
        probe.check(len(sockets) >= 5, f"found the product's listening sockets: {', '.join(sockets)}", sockets)
        probe.check(all(is_loopback(s) for s in sockets), "nothing listens beyond loopback",
                    [s for s in sockets if not is_loopback(s)])

        rasa = f"http://127.0.0.1:{ports['rasa']}"
        for method, path, body in [("GET", "/conversations/sms:84912345678/tracker", None),
                                   ("POST", "/conversations/sms:84912345678/tracker/events", b'{"event": "restart"}'),
                                   ("PUT", "/model", b'{"model_file": "/tmp/x.tar.gz"}'), ("GET", "/status", None),
                                   ("POST", "/webhooks/rest/webhook", b'{"sender": "sms:84912345678", "message": "hi"}')]:
            status, _, _ = request(method, rasa + path, body, {"Content-Type": "application/json"})
            probe.check(status == 404, f"Rasa {method} {path.split('?')[0]} without the API: 404", status)
        _, headers, _ = request("OPTIONS", rasa + "/webhooks/webchat/webhook", headers={
            "Origin": FOREIGN_ORIGIN, "Access-Control-Request-Method": "POST"})
        allowed = {k.lower(): v for k, v in headers.items()}.get("access-control-allow-origin")
        probe.check(allowed in (None, "") , "a foreign Origin is not echoed (CORS)", allowed)
        own = f"http://localhost:{ports['web']}"
        _, headers, _ = request("OPTIONS", rasa + "/webhooks/webchat/webhook", headers={
            "Origin": own, "Access-Control-Request-Method": "POST"})
        allowed = {k.lower(): v for k, v in headers.items()}.get("access-control-allow-origin")
        probe.check(allowed == own, "the web chat's own origin is allowed (CORS)", allowed)

        for base, where in [(rasa, "Rasa"), (f"http://127.0.0.1:{ports['web']}", "web chat page")]:
            hook = base + "/webhooks/webchat/webhook"
            status, _, _ = request("POST", hook, b'{"sender": "sms:84912345678", "message": "xin chao"}',
                                   {"Content-Type": "application/json"})
            probe.check(status == 400, f"{where}: web chat refuses another channel's sender id (400)", status)
            status, _, _ = request("POST", hook, b'{"message": "xin chao"}', {"Content-Type": "application/json"})
            probe.check(status == 401, f"{where}: web chat refuses a message without a session (401)", status)
            forged = "sms-84912345678." + str(int(time.time())) + "." + "A" * 43
            status, _, _ = request("POST", hook, b'{"message": "xin chao"}',
                                   {"Content-Type": "application/json", "Authorization": f"Bearer {forged}"})
            probe.check(status == 403, f"{where}: web chat refuses a forged session token (403)", status)
            status, _, body = request("POST", base + "/webhooks/webchat/session")
            token = json.loads(body or b"{}").get("token", "")
            probe.check(status == 201 and token, f"{where}: a new web chat session is issued (201)", status)
            status, _, body = request("POST", hook, json.dumps({"message": "lệ phí đăng ký kết hôn"}).encode(),
                                      {"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
            replies = json.loads(body or b"[]") if status == 200 else []
            probe.check(status == 200 and replies and replies[0]["recipient_id"].startswith("webchat:")
                        and ":" not in replies[0]["recipient_id"][8:],
                        f"{where}: the session talks in its own webchat:<random> conversation", (status, body[:200]))

        actions = f"http://127.0.0.1:{ports['actions']}"
        call = json.dumps({"next_action": "action_check_status", "sender_id": "x", "tracker": {"sender_id": "x"}}).encode()
        for headers in ({}, {"X-Action-Secret": "guess-guess-guess-guess"}):
            status, _, _ = request("POST", actions + "/webhook", call, {"Content-Type": "application/json", **headers})
            probe.check(status == 401, f"action server /webhook {'with a wrong' if headers else 'without the'} secret: 401", status)
        status, _, _ = request("GET", actions + "/actions")
        probe.check(status == 401, "action server /actions without the secret: 401", status)

        status, _, _ = request("POST", f"http://127.0.0.1:{ports['status']}/api/status-events",
                               b'{"event_id": "x", "code": "H56.22-250315-0001", "status": "da_tra_ket_qua"}',
                               {"Content-Type": "application/json"})
        probe.check(status == 401, "status API refuses an unsigned push (401)", status)
        opener = urllib.request.build_opener(NoRedirect)
        try:
            status = opener.open(f"http://127.0.0.1:{ports['admin']}/", timeout=30).status
        except urllib.error.HTTPError as error:
            status = error.code
        probe.check(status in (302, 303), "officers' workspace: pages need a login", status)
    finally:
        if product.poll() is None:
            product.send_signal(signal.SIGINT)
            try:
                product.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(product.pid, signal.SIGKILL)
    print(f"{probe.checks - probe.failures}/{probe.checks} checks passed", flush=True)
    return 1 if probe.failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--redis-url", default=os.environ.get("PROBE_REDIS_URL", "redis://127.0.0.1:6379/9"))
    return run(parser.parse_args().redis_url)


if __name__ == "__main__":
    sys.exit(main())
