"""Zalo Official Account API v3 client (aiohttp, no Rasa): sends customer-service messages and keeps
the OA access token fresh.

``ZaloClient.send_text(user_id, text)`` posts to ``{api_base}/v3.0/oa/message/cs`` with the OA access
token in the ``access_token`` header; texts over Zalo's 2000 characters go as several messages.
``send_message(user_id, message)`` sends any message object (text with a button template...).
``send_transaction(user_id, title, text)`` posts an OA transaction message to
``{api_base}/v3.0/oa/message/transaction`` (a ``template`` attachment of ``template_type``
"transaction_event", language VI, a header and a text element). ``send_zns(phone, template_id,
template_data, tracking_id)`` posts a ZNS template message to ``{zns_base}/message/template`` (JSON
``phone`` as 84xxxxxxxxx, ``template_id``, ``template_data``, ``tracking_id``; the answer's
``data.msg_id`` is returned, the delivery event later carries it and the tracking id).
Errors are classified by kind (``channels.errors``, ``error_kind``): by Zalo's code when it is one we
know (``ERROR_KINDS``) else by the words of Zalo's message.
When Zalo answers that the token is invalid or expired (error -216 / -124, or HTTP 401), or the token's
``expires_in`` has passed, the client refreshes it once at ``{oauth_base}/v4/oa/access_token``
(``secret_key`` header = app secret, form ``app_id``, ``refresh_token``, ``grant_type=refresh_token``)
and keeps the new pair (a refresh token is single use) in memory and, if ``token_file`` is given, in
that file (mode 0600) so that a restart does not lose it. Every failure raises
``channels.errors.ProviderError``: ``status`` is the HTTP status, ``None`` on timeout or connection
error; for an error Zalo reports in a 200 body, ``status`` is 200 and ``code`` holds Zalo's error code.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import aiohttp

from bot.privacy import mask
from channels.errors import (
    OUTSIDE_WINDOW, PARAM_INVALID, QUOTA_EXCEEDED, TEMPLATE_NOT_APPROVED, TOKEN_EXPIRED, USER_UNREACHABLE, ProviderError,
)
from channels.http import HttpClient
from core.channels import ZALO
from core.conversation_ids import provider_id
from core.message_text import split_message

logger = logging.getLogger(__name__)

API_BASE = "https://openapi.zalo.me"
OAUTH_BASE = "https://oauth.zaloapp.com"
TEXT_LIMIT = 2000
# Zalo error codes that mean "this access token no longer works".
TOKEN_ERRORS = {-216, -124}


ZNS_BASE = "https://business.openapi.zalo.me"

# Zalo error codes by kind. ZNS codes from Zalo Cloud's "Cách xử lý mã lỗi" table
# (zalo.cloud/zns/guidelines/handle-error-code, read 2026-12-03): -108 phone number invalid, -109 template
# id invalid, -111 template data empty, -112 template data invalid, -118 Zalo account not existed.
# Codes we could not confirm are classified by the words of Zalo's message (``_BY_WORDS``); an operator
# who meets a new code adds it here.
ERROR_KINDS: Dict[int, str] = {
    -108: PARAM_INVALID, -109: TEMPLATE_NOT_APPROVED, -111: PARAM_INVALID, -112: PARAM_INVALID,
    -118: USER_UNREACHABLE, -216: TOKEN_EXPIRED, -124: TOKEN_EXPIRED,
}
_BY_WORDS = (
    (("quota", "limit", "insufficient balance", "exceed"), QUOTA_EXCEEDED),
    (("permission to access this template", "template not approved", "template is not approved",
      "template id invalid", "template disabled", "template is disabled"), TEMPLATE_NOT_APPROVED),
    (("template data", "param", "phone number invalid"), PARAM_INVALID),
    (("not follow", "unfollow", "block", "reject", "inactive", "can not receive", "cannot receive",
      "not existed"), USER_UNREACHABLE),
    (("48", "interaction", "interact", "window"), OUTSIDE_WINDOW),
    (("access token",), TOKEN_EXPIRED),
)


def error_kind(code: Optional[int], message: str) -> Optional[str]:
    """The kind of a Zalo error (``channels.errors.KINDS``) from its code or its message, or None."""
    if code in ERROR_KINDS:
        return ERROR_KINDS[code]  # type: ignore[index]
    words = (message or "").lower()
    for needles, kind in _BY_WORDS:
        if any(needle in words for needle in needles):
            return kind
    return None


class ZaloError(ProviderError):
    """A ProviderError with Zalo's own error code (``code``) when Zalo gave one."""

    def __init__(self, status: Optional[int], retry_after: Optional[float], message: str, code: Optional[int] = None,
                 kind: Optional[str] = None):
        super().__init__(status, retry_after, message, kind)
        self.code = code


