"""Delivery receipts from the providers, as an aiohttp route table (mounted by the status API).

    POST /notifications/receipts/sms      the SMS gateway's delivery reports
      X-Signature: sha256=<hex HMAC-SHA256(NOTIFY_RECEIPT_SECRET, raw body)>
      {"reports": [{"message_id": "sms-17", "status": "delivered" | "failed" | "expired" | "rejected",
                    "error": "..."}]}    (or one report object)
    POST /notifications/receipts/zalo     Zalo's webhook events for ZNS
      X-ZEvent-Signature: mac=<sha256(app_id + raw body + timestamp + OA secret key)>
      {"app_id", "event_name": "user_received_message", "timestamp",
       "message": {"msg_id", "tracking_id", "delivery_time"}}

Checks, in order: a secret is configured (503 otherwise: every receipt refused); the body is at most
64 KB (413); the signature (401); UTF-8 JSON of the right shape (400). Then each report moves its
notification (``notifications.tracking``): delivered, or failed and handed to the fallback. Answers
200 ``{"results": ["delivered" | "partial" | "failed" | "late" | "unknown" | "ignored", ...]}``. A
receipt for a message we do not know yet is kept for a day (it may come before our bookkeeping) and
answers "unknown"; a receipt after the deadline answers "late" and changes nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import Any, List, Optional

from aiohttp import web

from channels.zalo.signature import valid_signature
from notifications.fallback import Targets, fall_back
from notifications.tracking import Tracking

logger = logging.getLogger(__name__)

MAX_BODY = 64 * 1024
DELIVERED_WORDS = {"delivered", "delivrd", "success", "received"}
ZNS_RECEIVED_EVENTS = {"user_received_message"}


def sms_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def receipt_routes(tracking: Tracking, targets: Optional[Targets], sms_secret: str, zalo_app_id: str,
                   zalo_oa_secret: str) -> web.RouteTableDef:
    routes = web.RouteTableDef()

    async def body_of(request: web.Request) -> Optional[bytes]:
        if request.content_length is not None and request.content_length > MAX_BODY:
            return None
        body = await request.content.read(MAX_BODY + 1)
        return None if len(body) > MAX_BODY else body

    async def settle(channel: str, provider_id: str, delivered: bool, reason: str) -> str:
        outcome, entry = await tracking.receipt(channel, provider_id, delivered, reason)
        if outcome == "failed" and entry:
            if await fall_back(tracking, targets, entry, f"delivery failed: {reason}") is None:
                logger.warning("notification on %s failed at delivery and has no other channel", channel)
                await tracking.dead(entry, f"delivery failed ({reason}) and no other channel", "receipts")
        return outcome

    @routes.post("/notifications/receipts/sms")
    async def sms(request: web.Request) -> web.Response:
        if not sms_secret:
            return web.json_response({"error": "no receipt secret configured"}, status=503)
        body = await body_of(request)
        if body is None:
            return web.json_response({"error": "body over 64 KB"}, status=413)
        if not hmac.compare_digest(sms_signature(sms_secret, body), request.headers.get("X-Signature", "")):
            logger.warning("SMS delivery report refused: bad signature from %s", request.remote)
            return web.json_response({"error": "bad X-Signature"}, status=401)
        try:
            payload: Any = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return web.json_response({"error": "the body is not UTF-8 JSON"}, status=400)
        reports = payload.get("reports") if isinstance(payload, dict) and "reports" in payload else [payload]
        if not isinstance(reports, list) or not reports or len(reports) > 500 or not all(
                isinstance(r, dict) and isinstance(r.get("message_id"), str) and isinstance(r.get("status"), str)
                for r in reports):
            return web.json_response({"error": "reports: 1 to 500 objects with message_id and status"}, status=400)
        results: List[str] = []
        for report in reports:
            status = report["status"].strip().lower()
            results.append(await settle("sms", report["message_id"], status in DELIVERED_WORDS,
                                        f"{status} {str(report.get('error') or '')[:100]}".strip()))
        return web.json_response({"results": results})

    @routes.post("/notifications/receipts/zalo")
    async def zalo(request: web.Request) -> web.Response:
        if not zalo_oa_secret or not zalo_app_id:
            return web.json_response({"error": "no Zalo OA secret configured"}, status=503)
        body = await body_of(request)
        if body is None:
            return web.json_response({"error": "body over 64 KB"}, status=413)
        try:
            text = body.decode("utf-8")
            event = json.loads(text)
        except (UnicodeDecodeError, ValueError):
            return web.json_response({"error": "the body is not UTF-8 JSON"}, status=400)
        if not isinstance(event, dict):
            return web.json_response({"error": "an event object"}, status=400)
        if not valid_signature(request.headers.get("X-ZEvent-Signature", ""), zalo_app_id, text,
                               str(event.get("timestamp", "")), zalo_oa_secret):
            logger.warning("Zalo receipt refused: bad signature from %s", request.remote)
            return web.json_response({"error": "bad X-ZEvent-Signature"}, status=401)
        message = event.get("message") if isinstance(event.get("message"), dict) else {}
        if event.get("event_name") not in ZNS_RECEIVED_EVENTS or not isinstance(message.get("msg_id"), str):
            return web.json_response({"results": ["ignored"]})
        return web.json_response({"results": [await settle("zalo", message["msg_id"], True, "")]})

    return routes
