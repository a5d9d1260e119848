"""Outbound SMS through a brandname-SMS gateway's HTTP API (aiohttp, no Rasa).

``SmsGatewayClient.send(phone, text)`` converts the text for SMS (diacritics removed, plain GSM-7, at
most 3 parts of 160 characters marked "(1/2)", see ``core.message_text.sms_parts``) and posts each
part as ``POST {base_url}/sms/send`` with ``Authorization: Bearer <api key>`` and the JSON body
``{"to": "84912345678", "brandname": "...", "text": "...", "ref": "<unique id>"}``; the gateway
answers 200/202 with ``{"message_id": "..."}``. Phone numbers are normalised to 84xxxxxxxxx
(``core.phone.normalize_phone``). Any failure raises ``channels.errors.ProviderError`` with the HTTP status
(``None`` on timeout or connection error) and the ``Retry-After`` seconds when the gateway sent them,
so a caller can retry 429/5xx/timeouts; ``ref`` lets a gateway drop a part it has already accepted.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import List, Optional

import aiohttp

from bot.privacy import mask_phone
from channels.errors import ProviderError
from channels.http import HttpClient
from core.message_text import sms_parts
from core.phone import normalize_phone

logger = logging.getLogger(__name__)


class SmsGatewayClient(HttpClient):
    def __init__(self, base_url: str, api_key: str, brandname: str = "", timeout: float = 10.0, max_parts: int = 3) -> None:
        super().__init__(timeout)
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.brandname = brandname
        self.max_parts = max_parts

    async def send_part(self, phone: str, text: str, ref: Optional[str] = None) -> str:
        """Send one already-converted SMS part; returns the gateway's message id."""
        session = await self._get_session()
        body = {"to": phone, "brandname": self.brandname, "text": text, "ref": ref or uuid.uuid4().hex}
        try:
            async with session.post(
                f"{self.base_url}/sms/send", json=body, headers={"Authorization": f"Bearer {self.api_key}"}
            ) as response:
                if response.status not in (200, 201, 202):
                    retry_after = None
                    try:
                        retry_after = float(response.headers.get("Retry-After", ""))
                    except ValueError:
                        pass
                    raise ProviderError(
                        response.status, retry_after, f"SMS gateway refused the message to {mask_phone(phone)}: HTTP {response.status}"
                    )
                answer = await response.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            raise ProviderError(None, None, f"SMS gateway unreachable: {type(error).__name__}") from error
        except ValueError as error:
            raise ProviderError(502, None, "SMS gateway answered something that is not JSON") from error
        return str(answer.get("message_id", "")) if isinstance(answer, dict) else ""

    async def send(self, phone: str, text: str) -> List[str]:
        """Send ``text`` to ``phone`` as at most 3 GSM-7 parts; returns the gateway's message ids."""
        number = normalize_phone(phone)
        if number is None:
            raise ProviderError(400, None, "not a phone number")
        ref = uuid.uuid4().hex
        ids = []
        for index, part in enumerate(sms_parts(text, max_parts=self.max_parts), 1):
            ids.append(await self.send_part(number, part, ref=f"{ref}-{index}"))
        return ids
