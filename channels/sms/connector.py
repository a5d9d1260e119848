"""Rasa connector for SMS: a brandname-SMS gateway's JSON webhook and a Twilio-style form webhook in,
the gateway's HTTP API out (``channels.sms.client.SmsGatewayClient``).

* ``POST /webhooks/sms/webhook``: JSON ``{"message_id", "from", "to", "text"}`` signed with
  ``X-Signature: sha256=<hex HMAC-SHA256 of the raw body with the shared webhook secret>``.
* ``POST /webhooks/sms/twilio``: Twilio's form-encoded ``From``/``Body``/``MessageSid``, validated
  with ``X-Twilio-Signature`` (twilio's RequestValidator, against the public URL configured for the
  webhook); answered with an empty TwiML ``<Response/>``, the reply goes out through the gateway.

Missing signature: 401; wrong signature: 403; both before anything reaches the assistant. Each
message id is handled once. Conversation id: ``sms:<84xxxxxxxxx>``. The whole turn's reply is sent
as one SMS of at most 3 parts (GSM-7, no diacritics); buttons become numbered options and a reply with
just the digit picks that option. Keywords: TRACUU <ma>, HD, HUY (any case, with or without marks).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Sequence, Text, Tuple
from urllib.parse import parse_qsl

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, OutputChannel, UserMessage

from bot.privacy import mask, mask_phone
from channels.common import (
    deliver,
    Background,
    Rejected,
    decode_utf8,
    json_object,
    measured,
    raw_body,
    require_credentials,
    text_field,
    webhook_blueprint,
    with_retries,
)
from channels.formatting import keyword_message, sms_with_options
from channels.sms.client import SmsGatewayClient
from channels.store import ChannelStore
from core.channels import SMS
from core.conversation_ids import conversation_id, provider_id
from core.message_text import option_choice
from core.phone import normalize_phone

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Signature"
TWILIO_HEADER = "X-Twilio-Signature"
MAX_SMS_TEXT = 1600
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def gateway_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


class SmsCollector(CollectingOutputChannel):
    """Collects the turn's reply; named "sms" so the domain's ``channel: sms`` variants of a response
    (no diacritics, short enough for 3 segments) are the ones chosen."""

    @classmethod
    def name(cls) -> Text:
        return "sms"


class _FormParams(dict):
    """Form fields for twilio's validator (which asks ``getall`` for repeated fields)."""

    def __init__(self, pairs: Sequence[Tuple[str, str]]) -> None:
        super().__init__()
        self.lists: Dict[str, List[str]] = {}
        for key, value in pairs:
            self.lists.setdefault(key, []).append(value)
            self[key] = value

    def getall(self, name: str) -> List[str]:
        return self.lists[name]


def reply_parts(messages: Sequence[Dict[str, Any]]) -> Tuple[List[str], List[str]]:
    """SMS parts for one turn's bot messages, and the payloads of the numbered options offered."""
    texts = [str(m["text"]) for m in messages if m.get("text")]
    buttons: List[Dict[str, Any]] = []
    for message in messages:
        if message.get("buttons"):
            buttons = list(message["buttons"])
    payloads = [str(b.get("payload") or b.get("title")) for b in buttons]
    return sms_with_options("\n".join(texts), buttons), payloads


class SmsOutput(OutputChannel):
    """Sends each message at once (used when Rasa pushes a message outside a conversation turn)."""

    @classmethod
    def name(cls) -> Text:
        return "sms"

    def __init__(self, client: SmsGatewayClient, store: ChannelStore) -> None:
        self.client = client
        self.store = store

    async def send_parts(self, phone: str, parts: List[str]) -> None:
        for part in parts:
            await with_retries(lambda part=part: self.client.send_part(phone, part))

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        parts, _ = reply_parts([{"text": text}])
        await self.send_parts(provider_id(SMS, recipient_id), parts)

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        parts, payloads = reply_parts([{"text": text, "buttons": buttons}])
        await self.store.set_options(recipient_id, payloads)
        await self.send_parts(provider_id(SMS, recipient_id), parts)


class SmsInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "sms"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "SmsInput":
        credentials = require_credentials(cls, credentials, "gateway_url", "api_key")
        if not credentials.get("webhook_secret") and not credentials.get("twilio_auth_token"):
            cls.raise_missing_credentials_exception()
        client = SmsGatewayClient(credentials["gateway_url"], credentials["api_key"], credentials.get("brandname") or "")
        return cls(
            client,
            webhook_secret=credentials.get("webhook_secret") or None,
            twilio_auth_token=credentials.get("twilio_auth_token") or None,
            twilio_webhook_url=credentials.get("twilio_webhook_url") or None,
        )

    def __init__(self, client: SmsGatewayClient, *, webhook_secret: Optional[str] = None,
                 twilio_auth_token: Optional[str] = None, twilio_webhook_url: Optional[str] = None,
                 store: Optional[ChannelStore] = None) -> None:
        self.client = client
        self.webhook_secret = webhook_secret
        self.twilio = RequestValidator(twilio_auth_token) if twilio_auth_token else None
        self.twilio_webhook_url = twilio_webhook_url
        self.store = store or ChannelStore.from_environment()
        self.background = Background("sms")

    def get_output_channel(self) -> OutputChannel:
        return SmsOutput(self.client, self.store)

    # --- parsing -----------------------------------------------------------------------------

    def _gateway_message(self, request: Request) -> Tuple[str, str, Optional[str]]:
        if not self.webhook_secret:
            raise Rejected(404, "gateway webhook not configured")
        body = raw_body(request)
        given = request.headers.get(SIGNATURE_HEADER)
        if not given:
            raise Rejected(401, f"missing {SIGNATURE_HEADER}")
        if not hmac.compare_digest(given.strip().encode("utf-8", "replace"), gateway_signature(self.webhook_secret, body).encode()):
            raise Rejected(403, f"{SIGNATURE_HEADER} does not match")
        data = json_object(decode_utf8(body))
        phone = text_field(data, "from", limit=32)
        text = text_field(data, "text", limit=MAX_SMS_TEXT)
        message_id = text_field(data, "message_id", required=False, limit=128)
        return phone, text, message_id

    def _twilio_message(self, request: Request) -> Tuple[str, str, Optional[str]]:
        if self.twilio is None:
            raise Rejected(404, "Twilio webhook not configured")
        body = raw_body(request)
        given = request.headers.get(TWILIO_HEADER)
        if not given:
            raise Rejected(401, f"missing {TWILIO_HEADER}")
        text = decode_utf8(body)
        try:
            params = _FormParams(parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text)))
        except ValueError:
            raise Rejected(400, "body is not form-encoded")
        url = self.twilio_webhook_url or request.url
        if not self.twilio.validate(url, params, given):
            raise Rejected(403, f"{TWILIO_HEADER} does not match")
        phone = text_field(params, "From", limit=32)
        message = text_field(params, "Body", limit=MAX_SMS_TEXT)
        return phone, message, text_field(params, "MessageSid", required=False, limit=64)

    # --- handling ----------------------------------------------------------------------------

    async def _handle(self, phone: str, text: str, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        sender = conversation_id(SMS, phone)
        options = await self.store.get_options(sender)
        chosen = option_choice(text, options)
        if chosen is not None:
            await self.store.set_options(sender, [])
            message = chosen
        else:
            message = keyword_message(text) or text.strip()
        if not message:
            return
        logger.info("sms: message from %s (%d characters)", mask_phone(phone), len(message))
        logger.debug("sms: %s says %s", mask_phone(phone), mask(message)[:200])
        collector = SmsCollector()
        await deliver(on_new_message, UserMessage(message, collector, sender, input_channel=self.name()))
        parts, payloads = reply_parts(collector.messages)
        if payloads or options:
            await self.store.set_options(sender, payloads)
        await SmsOutput(self.client, self.store).send_parts(phone, parts)

    async def _accept(self, request: Request, parse: Callable[[Request], Tuple[str, str, Optional[str]]],
                      on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Optional[HTTPResponse]:
        """None when accepted (handled in the background), else the refusal response."""
        try:
            raw_phone, text, message_id = parse(request)
            phone = normalize_phone(raw_phone)
            if phone is None:
                raise Rejected(400, "sender is not a phone number")
        except Rejected as rejected:
            return rejected.response("sms")
        if message_id and not await self.store.first_time(f"sms:msg:{message_id}"):
            logger.info("sms: duplicate delivery of a message from %s ignored", mask_phone(phone))
            return None
        self.background.spawn(lambda: self._handle(phone, text, on_new_message))
        return None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        on_new_message = measured("sms", on_new_message)
        hook = webhook_blueprint("sms")

        @hook.route("/webhook", methods=["POST"])
        async def gateway(request: Request) -> HTTPResponse:
            refused = await self._accept(request, self._gateway_message, on_new_message)
            return refused or response.json({"ok": True})

        @hook.route("/twilio", methods=["POST"])
        async def twilio(request: Request) -> HTTPResponse:
            refused = await self._accept(request, self._twilio_message, on_new_message)
            return refused or response.text(EMPTY_TWIML, content_type="text/xml; charset=utf-8")

        return hook
