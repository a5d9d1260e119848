"""Web chat session tokens: the server issues the conversation id, the browser only carries it.

A token is ``<session id>.<issued, unix seconds>.<mac>`` where the session id is 22 random URL-safe
characters (``secrets.token_urlsafe(16)``) and the mac is HMAC-SHA256 over ``webchat:<id>.<issued>``
with ``WEBCHAT_SESSION_SECRET``, base64url without padding. ``verify`` gives the conversation id
``webchat:<id>`` for a token this server signed and that is not older than the session lifetime, and
raises ``InvalidSession`` (with the HTTP status to answer) otherwise, checking in this order: shape
(400), signature (403), age (401, the page then asks for a new session). A session id can never
contain ":", so no token can name another channel's conversation (``sms:849…``, ``telegram:…``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from typing import Optional

from core.channels import WEBCHAT
from core import conversation_ids

SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_TOKEN = re.compile(r"^([A-Za-z0-9_-]{8,64})\.([0-9]{1,12})\.([A-Za-z0-9_-]{43})$")


class InvalidSession(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _mac(secret: str, session_id: str, issued: int) -> str:
    digest = hmac.new(secret.encode("utf-8"), f"{conversation_id(session_id)}.{issued}".encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def issue(secret: str, session_id: Optional[str] = None, now: Optional[float] = None) -> str:
    """A new signed token (a new random session id unless one is given, e.g. by tests)."""
    session_id = session_id or secrets.token_urlsafe(16)
    if not SESSION_ID.match(session_id):
        raise ValueError("a web chat session id is 8-64 characters A-Z a-z 0-9 _ -")
    issued = int(time.time() if now is None else now)
    return f"{session_id}.{issued}.{_mac(secret, session_id, issued)}"


def conversation_id(session_id: str) -> str:
    return conversation_ids.conversation_id(WEBCHAT, session_id)


def verify(secret: str, token: Optional[str], max_age_seconds: float, now: Optional[float] = None) -> str:
    """The conversation id (``webchat:<id>``) the token was issued for."""
    match = _TOKEN.match(token or "")
    if not match:
        raise InvalidSession(400 if token else 401, "missing or malformed web chat session token")
    session_id, issued, mac = match.group(1), int(match.group(2)), match.group(3)
    if not hmac.compare_digest(mac, _mac(secret, session_id, issued)):
        raise InvalidSession(403, "web chat session token not signed by this server")
    current = time.time() if now is None else now
    if issued > current + 60 or current - issued > max_age_seconds:
        raise InvalidSession(401, "web chat session expired: ask for a new one")
    return conversation_id(session_id)
