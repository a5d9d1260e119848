"""Fake Zalo: the OA API v3 customer-service endpoint ``POST /v3.0/oa/message/cs`` (``access_token``
header; Zalo-style answers ``{"error": 0, "message": "Success", "data": {...}}``, error -216 for an
invalid/expired token, 2000-character texts, at most 5 template buttons) and the OAuth v4 refresh
``POST /v4/oa/access_token`` (``secret_key`` header, form ``app_id``/``refresh_token``/``grant_type``;
a refresh token works once). ``signed`` builds a webhook event and its X-ZEvent-Signature the way
Zalo documents it (written here independently of the code under test)."""

from __future__ import annotations

import hashlib
import itertools
import json
import secrets
import time
from typing import Any, Dict, Optional, Tuple

from aiohttp import web

from tests.fakes.base import FakeServer


def zalo_mac(app_id: str, body: str, timestamp: str, oa_secret_key: str) -> str:
    return hashlib.sha256((app_id + body + timestamp + oa_secret_key).encode("utf-8")).hexdigest()


class FakeZalo(FakeServer):
    def __init__(self, app_id: str, app_secret: str, access_token: str, refresh_token: str) -> None:
        super().__init__()
        self.app_id = app_id
        self.app_secret = app_secret
        self.access_token = access_token
        self.refresh_token = refresh_token
        self.reject_templates = False
        self.refreshes = 0
        self._ids = itertools.count(1)

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/v3.0/oa/message/cs", self.message_cs)
        app.router.add_post("/v4/oa/access_token", self.oauth)

    def expire_token(self) -> None:
        """The current access token stops working (as after its 25 hours)."""
        self.access_token = "expired-" + secrets.token_hex(4)

    async def message_cs(self, request: web.Request) -> web.Response:
        token = request.headers.get("access_token")
        try:
            body = json.loads(await request.text())
        except ValueError:
            return web.json_response({"error": -201, "message": "Parameters are invalid"})
        if token != self.access_token:
            self.record({"endpoint": "message/cs", "rejected": "token", "body": body})
            return web.json_response({"error": -216, "message": "Access token is invalid"})
        failure = self.take_failure()
        if failure:
            self.record({"endpoint": "message/cs", "rejected": "failure", "body": body})
            headers = {"Retry-After": str(failure["retry_after"])} if failure.get("retry_after") is not None else {}
            return web.json_response({"error": -32, "message": "failure"}, status=failure.get("status", 500), headers=headers)
        message = body.get("message") or {}
        user_id = (body.get("recipient") or {}).get("user_id")
        attachment = message.get("attachment")
        if not user_id or (not message.get("text") and not attachment):
            return web.json_response({"error": -201, "message": "Parameters are invalid"})
        if len(message.get("text") or "") > 2000:
            return web.json_response({"error": -201, "message": "text length exceeds 2000"})
        if attachment:
            buttons = (attachment.get("payload") or {}).get("buttons") or []
            if self.reject_templates or len(buttons) > 5:
                self.record({"endpoint": "message/cs", "rejected": "template", "body": body})
                return web.json_response({"error": -201, "message": "template is not allowed"})
        self.record({"endpoint": "message/cs", "user_id": user_id, "message": message})
        return web.json_response({"error": 0, "message": "Success",
                                  "data": {"message_id": f"m{next(self._ids)}", "user_id": user_id}})

    async def oauth(self, request: web.Request) -> web.Response:
        form = await request.post()
        self.record({"endpoint": "oauth", "form": dict(form)})
        if request.headers.get("secret_key") != self.app_secret or form.get("app_id") != self.app_id:
            return web.json_response({"error": -14002, "error_name": "Invalid app", "error_description": "invalid app"})
        if form.get("grant_type") != "refresh_token" or form.get("refresh_token") != self.refresh_token:
            return web.json_response({"error": -14014, "error_name": "Invalid refresh token",
                                      "error_description": "refresh token is invalid or used"})
        self.refreshes += 1
        self.access_token = "access-" + secrets.token_hex(8)
        self.refresh_token = "refresh-" + secrets.token_hex(8)
        return web.json_response({"access_token": self.access_token, "refresh_token": self.refresh_token,
                                  "expires_in": "90000"})

    def messages(self, user_id: Optional[str] = None):
        return [e["message"] for e in self.received(
            lambda e: e.get("endpoint") == "message/cs" and "rejected" not in e
            and (user_id is None or e["user_id"] == user_id))]

    def wait_messages(self, user_id: str, count: int = 1, timeout: float = 60.0):
        self.wait_for(lambda e: e.get("endpoint") == "message/cs" and "rejected" not in e
                      and e["user_id"] == user_id, count, timeout)
        return self.messages(user_id)


def text_event(app_id: str, user_id: str, text: str, msg_id: Optional[str] = None,
               timestamp: Optional[int] = None, oa_id: str = "579745863508352884") -> Dict[str, Any]:
    return {
        "app_id": app_id, "user_id_by_app": "55" + user_id[-6:], "event_name": "user_send_text",
        "timestamp": str(timestamp if timestamp is not None else int(time.time() * 1000)),
        "sender": {"id": user_id}, "recipient": {"id": oa_id},
        "message": {"text": text, "msg_id": msg_id or secrets.token_hex(16)},
    }


def follow_event(app_id: str, user_id: str, name: str = "follow", oa_id: str = "579745863508352884") -> Dict[str, Any]:
    return {"app_id": app_id, "oa_id": oa_id, "event_name": name, "source": "oa_profile",
            "timestamp": str(int(time.time() * 1000)), "follower": {"id": user_id}, "user_id_by_app": "55"}


def signed(event: Dict[str, Any], app_id: str, oa_secret_key: str) -> Tuple[bytes, Dict[str, str]]:
    """The raw body and headers Zalo would send for ``event``."""
    body = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
    mac = zalo_mac(app_id, body, str(event["timestamp"]), oa_secret_key)
    return body.encode("utf-8"), {"X-ZEvent-Signature": f"mac={mac}", "Content-Type": "application/json"}
