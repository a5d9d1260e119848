"""Fake Zalo: the OA API v3 customer-service endpoint ``POST /v3.0/oa/message/cs`` (``access_token``
header; Zalo-style answers ``{"error": 0, "message": "Success", "data": {...}}``, error -216 for an
invalid/expired token, 2000-character texts, at most 5 template buttons) and the OAuth v4 refresh
``POST /v4/oa/access_token`` (``secret_key`` header, form ``app_id``/``refresh_token``/``grant_type``;
a refresh token works once); the OA transaction message ``POST /v3.0/oa/message/transaction`` (a
``template`` attachment whose template_type starts with "transaction_"); ZNS ``POST /message/template``
(``phone`` 84xxxxxxxxx, an approved ``template_id`` of ``zns_templates`` with exactly its parameters,
``tracking_id``; answers ``data.msg_id``) and, when ``receipt_url`` is set, the ZNS delivery event
``user_received_message`` posted there, signed like every Zalo webhook; with ``oa_receipts`` also for the
CS and transaction messages it accepts (the OA message event: ``message.msg_id``, no ``delivery_time``),
except to the user ids in ``unreceived`` (the message never reaches the phone). Failures by kind:
``fail_next(kind=...)`` (``KIND_ERRORS``: the code and message the fake answers), ``not_following``
(user ids: OA messages refused), ``outside_window`` (user ids: CS refused), ``unreachable_phones``
(ZNS refused). ``signed`` builds a webhook event and its X-ZEvent-Signature the way
Zalo documents it (written here independently of the code under test)."""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import secrets
import time
from typing import Any, Dict, Optional, Tuple

from aiohttp import web

from tests.fakes.base import FakeServer


def zalo_mac(app_id: str, body: str, timestamp: str, oa_secret_key: str) -> str:
    return hashlib.sha256((app_id + body + timestamp + oa_secret_key).encode("utf-8")).hexdigest()


