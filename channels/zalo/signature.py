"""Zalo OA webhook signature (header ``X-ZEvent-Signature``).

Zalo documents the MAC as the SHA-256 hex digest of app id + the raw JSON body + the event's
``timestamp`` (from that body) + the OA secret key (the OA's secret, not the app secret), in that
order, sent as ``mac=<hex>``.
"""

from __future__ import annotations

import hashlib
import hmac


def event_mac(app_id: str, raw_body: str, timestamp: str, oa_secret_key: str) -> str:
    return hashlib.sha256(f"{app_id}{raw_body}{timestamp}{oa_secret_key}".encode("utf-8")).hexdigest()


def signature_header(app_id: str, raw_body: str, timestamp: str, oa_secret_key: str) -> str:
    return "mac=" + event_mac(app_id, raw_body, timestamp, oa_secret_key)


def valid_signature(header: str, app_id: str, raw_body: str, timestamp: str, oa_secret_key: str) -> bool:
    given = (header or "").strip()
    if given.lower().startswith("mac="):
        given = given[4:].strip()
    expected = event_mac(app_id, raw_body, timestamp, oa_secret_key)
    return hmac.compare_digest(given.lower().encode("ascii", "replace"), expected.encode("ascii"))