def _retry_after(response: aiohttp.ClientResponse) -> Optional[float]:
    try:
        return float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None


class ZaloClient(HttpClient):
    def __init__(
        self,
        access_token: str,
        *,
        app_id: str = "",
        app_secret: str = "",
        refresh_token: str = "",
        api_base: str = API_BASE,
        oauth_base: str = OAUTH_BASE,
        zns_base: str = ZNS_BASE,
        token_file: Optional[Path] = None,
        timeout: float = 10.0,
    ) -> None:
        super().__init__(timeout)
        self.api_base = api_base.rstrip("/")
        self.oauth_base = oauth_base.rstrip("/")
        self.zns_base = zns_base.rstrip("/")
        self.app_id = app_id
        self.app_secret = app_secret
        self.token_file = Path(token_file) if token_file else None
        self.access_token = access_token
        self.refresh_token = refresh_token
        self.expires_at: Optional[float] = None
        self._load_token_file()
        self._refresh_lock = asyncio.Lock()

    # --- token -----------------------------------------------------------------------------

    def _load_token_file(self) -> None:
        if not self.token_file or not self.token_file.exists():
            return
        try:
            saved = json.loads(self.token_file.read_text(encoding="utf-8"))
            self.access_token = saved.get("access_token") or self.access_token
            self.refresh_token = saved.get("refresh_token") or self.refresh_token
            self.expires_at = saved.get("expires_at")
        except (OSError, ValueError) as error:
            logger.warning("Zalo token file %s unreadable (%s); using the configured token", self.token_file, error)

    def _save_token_file(self) -> None:
        if not self.token_file:
            return
        self.token_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.token_file.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(
                {"access_token": self.access_token, "refresh_token": self.refresh_token, "expires_at": self.expires_at},
                handle,
            )
        os.replace(tmp, self.token_file)

    @property
    def can_refresh(self) -> bool:
        return bool(self.refresh_token and self.app_id and self.app_secret)

    async def refresh_access_token(self, stale_token: Optional[str] = None) -> str:
        """Get a new access token with the refresh token; concurrent callers share one refresh."""
        async with self._refresh_lock:
            lock = await asyncio.to_thread(self._lock_file)
            try:
                return await self._refresh(stale_token)
            finally:
                if lock is not None:
                    lock.close()  # closing the descriptor releases the flock

    def _lock_file(self) -> Optional[Any]:
        """An exclusive lock shared with other processes using the same token file (the assistant and
        the notification workers): a refresh token works only once."""
        if not self.token_file:
            return None
        import fcntl

        self.token_file.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.token_file.with_suffix(".lock"), "a")
        fcntl.flock(handle, fcntl.LOCK_EX)
        return handle

    async def _refresh(self, stale_token: Optional[str]) -> str:
        self._load_token_file()  # another process may have refreshed already
        if stale_token is not None and self.access_token != stale_token:
            return self.access_token  # someone else refreshed while we waited
        if not self.can_refresh:
            raise ZaloError(401, None, "Zalo access token expired and no refresh token/app secret is configured")
        session = await self._get_session()
        try:
            async with session.post(
                f"{self.oauth_base}/v4/oa/access_token",
                headers={"secret_key": self.app_secret},
                data={"app_id": self.app_id, "refresh_token": self.refresh_token, "grant_type": "refresh_token"},
            ) as response:
                status = response.status
                body = await response.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            raise ZaloError(None, None, f"Zalo token refresh failed: {type(error).__name__}") from error
        if status != 200 or not isinstance(body, dict) or not body.get("access_token"):
            code = body.get("error") if isinstance(body, dict) else None
            raise ZaloError(status if status != 200 else 401, None, f"Zalo token refresh refused (error {code})", code)
        self.access_token = body["access_token"]
        self.refresh_token = body.get("refresh_token") or self.refresh_token
        try:
            self.expires_at = time.time() + float(body.get("expires_in", 0)) - 60
        except (TypeError, ValueError):
            self.expires_at = None
        self._save_token_file()
        logger.info("Zalo access token refreshed")
        return self.access_token

    # --- sending ---------------------------------------------------------------------------

    async def _post_message(self, payload: Dict[str, Any], token: str, url: str = "") -> Dict[str, Any]:
        session = await self._get_session()
        url = url or f"{self.api_base}/v3.0/oa/message/cs"
        try:
            async with session.post(
                url,
                headers={"access_token": token, "Content-Type": "application/json"},
                data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            ) as response:
                if response.status != 200:
                    raise ZaloError(response.status, _retry_after(response), f"Zalo message/cs HTTP {response.status}")
                body = await response.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            raise ZaloError(None, None, f"Zalo message/cs unreachable: {type(error).__name__}") from error
        except ValueError as error:
            raise ZaloError(502, None, "Zalo message/cs answered something that is not JSON") from error
        if not isinstance(body, dict):
            raise ZaloError(502, None, "Zalo message/cs answered JSON of an unexpected shape")
        return body

    async def send_message(self, user_id: str, message: Dict[str, Any], endpoint: str = "cs") -> str:
        """Send one message object to a follower (``endpoint`` "cs" or "transaction"); returns Zalo's message id."""
        user_id = provider_id(ZALO, user_id)
        payload = {"recipient": {"user_id": user_id}, "message": message}
        return await self._send(payload, f"{self.api_base}/v3.0/oa/message/{endpoint}", f"to {mask(str(user_id))}")

    async def send_transaction(self, user_id: str, title: str, text: str) -> str:
        """An OA transaction message (a notice about the citizen's own application) to a follower."""
        message = {"attachment": {"type": "template", "payload": {
            "template_type": "transaction_event", "language": "VI",
            "elements": [{"type": "header", "content": title[:100], "align": "left"},
                         {"type": "text", "content": text[:1000], "align": "left"}]}}}
        return await self.send_message(user_id, message, endpoint="transaction")

    async def send_zns(self, phone: str, template_id: str, template_data: Dict[str, str], tracking_id: str) -> str:
        """A ZNS template message to a phone number (84xxxxxxxxx); returns Zalo's msg_id."""
        payload = {"phone": phone, "template_id": template_id, "template_data": template_data, "tracking_id": tracking_id}
        return await self._send(payload, f"{self.zns_base}/message/template", "(ZNS)")

    async def _send(self, payload: Dict[str, Any], url: str, what: str) -> str:
        if self.expires_at is not None and time.time() >= self.expires_at and self.can_refresh:
            await self.refresh_access_token(self.access_token)
        for attempt in (1, 2):
            token = self.access_token
            try:
                body = await self._post_message(payload, token, url)
            except ZaloError as error:
                if error.status == 401 and attempt == 1 and self.can_refresh:
                    await self.refresh_access_token(token)
                    continue
                raise
            code = body.get("error", 0)
            if code == 0:
                data = body.get("data") or {}
                return str(data.get("message_id") or data.get("msg_id") or "")
            if code in TOKEN_ERRORS and attempt == 1 and self.can_refresh:
                logger.info("Zalo access token rejected (error %s); refreshing", code)
                await self.refresh_access_token(token)
                continue
            message = str(body.get("message", ""))
            kind = error_kind(code if isinstance(code, int) else None, message)
            raise ZaloError(200, None, f"Zalo refused the message {what}: error {code} {message}", code, kind)
        raise ZaloError(401, None, "Zalo access token still rejected after a refresh", None, TOKEN_EXPIRED)

    async def send_text(self, user_id: str, text: str) -> List[str]:
        """Send a text (several messages when over 2000 characters); returns Zalo's message ids."""
        return [await self.send_message(user_id, {"text": part}) for part in split_message(text, TEXT_LIMIT)]