# What the fake answers for each kind of failure. -108/-109/-112/-118 are Zalo's documented ZNS codes
# (zalo.cloud/zns/guidelines/handle-error-code); the others are the fake's own, with Zalo's wording.
KIND_ERRORS = {
    "template_not_approved": (-131, "OA or App does not have permission to access this template"),
    "param_invalid": (-112, "Template data invalid"),
    "quota_exceeded": (-144, "Out of quota"),
    "user_unreachable": (-118, "Zalo account not existed"),
    "not_following": (-213, "User has not followed the OA (not follow)"),
    "outside_window": (-230, "User has no interaction with the OA in the last 48 hours"),
}


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
        self.zns_templates: Dict[str, set] = {}
        self.not_following: set = set()
        self.outside_window: set = set()
        self.oa_receipts = False
        self.unreceived: set = set()
        self.unreachable_phones: set = set()
        self.oa_secret_key = "oa-secret"

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/v3.0/oa/message/cs", self.message_cs)
        app.router.add_post("/v3.0/oa/message/transaction", self.message_transaction)
        app.router.add_post("/message/template", self.zns)
        app.router.add_post("/v4/oa/access_token", self.oauth)

    def _kind(self, endpoint: str, kind: str, body: Any) -> web.Response:
        code, message = KIND_ERRORS[kind]
        self.record({"endpoint": endpoint, "rejected": kind, "body": body})
        return web.json_response({"error": code, "message": message})

    async def _common(self, request: web.Request, endpoint: str):
        """(body, None) or (None, the error answer): token, JSON, injected failures."""
        try:
            body = json.loads(await request.text())
        except ValueError:
            return None, web.json_response({"error": -201, "message": "Parameters are invalid"})
        if request.headers.get("access_token") != self.access_token:
            self.record({"endpoint": endpoint, "rejected": "token", "body": body})
            return None, web.json_response({"error": -216, "message": "Access token is invalid"})
        failure = self.take_failure()
        if failure and failure.get("kind"):
            return None, self._kind(endpoint, failure["kind"], body)
        if failure:
            self.record({"endpoint": endpoint, "rejected": "failure", "body": body})
            headers = {"Retry-After": str(failure["retry_after"])} if failure.get("retry_after") is not None else {}
            return None, web.json_response({"error": -32, "message": "failure"}, status=failure.get("status", 500),
                                           headers=headers)
        return body, None

    async def message_transaction(self, request: web.Request) -> web.Response:
        body, error = await self._common(request, "message/transaction")
        if error is not None:
            return error
        user_id = (body.get("recipient") or {}).get("user_id")
        payload = ((body.get("message") or {}).get("attachment") or {}).get("payload") or {}
        if not user_id or not str(payload.get("template_type", "")).startswith("transaction_") or not payload.get("elements"):
            return web.json_response({"error": -201, "message": "Parameters are invalid"})
        if user_id in self.not_following:
            return self._kind("message/transaction", "not_following", body)
        self.record({"endpoint": "message/transaction", "user_id": user_id, "payload": payload})
        message_id = f"t{next(self._ids)}"
        self._oa_receipt(user_id, message_id)
        return web.json_response({"error": 0, "message": "Success", "data": {"message_id": message_id, "user_id": user_id}})

    def _oa_receipt(self, user_id: str, message_id: str) -> None:
        if not self.oa_receipts or user_id in self.unreceived:
            return
        event = {"app_id": self.app_id, "event_name": "user_received_message", "timestamp": str(int(time.time() * 1000)),
                 "sender": {"id": "579745863508352884"}, "recipient": {"id": user_id}, "message": {"msg_id": message_id}}
        raw, headers = signed(event, self.app_id, self.oa_secret_key)
        self.post_receipt(raw, headers)

    async def zns(self, request: web.Request) -> web.Response:
        body, error = await self._common(request, "zns")
        if error is not None:
            return error
        phone, template_id = str(body.get("phone", "")), str(body.get("template_id", ""))
        data = body.get("template_data")
        if not re.fullmatch(r"84\d{9}", phone):
            return web.json_response({"error": -108, "message": "Phone number invalid"})
        if template_id not in self.zns_templates:
            self.record({"endpoint": "zns", "rejected": "template", "body": body})
            return web.json_response({"error": -109, "message": "Template ID invalid"})
        if not isinstance(data, dict) or set(data) != self.zns_templates[template_id] or not all(
                isinstance(v, str) and 0 < len(v) <= 400 for v in data.values()):
            return self._kind("zns", "param_invalid", body)
        if phone in self.unreachable_phones:
            return self._kind("zns", "user_unreachable", body)
        msg_id = f"zns{next(self._ids)}"
        self.record({"endpoint": "zns", "phone": phone, "template_id": template_id, "data": data,
                     "tracking_id": body.get("tracking_id"), "msg_id": msg_id})
        event = {"app_id": self.app_id, "event_name": "user_received_message", "timestamp": str(int(time.time() * 1000)),
                 "recipient": {"id": "u-by-phone"},
                 "message": {"msg_id": msg_id, "tracking_id": body.get("tracking_id"), "delivery_time": str(int(time.time() * 1000))}}
        raw, headers = signed(event, self.app_id, self.oa_secret_key)
        self.post_receipt(raw, headers)
        return web.json_response({"error": 0, "message": "Success", "data": {
            "msg_id": msg_id, "sent_time": str(int(time.time() * 1000)), "quota": {"dailyQuota": "500", "remainingQuota": "499"}}})

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
        if failure and failure.get("kind"):
            return self._kind("message/cs", failure["kind"], body)
        if failure:
            self.record({"endpoint": "message/cs", "rejected": "failure", "body": body})
            headers = {"Retry-After": str(failure["retry_after"])} if failure.get("retry_after") is not None else {}
            return web.json_response({"error": -32, "message": "failure"}, status=failure.get("status", 500), headers=headers)
        message = body.get("message") or {}
        user_id = (body.get("recipient") or {}).get("user_id")
        attachment = message.get("attachment")
        if not user_id or (not message.get("text") and not attachment):
            return web.json_response({"error": -201, "message": "Parameters are invalid"})
        if user_id in self.not_following:
            return self._kind("message/cs", "not_following", body)
        if user_id in self.outside_window:
            return self._kind("message/cs", "outside_window", body)
        if len(message.get("text") or "") > 2000:
            return web.json_response({"error": -201, "message": "text length exceeds 2000"})
        if attachment:
            buttons = (attachment.get("payload") or {}).get("buttons") or []
            too_long = any(len(str(b.get("title") or "")) > 100 for b in buttons)  # the API's title limit
            if self.reject_templates or len(buttons) > 5 or too_long:
                self.record({"endpoint": "message/cs", "rejected": "template", "body": body})
                return web.json_response({"error": -201, "message": "template is not allowed"})
        self.record({"endpoint": "message/cs", "user_id": user_id, "message": message})
        message_id = f"m{next(self._ids)}"
        self._oa_receipt(user_id, message_id)
        return web.json_response({"error": 0, "message": "Success", "data": {"message_id": message_id, "user_id": user_id}})

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
