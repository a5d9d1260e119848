"""Fake brandname-SMS gateway: ``POST /sms/send`` (``Authorization: Bearer <key>``, JSON
``{"to", "brandname", "text", "ref"}``) answering ``{"message_id": ...}``; it refuses what a GSM-7
brandname route refuses (non-GSM-7 text, more than 160 septets per part). Also the signatures a
gateway (X-Signature HMAC-SHA256) and Twilio (X-Twilio-Signature HMAC-SHA1 of URL + sorted
form fields, base64) put on their inbound webhooks, computed independently of the code under test.
When ``receipt_url`` is set, each accepted part gets a delivery report posted there later
(``{"message_id", "ref", "status": "delivered" | "failed", "error"}``, ``X-Signature`` HMAC-SHA256 of
the body with ``receipt_secret``); ``undeliverable`` (numbers) get "failed"."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import re
from typing import Dict, Optional

from aiohttp import web

from tests.fakes.base import FakeServer

GSM7 = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
           "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXT = set("^{}\\[~]|€")


def septets(text: str) -> int:
    return sum(2 if ch in GSM7_EXT else 1 for ch in text)


class FakeSmsGateway(FakeServer):
    def __init__(self, api_key: str) -> None:
        super().__init__()
        self.api_key = api_key
        self._ids = itertools.count(1)
        self.receipt_secret = "dlr-secret"
        self.undeliverable: set = set()

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/sms/send", self.send)

    async def send(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {self.api_key}":
            return web.json_response({"error": "unauthorized"}, status=401)
        try:
            body = json.loads(await request.text())
        except ValueError:
            return web.json_response({"error": "invalid json"}, status=400)
        failure = self.take_failure()
        if failure:
            self.record({"rejected": "failure", "body": body})
            headers = {"Retry-After": str(failure["retry_after"])} if failure.get("retry_after") is not None else {}
            return web.json_response({"error": "busy"}, status=failure.get("status", 503), headers=headers)
        text = str(body.get("text", ""))
        if not body.get("to") or not text:
            return web.json_response({"error": "to and text are required"}, status=400)
        if any(ch not in GSM7 and ch not in GSM7_EXT for ch in text):
            self.record({"rejected": "not gsm7", "body": body})
            return web.json_response({"error": "text is not GSM-7"}, status=400)
        if septets(text) > 160:
            self.record({"rejected": "too long", "body": body})
            return web.json_response({"error": "text over 160 characters"}, status=400)
        message_id = f"sms-{next(self._ids)}"
        self.record({"to": body["to"], "text": text, "brandname": body.get("brandname"), "ref": body.get("ref"),
                     "message_id": message_id})
        failed = body["to"] in self.undeliverable
        report = json.dumps({"message_id": message_id, "ref": body.get("ref"), "status": "failed" if failed else "delivered",
                             "error": "subscriber absent" if failed else ""}).encode()
        self.post_receipt(report, {"Content-Type": "application/json",
                                   "X-Signature": gateway_signature(self.receipt_secret, report)})
        return web.json_response({"message_id": message_id, "status": "accepted"})

    def texts(self, to: Optional[str] = None):
        return [e["text"] for e in self.received(lambda e: "rejected" not in e and (to is None or e["to"] == to))]

    def replies(self, to: str):
        """The texts to ``to`` grouped into replies: "(1/n) ...", ..., "(n/n) ..." make one reply."""
        grouped = []
        for text in self.texts(to):
            marker = re.match(r"\((\d)/(\d)\) ", text)
            if marker is None or marker.group(1) == "1":
                grouped.append([text])
            else:
                grouped[-1].append(text)
        return grouped

    def wait_replies(self, to: str, count: int = 1, timeout: float = 60.0):
        """At least ``count`` complete replies to ``to``."""
        def done(_):
            replies = self.replies(to)
            if len(replies) < count:
                return False
            marker = re.match(r"\((\d)/(\d)\) ", replies[-1][-1])
            return marker is None or marker.group(1) == marker.group(2)

        self.wait_for(lambda e: "rejected" not in e and e["to"] == to, count, timeout, settle=done)
        return self.replies(to)

    def wait_texts(self, to: str, count: int = 1, timeout: float = 60.0):
        """At least ``count`` texts to ``to``, and the last reply complete (its "(n/n)" part arrived)."""
        def complete(found):
            marker = re.match(r"\((\d)/(\d)\) ", found[-1]["text"])
            return marker is None or marker.group(1) == marker.group(2)

        self.wait_for(lambda e: "rejected" not in e and e["to"] == to, count, timeout, settle=complete)
        return self.texts(to)


def gateway_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def twilio_signature(auth_token: str, url: str, params: Dict[str, str]) -> str:
    payload = url + "".join(key + params[key] for key in sorted(params))
    return base64.b64encode(hmac.new(auth_token.encode(), payload.encode("utf-8"), hashlib.sha1).digest()).decode()
